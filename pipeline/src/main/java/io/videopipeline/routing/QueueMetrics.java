package io.videopipeline.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Route;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Endpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Queue lag, the figure that tells an operator the pipeline is falling behind:
 * <ul>
 *   <li>{@code pipeline_queue_messages{queue,state}} — backlog of every queue a route consumes and of its
 *       dead-letter queue (from the queue's RedrivePolicy): {@code visible} (waiting), {@code in_flight}
 *       (being worked on), {@code delayed}. SQS's own approximate counts, read every
 *       {@code pipeline.metrics.queue-depth-interval-seconds} in the background so a scrape never waits on SQS.</li>
 *   <li>{@code pipeline_queue_lag_seconds{queue,routeId}} — how long each message waited on its queue before a
 *       route took it (SentTimestamp to receipt), first receives only, so retries' back-off does not count.</li>
 * </ul>
 * Queues are found from the running routes' {@code aws2-sqs} endpoints, so an edited or reloaded route is
 * picked up at the next refresh.
 */
public final class QueueMetrics extends MainListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(QueueMetrics.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, QueueAttributeName> STATES = Map.of(
            "visible", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            "in_flight", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            "delayed", QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    private final Duration interval;
    /** Gauge values, held here: Micrometer keeps only weak references to a gauge's state. */
    private final Map<String, AtomicLong> depths = new ConcurrentHashMap<>();
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
    /**
     * Lag timers by the route that received the message and its queue: finding the pipeline route behind a kamelet
     * and registering a tagged timer cost more per message than recording the time (the routing bench). Emptied
     * whenever a route is added or removed (live reload), so a kamelet route id never keeps naming a route gone.
     */
    private final Map<String, Timer> lagTimers = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private volatile CamelContext camel;

    public QueueMetrics(Duration interval) {
        this.interval = interval;
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        context.getManagementStrategy().addEventNotifier(new LagRecorder());
        WhenStarted.run(context, this::start);
    }

    private void start(CamelContext context) {
        camel = context;
        lagTimers.clear(); // timers of an earlier registry
        registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null || interval.isZero() || interval.isNegative()) {
            return;
        }
        // Camel's executor manager shuts the refresher down with the context.
        ScheduledExecutorService refresher =
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "queue-metrics");
        refresher.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the approximate counts of every consumed queue and its DLQ; a failed read keeps the last values. */
    void refresh() {
        for (Map.Entry<String, SqsClient> queue : consumedQueues().entrySet()) {
            SqsClient sqs = queue.getValue();
            try {
                Map<QueueAttributeName, String> attributes = attributes(sqs, queue.getKey());
                record(queue.getKey(), attributes);
                String dlq = deadLetterQueue(attributes.get(QueueAttributeName.REDRIVE_POLICY));
                if (dlq != null) {
                    record(dlq, attributes(sqs, dlq));
                }
            } catch (RuntimeException e) {
                LOG.debug("Queue metrics: cannot read the attributes of {}: {}", queue.getKey(), e.toString());
            }
        }
    }

    private Map<String, SqsClient> consumedQueues() {
        Map<String, SqsClient> queues = new LinkedHashMap<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof Sqs2Endpoint sqs && sqs.getClient() != null) {
                queues.putIfAbsent(sqs.getConfiguration().getQueueName(), sqs.getClient());
            }
        }
        return queues;
    }

    private Map<QueueAttributeName, String> attributes(SqsClient sqs, String queue) {
        String url = queueUrls.computeIfAbsent(queue, q -> sqs.getQueueUrl(b -> b.queueName(q)).queueUrl());
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(List.of(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
                QueueAttributeName.REDRIVE_POLICY))).attributes();
    }

    private void record(String queue, Map<QueueAttributeName, String> attributes) {
        STATES.forEach((state, attribute) -> {
            String value = attributes.get(attribute);
            if (value != null) {
                depth(queue, state).set(Long.parseLong(value));
            }
        });
    }

    private AtomicLong depth(String queue, String state) {
        return depths.computeIfAbsent(queue + '\u0000' + state, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("pipeline.queue.messages", value, AtomicLong::get)
                    .description("approximate messages on the queue (SQS GetQueueAttributes), by state")
                    .tag("queue", queue).tag("state", state).register(registry);
            return value;
        });
    }

    /** The DLQ's name from a RedrivePolicy's {@code deadLetterTargetArn} (the ARN's last part); null if none. */
    static String deadLetterQueue(String redrivePolicy) {
        if (redrivePolicy == null || redrivePolicy.isBlank()) {
            return null;
        }
        try {
            JsonNode arn = JSON.readTree(redrivePolicy).path("deadLetterTargetArn");
            String text = arn.asText("");
            int colon = text.lastIndexOf(':');
            return colon < 0 || colon == text.length() - 1 ? null : text.substring(colon + 1);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Records the wait of each message a route takes from an SQS queue, once per message (not per split part). */
    private final class LagRecorder extends EventNotifierSupport {
        LagRecorder() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(false); // added/removed routes: the cached lag timers may name another route
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCompletedEvent(true);
            setIgnoreExchangeFailedEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreExchangeSentEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreExchangeAsyncProcessingStartedEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeCreatedEvent || event instanceof CamelEvent.RouteAddedEvent
                    || event instanceof CamelEvent.RouteRemovedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            if (!(event instanceof CamelEvent.ExchangeCreatedEvent)) {
                lagTimers.clear();
                return;
            }
            Exchange exchange = ((CamelEvent.ExchangeCreatedEvent) event).getExchange();
            MeterRegistry meters = registry;
            if (meters == null || !(exchange.getFromEndpoint() instanceof Sqs2Endpoint sqs)
                    || exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
                return;
            }
            if (!(exchange.getMessage().getHeader(Sqs2Constants.ATTRIBUTES) instanceof Map<?, ?> attributes)) {
                return; // the route does not ask for attributeNames: nothing to measure
            }
            Object sent = attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP);
            Object receives = attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            if (sent == null || !"1".equals(String.valueOf(receives))) {
                return;
            }
            try {
                long waited = Math.max(0, System.currentTimeMillis() - Long.parseLong(sent.toString()));
                String queue = sqs.getConfiguration().getQueueName();
                Timer lag = lagTimers.computeIfAbsent(exchange.getFromRouteId() + '\u0000' + queue,
                        k -> Timer.builder("pipeline.queue.lag")
                                .description(
                                        "time a message waited on its queue before a route took it (first receive)")
                                .tag("queue", queue)
                                .tag("routeId", String.valueOf(ReceivedMessage.routeOf(exchange)))
                                .register(meters));
                lag.record(waited, TimeUnit.MILLISECONDS);
            } catch (NumberFormatException e) {
                LOG.debug("Queue metrics: SentTimestamp '{}' is not a number", sent);
            }
        }
    }
}
