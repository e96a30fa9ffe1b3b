package io.videopipeline.routing;

import io.videopipeline.failure.FailureClassifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;

/**
 * The message deletes of {@link SqsAcknowledger}'s asynchronous mode, made on one background thread so that the
 * consumer that finished a message is already in its next receive while the delete goes out.
 *
 * <p>Whatever is waiting when the thread gets to it goes out together: up to {@code batchSize} messages of one queue
 * in one DeleteMessageBatch (a single one as DeleteMessage). A delete that finds none waiting waits {@code window} for
 * others to join it (as AWS's buffered SQS clients gather a batch), unless {@code batchSize} are waiting first: then
 * they go at once. The wait only delays deletes of messages whose work is done; a crash inside it means the message
 * comes back and is handled again, which the routes' idempotency makes harmless. {@link #sendWaiting()} sends what
 * waits without waiting out the window (a stop's flush).
 *
 * <p>A delete SQS did not take for a reason that can pass (throttling, a 5xx, a dropped connection: what is left
 * after the SDK's own retries) is tried again after a back-off that doubles, up to {@code attempts} tries in all.
 * One that cannot succeed (the receipt handle is no longer valid: the visibility timeout ran out and the message
 * was received again) is not retried. A delete given up goes to {@code gaveUp}; its message comes back after its
 * visibility timeout, as one whose delete failed always did.
 */
final class DeleteQueue {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteQueue.class);

    /** One message to delete: its queue (name or URL), receipt handle, id (for logs) and which try this is. */
    record Delete(String queue, String receiptHandle, String messageId, int attempt) {
        Delete next() {
            return new Delete(queue, receiptHandle, messageId, attempt + 1);
        }
    }

    private final SqsClient sqs;
    private final Function<String, String> queueUrls;
    private final int attempts;
    private final Duration firstRetry;
    private final int batchSize;
    private final Duration window;
    private final BiConsumer<Delete, String> gaveUp;
    private final ScheduledThreadPoolExecutor thread;
    private final ConcurrentLinkedQueue<Delete> waiting = new ConcurrentLinkedQueue<>();
    /** How many wait in {@link #waiting} (its size() counts them one by one). */
    private final AtomicInteger waitingCount = new AtomicInteger();
    /** Set while a drain is queued or running on the thread: one at a time, started by whoever adds first. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Set while a drain that does not wait out the window is queued (a full batch, a flush). */
    private final AtomicBoolean urgent = new AtomicBoolean();
    /** Deletes added and not yet done or given up (waiting, being sent, or waiting for a retry). */
    private final AtomicInteger outstanding = new AtomicInteger();
    /** Drains running: a delete added while one runs may still go with it, without waiting out the window. */
    private final AtomicInteger drainsRunning = new AtomicInteger();
    private final Object idle = new Object();
    /** After {@link #close}: what is given up from then on was counted by whoever closed it. */
    private volatile boolean closed;

    DeleteQueue(SqsClient sqs, Function<String, String> queueUrls, int attempts, Duration firstRetry, int batchSize,
                Duration window, BiConsumer<Delete, String> gaveUp) {
        this.sqs = sqs;
        this.queueUrls = queueUrls;
        this.attempts = attempts;
        this.firstRetry = firstRetry;
        this.batchSize = batchSize;
        this.window = window;
        this.gaveUp = gaveUp;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sqs-acknowledge");
            // never what keeps a JVM alive: what it has not sent by then comes back after its visibility timeout
            t.setDaemon(true);
            return t;
        });
    }

    void add(Delete delete) {
        outstanding.incrementAndGet();
        enqueue(delete);
    }

    /** Sends what is waiting now, without waiting out the window. */
    void sendWaiting() {
        if (waitingCount.get() > 0) {
            sendSoon();
        }
    }

    private void enqueue(Delete delete) {
        waiting.add(delete);
        int count = waitingCount.incrementAndGet();
        if (draining.compareAndSet(false, true)) {
            try {
                if (window.isZero()) {
                    thread.execute(this::drain);
                } else {
                    thread.schedule(this::drain, window.toNanos(), TimeUnit.NANOSECONDS);
                }
            } catch (RejectedExecutionException closed) {
                // closed after the caller found it open (a stop racing a late completion): send it from here
                drain();
                return;
            }
        }
        if (count >= batchSize && !window.isZero()) {
            sendSoon();
        }
    }

    /** A drain ahead of the one waiting out the window: the thread runs one task at a time, so they never overlap. */
    private void sendSoon() {
        if (urgent.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    urgent.set(false);
                    drain();
                });
            } catch (RejectedExecutionException closed) {
                urgent.set(false);
                drain();
            }
        }
    }

    private void drain() {
        drainsRunning.incrementAndGet();
        try {
            drainWaiting();
        } finally {
            drainsRunning.decrementAndGet();
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    private void drainWaiting() {
        while (true) {
            Map<String, List<Delete>> byQueue = new LinkedHashMap<>();
            for (Delete d = waiting.poll(); d != null; d = waiting.poll()) {
                waitingCount.decrementAndGet();
                byQueue.computeIfAbsent(d.queue(), q -> new ArrayList<>()).add(d);
            }
            if (byQueue.isEmpty()) {
                draining.set(false);
                // an add() between the last poll and the reset saw a drain running and left its delete to it
                if (waiting.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            byQueue.forEach((queue, deletes) -> {
                for (int i = 0; i < deletes.size(); i += batchSize) {
                    send(queue, deletes.subList(i, Math.min(deletes.size(), i + batchSize)));
                }
            });
        }
    }

    private void send(String queue, List<Delete> deletes) {
        DeleteMessageBatchResponse response = null;
        try {
            String url = queueUrls.apply(queue);
            if (deletes.size() == 1) {
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(deletes.get(0).receiptHandle()));
            } else {
                List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int i = 0; i < deletes.size(); i++) {
                    entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i))
                            .receiptHandle(deletes.get(i).receiptHandle()).build());
                }
                response = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries));
            }
        } catch (RuntimeException e) {
            for (Delete d : deletes) {
                failed(d, retryable(e), describe(e, d));
            }
            return;
        }
        if (response == null) {
            done(deletes.get(0));
            return;
        }
        boolean[] answered = new boolean[deletes.size()];
        for (DeleteMessageBatchResultEntry ok : response.successful()) {
            int i = index(ok.id(), deletes.size());
            if (i >= 0 && !answered[i]) {
                answered[i] = true;
                done(deletes.get(i));
            }
        }
        for (BatchResultErrorEntry failed : response.failed()) {
            int i = index(failed.id(), deletes.size());
            if (i >= 0 && !answered[i]) {
                answered[i] = true;
                Delete d = deletes.get(i);
                // a sender fault (an invalid receipt handle) fails the same way every time
                failed(d, !Boolean.TRUE.equals(failed.senderFault()), redact(failed.code() + ": " + failed.message(), d));
            }
        }
        for (int i = 0; i < answered.length; i++) {
            if (!answered[i]) {
                failed(deletes.get(i), true, "no answer for it in the batch");
            }
        }
    }

    private void failed(Delete d, boolean retryable, String why) {
        if (!retryable || d.attempt() >= attempts) {
            giveUp(d, why);
            return;
        }
        long delayMs = firstRetry.toMillis() << Math.min(20, d.attempt() - 1);
        LOG.debug("Queue {}: delete of message {} failed ({}); try {} of {} in {} ms", queueName(d.queue()),
                d.messageId(), why, d.attempt() + 1, attempts, delayMs);
        try {
            thread.schedule(() -> enqueue(d.next()), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            giveUp(d, why + "; stopped before another try");
        }
    }

    private void giveUp(Delete d, String why) {
        try {
            if (!closed) {
                gaveUp.accept(d, why);
            }
        } finally {
            done(d);
        }
    }

    private void done(Delete d) {
        if (outstanding.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Deletes not yet done or given up. */
    int outstanding() {
        return outstanding.get();
    }

    /**
     * Waits until every delete added is done or given up (retries included) and no drain is running, so that a delete
     * added next waits out the window; false if {@code timeout} ran out.
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (outstanding.get() > 0 || drainsRunning.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    /**
     * Stops the thread; a retry still waiting is dropped (its message comes back), and nothing is reported given up
     * from now on: the caller counts {@link #outstanding()} as not done.
     */
    void close() {
        closed = true;
        thread.shutdownNow();
    }

    /**
     * Throttling, a 5xx or a connection that failed may pass; any other refusal (4xx) fails the same way again. The
     * pipeline's own rule (FailureClassifier), for SDK failures only: anything else is a bug, not worth a retry.
     */
    static boolean retryable(RuntimeException e) {
        return e instanceof SdkException && FailureClassifier.isTransient(e);
    }

    /**
     * What went wrong, for a log line: SQS's error code and HTTP status, or the client's exception. SQS quotes the
     * receipt handle in some messages (an invalid one); it is cut short, as it grants the right to delete.
     */
    static String describe(RuntimeException e, Delete d) {
        if (e instanceof AwsServiceException refused && refused.awsErrorDetails() != null) {
            return refused.awsErrorDetails().errorCode() + " (HTTP " + refused.statusCode() + ")";
        }
        return redact(e.getClass().getSimpleName() + ": " + e.getMessage(), d);
    }

    private static String redact(String text, Delete d) {
        String handle = d.receiptHandle();
        return text == null || handle == null || handle.isEmpty() ? text : text.replace(handle, shortHandle(handle));
    }

    /** The first characters of a receipt handle: enough to tell two apart in a log, not enough to use. */
    static String shortHandle(String handle) {
        return handle.length() <= 8 ? "…" : handle.substring(0, 8) + "…";
    }

    /** The queue's name, from a URL or a name. */
    static String queueName(String queue) {
        return queue.substring(queue.lastIndexOf('/') + 1);
    }

    private static int index(String id, int size) {
        try {
            int i = Integer.parseInt(id);
            return i >= 0 && i < size ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
