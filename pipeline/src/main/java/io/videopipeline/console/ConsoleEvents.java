package io.videopipeline.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.logging.LogText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The console's feed of job events: at start, a queue of this runner's own ({@code pipeline.console.events-queue})
 * subscribed to the job event topic ({@code pipeline.jobs.topic}); one thread long-polls it and hands each event to
 * every open {@code /api/events} stream, as the upload's Job (its record read once per event, not once per browser);
 * at stop, the subscription and queue are removed. A runner killed without a stop leaves its queue behind: its
 * messages expire after a minute ({@code MessageRetentionPeriod} 60), and the next start under the same name reuses
 * it.
 *
 * <p>Streams are plain {@code Consumer<String>}s of SSE text; a consumer that throws is dropped (its browser left).
 */
public final class ConsoleEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleEvents.class);

    private final SqsClient sqs;
    private final SnsClient sns;
    private final String topic;
    private final String queueName;
    private final Duration heartbeat;
    private final Function<String, ObjectNode> jobs;
    private final Set<Consumer<String>> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile String queueUrl;
    private volatile String subscriptionArn;
    private Thread poller;
    private ScheduledExecutorService beat;

    /**
     * @param topic the job event topic's name or ARN; empty: job events are off and streams get heartbeats only
     * @param jobs  a source key's Job view, or null if it has no record (deleted)
     */
    public ConsoleEvents(SqsClient sqs, SnsClient sns, String topic, String queueName, Duration heartbeat,
                         Function<String, ObjectNode> jobs) {
        this.sqs = sqs;
        this.sns = sns;
        this.topic = topic;
        this.queueName = queueName;
        this.heartbeat = heartbeat;
        this.jobs = jobs;
    }

    /** A queue name for this runner: the prefix plus the host name, cut to SQS's 80 characters of [A-Za-z0-9_-]. */
    public static String queueName(String prefix, String host) {
        String name = (prefix + "-" + host).replaceAll("[^A-Za-z0-9_-]", "-");
        return name.length() <= 80 ? name : name.substring(0, 80);
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        beat = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "console-events-heartbeat"));
        beat.scheduleAtFixedRate(() -> send(": heartbeat\n\n"), heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
        if (topic == null || topic.isBlank()) {
            LOG.info("Console events: pipeline.jobs.topic is empty, the page updates on reload only");
            return;
        }
        String topicArn = topic.startsWith("arn:") ? topic : sns.listTopicsPaginator().topics().stream()
                .map(Topic::topicArn).filter(arn -> arn.endsWith(":" + topic)).findFirst().orElse(null);
        if (topicArn == null) {
            LOG.warn("Console events: job event topic '{}' does not exist (run provision); no live updates", topic);
            return;
        }
        queueUrl = sqs.createQueue(b -> b.queueName(queueName).attributes(Map.of(
                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "60"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        // AWS delivers from the topic only where the queue's policy lets it
        String policy = JobView.JSON.createObjectNode().put("Version", "2012-10-17").set("Statement",
                JobView.JSON.createArrayNode().add(JobView.JSON.createObjectNode().put("Sid", "AllowJobEvents")
                        .put("Effect", "Allow").put("Action", "sqs:SendMessage").put("Resource", queueArn)
                        .<ObjectNode>set("Principal", JobView.JSON.createObjectNode().put("Service", "sns.amazonaws.com"))
                        .set("Condition", JobView.JSON.createObjectNode().set("ArnEquals",
                                JobView.JSON.createObjectNode().put("aws:SourceArn", topicArn))))).toString();
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
        subscriptionArn = sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")).returnSubscriptionArn(true)).subscriptionArn();
        poller = new Thread(this::poll, "console-events");
        poller.setDaemon(true);
        poller.start();
        LOG.info("Console events: queue {} subscribed to {}", queueName, topicArn);
    }

    /** Adds an open event stream; the returned handle removes it. */
    public AutoCloseable open(Consumer<String> stream) {
        streams.add(stream);
        return () -> streams.remove(stream);
    }

    public int openStreams() {
        return streams.size();
    }

    private void poll() {
        while (running) {
            try {
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(5)).messages();
                for (Message m : batch) {
                    deliver(m.body());
                    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("Console events: polling {} failed: {}", queueName, LogText.safe(e.toString()));
                    pause();
                }
            }
        }
    }

    /** One job event (the topic's JSON): the Job of its upload to every stream. */
    void deliver(String event) {
        if (streams.isEmpty()) {
            return;
        }
        String key;
        try {
            JsonNode node = JobView.JSON.readTree(event);
            key = node.path("input").path("key").asText(null);
        } catch (java.io.IOException e) {
            return; // not a job event
        }
        if (key == null) {
            return;
        }
        ObjectNode job = jobs.apply(key);
        if (job != null) {
            send("event: job\ndata: " + job + "\n\n"); // Jackson writes one line: no newline inside data
        }
    }

    private void send(String text) {
        for (Consumer<String> stream : streams) {
            try {
                stream.accept(text);
            } catch (RuntimeException e) {
                streams.remove(stream);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000); // a failing SQS is not asked again at once
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        beat.shutdownNow();
        streams.clear();
        try {
            if (subscriptionArn != null) {
                sns.unsubscribe(b -> b.subscriptionArn(subscriptionArn));
            }
            if (queueUrl != null) {
                sqs.deleteQueue(b -> b.queueUrl(queueUrl));
            }
        } catch (RuntimeException e) {
            LOG.warn("Console events: could not remove queue {}: {}", queueName, LogText.safe(e.toString()));
        }
        if (poller != null) {
            poller.interrupt();
        }
    }
}
