package io.videopipeline.routing;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.Service;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.spi.Synchronization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Deletes ("acknowledges") an SQS message once its exchange has completed: bean {@code sqsAcknowledger}, the first
 * step of routes/sqs-source.kamelet.yaml, whose aws2-sqs consumer has {@code deleteAfterRead=false} so that this is
 * the only thing that deletes.
 *
 * <p>What is deleted when is what Camel's consumer decided with {@code deleteAfterRead=true}: the delete hangs on the
 * exchange's completion as Camel's own did, so a message is deleted when its exchange completes (every record done or
 * parked, a filtered or stopped exchange included: Camel deleted those too) and never when it fails (a record pending
 * after the split, an error not handled): that message stays and comes back after its retry delay
 * ({@link #deleteWhenDone(Exchange, int)}).
 *
 * <p>What changes ({@code pipeline.sqs.acknowledge=async}, the default) is the thread: Camel deleted on the consumer
 * thread before its next receive; here the delete is handed to a background thread ({@link DeleteQueue}: gathered
 * into batches for a few milliseconds, retried with back-off), so the next receive overlaps it and one request
 * deletes several messages. Of the consumer thread's time per message in the routing bench the delete was 18 %
 * (issue 20). {@code sync} deletes on the consumer thread as Camel did.
 *
 * <p>Crash safety is unchanged in kind: a message is deleted only after its work, so anything lost between the two
 * (a crash, a delete SQS refused after the retries, a delete still queued when the stop's flush ran out) means the
 * message comes back and its work is done again, which the routes make harmless: the transcoder skips outputs that
 * already carry the upload's ETag, mails are marked once sent, the ACL and the metadata are the same again. The
 * window is longer than Camel's by the time a delete waits on the background thread (its batch window, tens of
 * milliseconds, unless SQS is refusing). A delete given up is logged at WARN with the queue and the message id
 * (never the receipt handle, which grants the right to delete) and counted
 * ({@code pipeline_sqs_acknowledge_failures_total}).
 *
 * <p>On stop ({@link #service()}, a Camel service, stopped after the routes and their in-flight exchanges, and before
 * the runner closes the SQS client) the deletes still queued are flushed for up to the flush timeout.
 */
public final class SqsAcknowledger {
    private static final Logger LOG = LoggerFactory.getLogger(SqsAcknowledger.class);

    /** Where the delete runs. */
    public enum Mode {
        /** On a background thread; the consumer goes on to its next receive. */
        ASYNC,
        /** On the consumer thread before its next receive, as Camel's {@code deleteAfterRead=true} did. */
        SYNC;

        public static Mode parse(String value) {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param attempts     tries of a delete in the background, the first included (each is also retried by the SDK)
     * @param retryDelay   back-off before the second try; doubles for each further one
     * @param batchSize    most deletes of one queue in one DeleteMessageBatch (SQS: 10); 1 sends each on its own
     * @param batchWindow  how long a delete that finds none waiting waits for others to join its batch (0: none)
     * @param flushTimeout how long a stop waits for the deletes still queued
     * @param backlog      most deletes waiting in the background; beyond, a consumer deletes its message itself
     */
    public record Settings(Mode mode, int attempts, Duration retryDelay, int batchSize, Duration batchWindow,
                           Duration flushTimeout, int backlog) {
        /** SQS's limit on the entries of one DeleteMessageBatch. */
        public static final int MAX_BATCH = 10;
        /** The longest batch window: a delete held longer risks its message's visibility (seconds) running out. */
        public static final int MAX_WINDOW_MS = 1000;

        public Settings {
            if (attempts < 1 || batchSize < 1 || batchSize > MAX_BATCH || retryDelay.isNegative()
                    || batchWindow.isNegative() || batchWindow.toMillis() > MAX_WINDOW_MS
                    || flushTimeout.isNegative() || backlog < 1) {
                throw new IllegalArgumentException("acknowledge settings out of range: " + attempts + " attempts, batch "
                        + batchSize + " (1 to " + MAX_BATCH + "), batch window " + batchWindow.toMillis() + " ms (0 to "
                        + MAX_WINDOW_MS + "), backlog " + backlog);
            }
        }
    }

    private final SqsClient sqs;
    private final Settings settings;
    private final QueueUrls queueUrls;
    private final AtomicLong failures = new AtomicLong();
    /** The background deletes, made at the first one; null before, and again after a stop. */
    private DeleteQueue background;
    private boolean stopped;

    public SqsAcknowledger(SqsClient sqs, Settings settings) {
        this.sqs = sqs;
        this.settings = settings;
        this.queueUrls = new QueueUrls(sqs);
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Deletes the exchange's SQS message when the exchange completes, and leaves it when the exchange fails. Call it
     * on the exchange the aws2-sqs consumer made (the kamelet's first step).
     */
    public void deleteWhenDone(Exchange exchange) {
        deleteWhenDone(exchange, 0);
    }

    /**
     * As {@link #deleteWhenDone(Exchange)}, and when the exchange fails, hides the message for
     * {@code retryAfterSeconds} (0: leaves it as it is). The consumers receive with a short visibility timeout that
     * they extend while they work (the kamelet's {@code visibilityTimeout}): a message handed to the long poll of a
     * runner that has just stopped then comes back in seconds rather than after a retry delay; this keeps the wait
     * before a retry what it was.
     */
    public void deleteWhenDone(Exchange exchange, int retryAfterSeconds) {
        if (retryAfterSeconds < 0 || retryAfterSeconds > MAX_VISIBILITY_SECONDS) {
            throw new IllegalArgumentException("sqsAcknowledger: retry after " + retryAfterSeconds + " s is not 0 to "
                    + MAX_VISIBILITY_SECONDS);
        }
        String handle = exchange.getMessage().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
        if (handle == null) {
            throw new IllegalStateException("sqsAcknowledger: the exchange carries no SQS receipt handle");
        }
        exchange.getExchangeExtension().addOnCompletion(new WhenDone(new DeleteQueue.Delete(queueOf(exchange), handle,
                exchange.getMessage().getHeader(Sqs2Constants.MESSAGE_ID, String.class), 1), retryAfterSeconds));
    }

    /** SQS's longest visibility timeout: 12 hours. */
    static final int MAX_VISIBILITY_SECONDS = 43_200;

    private static String queueOf(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        if (from instanceof Sqs2Endpoint sqs) {
            return sqs.getConfiguration().getQueueName();
        }
        throw new IllegalStateException("sqsAcknowledger: the exchange did not come from an aws2-sqs consumer but from "
                + (from == null ? "nowhere" : from.getEndpointBaseUri()));
    }

    /** The delete, hung on the exchange's completion like the consumer's own (which no longer deletes). */
    private final class WhenDone implements Synchronization, Ordered {
        private final DeleteQueue.Delete delete;
        private final int retryAfterSeconds;

        WhenDone(DeleteQueue.Delete delete, int retryAfterSeconds) {
            this.delete = delete;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public void onComplete(Exchange exchange) {
            acknowledge(delete);
        }

        @Override
        public void onFailure(Exchange exchange) {
            // not deleted: the message comes back after the retry delay (the consumer logs the failure)
            if (retryAfterSeconds > 0) {
                retryAfter(delete, retryAfterSeconds);
            }
        }

        /** Last of the exchange's completions: after the consumer's visibility extension has let go of the message. */
        @Override
        public int getOrder() {
            return Ordered.LOWEST;
        }

        @Override
        public String toString() {
            return "SqsAcknowledger";
        }
    }

    void acknowledge(DeleteQueue.Delete delete) {
        DeleteQueue queue = settings.mode() == Mode.ASYNC ? background() : null;
        // back-pressure: while SQS struggles, the consumers slow down rather than pile up deletes (whose messages
        // would come back before the deletes went out)
        if (queue != null && queue.outstanding() < settings.backlog()) {
            queue.add(delete);
        } else {
            deleteNow(delete);
        }
    }

    /** The background deletes; null once stopped (a completion that late deletes on its own thread). */
    private synchronized DeleteQueue background() {
        if (stopped) {
            return null;
        }
        if (background == null) {
            background = new DeleteQueue(sqs, queueUrls::of, settings.attempts(), settings.retryDelay(),
                    settings.batchSize(), settings.batchWindow(), this::notDeleted);
        }
        return background;
    }

    /** One DeleteMessage here and now (with the SDK's own retries), as Camel's consumer made it. */
    private void deleteNow(DeleteQueue.Delete delete) {
        try {
            sqs.deleteMessage(b -> b.queueUrl(queueUrls.of(delete.queue())).receiptHandle(delete.receiptHandle()));
        } catch (RuntimeException e) {
            notDeleted(delete, DeleteQueue.describe(e, delete));
        }
    }

    private void notDeleted(DeleteQueue.Delete delete, String why) {
        failures.incrementAndGet();
        LOG.warn("Queue {}: message {} was not deleted ({} tr{}: {}); it comes back after its visibility timeout and"
                        + " is handled again, which the routes' idempotency makes harmless",
                DeleteQueue.queueName(delete.queue()), delete.messageId(), delete.attempt(),
                delete.attempt() == 1 ? "y" : "ies", why);
    }

    /**
     * Hides a failed message for its retry delay, on the consumer thread (failures are rare). If SQS refuses, the
     * message comes back when the visibility it was received with runs out: sooner, never lost.
     */
    private void retryAfter(DeleteQueue.Delete message, int seconds) {
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrls.of(message.queue()))
                    .receiptHandle(message.receiptHandle()).visibilityTimeout(seconds));
        } catch (RuntimeException e) {
            LOG.warn("Queue {}: message {} failed and could not be hidden for its retry delay of {} s ({}); it comes"
                            + " back when the visibility it was received with ends", DeleteQueue.queueName(message.queue()),
                    message.messageId(), seconds, DeleteQueue.describe(e, message));
        }
    }

    /** Deletes given up (after the retries, at a stop's flush timeout, or refused in sync mode). */
    public long failures() {
        return failures.get();
    }

    /** {@code pipeline_sqs_acknowledge_failures_total} on {@code /observe/metrics}. */
    public void register(MeterRegistry registry) {
        FunctionCounter.builder("pipeline.sqs.acknowledge.failures", failures, AtomicLong::get)
                .description("SQS messages whose work completed but whose delete failed: each comes back after its"
                        + " visibility timeout and is handled again (idempotently)")
                .register(registry);
    }

    /**
     * Its life in the Camel context, to add as a service: stopped after the routes, it {@linkplain #flush flushes}.
     * Not the bean itself: Camel's bean step starts and stops a bean that is a service with each route calling it,
     * and one route stopped by hand must not stop the deletes of the others.
     */
    public Service service() {
        return new Service() {
            @Override
            public void start() {
                open();
            }

            @Override
            public void stop() {
                flush();
            }

            @Override
            public String toString() {
                return "SqsAcknowledger";
            }
        };
    }

    /** After a {@link #flush}: deletes go to the background again. */
    public synchronized void open() {
        stopped = false;
    }

    /**
     * Waits up to the flush timeout for the deletes still queued (retries included), then stops the background thread;
     * a completion after this deletes on its own thread. Camel stops its services after the routes, so every exchange
     * that completed has handed its delete over by then.
     */
    public void flush() {
        DeleteQueue queue;
        synchronized (this) {
            stopped = true;
            queue = background;
            background = null;
        }
        if (queue == null) {
            return;
        }
        try {
            queue.sendWaiting(); // not after the batch window: a stop should not wait for it
            if (!queue.awaitIdle(settings.flushTimeout())) {
                int left = queue.outstanding();
                failures.addAndGet(left);
                LOG.warn("{} SQS message delete(s) still not done {} s after the routes stopped; those messages come"
                        + " back after their visibility timeout and are handled again (idempotently)", left,
                        settings.flushTimeout().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.close();
        }
    }
}
