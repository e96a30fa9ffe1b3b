package io.videopipeline.localcloud.s3;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.videopipeline.s3.S3EventRecord;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns successful S3 writes into S3 event notifications and delivers them, like S3, to the SQS queues and SNS
 * topics of the bucket's notification configuration. Everything happens on one delivery thread: the blob store
 * hook that calls {@link #objectCreated} runs on an S3 request thread and must neither wait nor fail.
 * Delivery is best effort (a failure is logged), as S3's is at-least-once but not guaranteed.
 */
final class S3EventDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(S3EventDispatcher.class);
    static final String SNS_SUBJECT = "Amazon S3 Notification";

    private final NotificationConfigurationStore configurations;
    private final QueueSender queues;
    private final TopicPublisher topics;
    private final String region;
    private final String principalId;
    private final Function<String[], BlobMetadata> metadataLookup;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "localcloud-s3-events");
        t.setDaemon(true);
        return t;
    });
    // S3's sequencer only has to grow per key; a clock-seeded counter also grows across restarts.
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 12);

    S3EventDispatcher(NotificationConfigurationStore configurations, QueueSender queues, TopicPublisher topics, String region,
                      String accountId, BlobStore blobStore) {
        this.configurations = configurations;
        this.queues = queues;
        this.topics = topics;
        this.region = region;
        this.principalId = "AWS:" + accountId;
        this.metadataLookup = blobStore == null ? k -> null : k -> blobStore.blobMetadata(k[0], k[1]);
    }

    /**
     * Queues an {@code ObjectCreated:<type>} event; size and eTag may be null, then they are read from the store.
     * Never throws.
     */
    void objectCreated(String type, String bucket, String key, Long size, String eTag) {
        Instant time = Instant.now();
        long sequence = sequencer.incrementAndGet();
        try {
            executor.execute(() -> deliverObjectCreated("ObjectCreated:" + type, bucket, key, size, eTag, time, sequence));
        } catch (RuntimeException e) {
            LOG.debug("Event for s3://{}/{} dropped: local cloud stopping", bucket, key);
        }
    }

    /** Sends S3's {@code s3:TestEvent} to each destination of a configuration that was just put. */
    void testEvent(String bucket, NotificationConfiguration configuration) {
        String requestId = AwsErrorWriter.s3RequestId();
        String body = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"" + Instant.now() + "\",\"Bucket\":\""
                + AwsErrorWriter.Json.escape(bucket) + "\",\"RequestId\":\"" + requestId + "\",\"HostId\":\"" + requestId + "\"}";
        List<NotificationConfiguration.Destination> destinations = configuration.destinations();
        executor.execute(() -> destinations.forEach(d -> deliver(d, body, bucket, "s3:TestEvent")));
    }

    /** Why each destination of {@code configuration} cannot receive events; empty when all are fine. */
    List<String[]> invalidDestinations(NotificationConfiguration configuration) {
        return configuration.destinations().stream()
                .filter(d -> !destinationExists(d))
                .map(d -> new String[] {d.arn(), d.kind() == NotificationConfiguration.Kind.QUEUE
                        ? "Error: The destination queue does not exist" : "Error: The destination topic does not exist"})
                .toList();
    }

    private boolean destinationExists(NotificationConfiguration.Destination d) {
        String[] arn = d.arn().split(":", 6);
        String service = d.kind() == NotificationConfiguration.Kind.QUEUE ? "sqs" : "sns";
        if (arn.length != 6 || !arn[0].equals("arn") || !arn[2].equals(service)) {
            return false;
        }
        try {
            return d.kind() == NotificationConfiguration.Kind.QUEUE
                    ? queues.queueExists(arn[5])
                    : topics != null && topics.topicExists(d.arn());
        } catch (RuntimeException e) {
            LOG.warn("Could not check notification destination {}: {}", d.arn(), e.toString());
            return false;
        }
    }

    private void deliverObjectCreated(String eventName, String bucket, String key, Long size, String eTag, Instant time, long sequence) {
        try {
            NotificationConfiguration configuration = configurations.get(bucket);
            List<NotificationConfiguration.Destination> targets = configuration.destinations().stream()
                    .filter(d -> d.matches(eventName, key))
                    .toList();
            if (targets.isEmpty()) {
                return;
            }
            if (size == null || eTag == null) {
                BlobMetadata metadata = metadataLookup.apply(new String[] {bucket, key});
                if (metadata != null) {
                    size = size != null ? size : metadata.getContentMetadata().getContentLength();
                    eTag = eTag != null ? eTag : metadata.getETag();
                }
            }
            for (NotificationConfiguration.Destination target : targets) {
                String body = eventJson(eventName, bucket, key, size, eTag, time, sequence, target.id());
                deliver(target, body, bucket, key);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not deliver the {} event of s3://{}/{}: {}", eventName, bucket, key, e.toString());
        }
    }

    private void deliver(NotificationConfiguration.Destination target, String body, String bucket, String what) {
        try {
            if (target.kind() == NotificationConfiguration.Kind.QUEUE) {
                queues.send(NotificationConfiguration.resourceName(target.arn()), body);
            } else if (topics != null) {
                topics.publish(target.arn(), SNS_SUBJECT, body);
            } else {
                LOG.warn("No SNS service in this local cloud: event for {} of bucket {} not delivered to {}", what, bucket, target.arn());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not deliver the event for {} of bucket {} to {}: {}", what, bucket, target.arn(), e.toString());
        }
    }

    String eventJson(String eventName, String bucket, String key, Long size, String eTag, Instant time, long sequence, String configurationId) {
        return S3EventRecord.of(bucket, key).region(region).eventName(eventName).eventTime(time)
                .size(size == null ? 0L : size).eTag(eTag).sequencer(S3EventRecord.sequencer(sequence))
                .principalId(principalId).requestId(Long.toHexString(sequence).toUpperCase(Locale.ROOT))
                .configurationId(configurationId).toJson();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            // Deliver what is queued, but do not hold up stop() for long.
            if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
