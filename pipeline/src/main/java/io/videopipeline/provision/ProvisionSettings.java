package io.videopipeline.provision;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Provisioner} creates: the names of DESIGN.md §6 and the queue settings of §1 and §7.
 *
 * @param uploadBucket             bucket users upload to
 * @param transcodedBucket         bucket the renditions are written to
 * @param uploadQueue              queue receiving the upload bucket's events
 * @param emailQueue               fan-out queue of the notify-email route
 * @param aclQueue                 fan-out queue of the set-permissions route
 * @param metadataQueue            fan-out queue of the extract-metadata route
 * @param topic                    topic receiving the transcoded bucket's events
 * @param deadLetterSuffix         each queue's dead-letter queue is its name plus this ("-dlq")
 * @param maxReceiveCount          receives before a message moves to the dead-letter queue (5)
 * @param maximumMessageSize       SQS MaximumMessageSize in bytes; S3 events are at most 64 KB (65536)
 * @param visibilityTimeoutSeconds SQS VisibilityTimeout of the work queues
 * @param transcodedSuffixes       only keys with one of these suffixes notify the topic, one notification rule each
 *                                 (".mp4" and ".m3u8": the renditions and the streams' master playlists); empty: every
 *                                 key ({@code pipeline.provision.transcoded-suffixes})
 * @param emailSubscriptions       addresses subscribed by email (may be empty): to the mail topic if there is one,
 *                                 else to the topic (the seed's raw S3 events)
 * @param bucketNotifications      whether to configure the two bucket notifications (false when the S3 in use
 *                                 cannot, or when they are managed elsewhere)
 * @param mailTopic                topic (name or ARN) the send-mail route publishes to with
 *                                 {@code pipeline.mail.transport=sns}; empty when mails go another way
 * @param jobEventsQueue           queue of the report-job-state route ({@code pipeline.job-events.enabled}), with a
 *                                 dead-letter queue; empty when the route is off
 * @param jobEventsTopic           topic an Elastic Transcoder pipeline notifies, subscribed by {@code jobEventsQueue};
 *                                 empty when there is none (off, or MediaConvert, whose events come by EventBridge)
 * @param corsAllowedOrigins       origins (e.g. {@code http://localhost:8000}) whose pages may read renditions (GET/HEAD
 *                                 on the transcoded bucket) and upload (PUT/POST on the upload bucket); empty: no CORS
 *                                 rules ({@code pipeline.cors.allowed-origins})
 * @param chunksQueue              queue of the transcode-chunk route's split-and-stitch tasks, with a dead-letter queue;
 *                                 written to by the workers only (no S3 or SNS sender); empty: none
 */
public record ProvisionSettings(
        String uploadBucket,
        String transcodedBucket,
        String uploadQueue,
        String emailQueue,
        String aclQueue,
        String metadataQueue,
        String topic,
        String deadLetterSuffix,
        int maxReceiveCount,
        int maximumMessageSize,
        int visibilityTimeoutSeconds,
        List<String> transcodedSuffixes,
        List<String> emailSubscriptions,
        boolean bucketNotifications,
        String mailTopic,
        String jobEventsQueue,
        String jobEventsTopic,
        List<String> corsAllowedOrigins,
        String chunksQueue) {

    /** The renditions and the streams' master playlists: nothing else of a package reaches the fan-out. */
    public static final List<String> DEFAULT_TRANSCODED_SUFFIXES = List.of(".mp4", ".m3u8");

    public ProvisionSettings {
        requireName("uploadBucket", uploadBucket);
        requireName("transcodedBucket", transcodedBucket);
        requireName("uploadQueue", uploadQueue);
        requireName("emailQueue", emailQueue);
        requireName("aclQueue", aclQueue);
        requireName("metadataQueue", metadataQueue);
        requireName("topic", topic);
        requireName("deadLetterSuffix", deadLetterSuffix);
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
            throw new IllegalArgumentException("ProvisionSettings.maxReceiveCount must be 1..1000, got " + maxReceiveCount);
        }
        if (maximumMessageSize < 1024 || maximumMessageSize > 1_048_576) { // SQS allows up to 1 MiB since 2025
            throw new IllegalArgumentException("ProvisionSettings.maximumMessageSize must be 1024..1048576, got "
                    + maximumMessageSize);
        }
        if (visibilityTimeoutSeconds < 0 || visibilityTimeoutSeconds > 43_200) {
            throw new IllegalArgumentException("ProvisionSettings.visibilityTimeoutSeconds must be 0..43200, got "
                    + visibilityTimeoutSeconds);
        }
        transcodedSuffixes = suffixes(transcodedSuffixes);
        emailSubscriptions = List.copyOf(Objects.requireNonNullElse(emailSubscriptions, List.of()));
        for (String address : emailSubscriptions) {
            if (address == null || !address.matches("[^@\\s]+@[^@\\s]+")) {
                throw new IllegalArgumentException("ProvisionSettings.emailSubscriptions: not an email address: "
                        + address);
            }
        }
        mailTopic = mailTopic == null ? "" : mailTopic.trim();
        jobEventsQueue = jobEventsQueue == null ? "" : jobEventsQueue.trim();
        jobEventsTopic = jobEventsTopic == null ? "" : jobEventsTopic.trim();
        if (jobEventsQueue.isEmpty() && !jobEventsTopic.isEmpty()) {
            throw new IllegalArgumentException("ProvisionSettings.jobEventsTopic needs a jobEventsQueue to deliver to");
        }
        corsAllowedOrigins = List.copyOf(Objects.requireNonNullElse(corsAllowedOrigins, List.of()));
        chunksQueue = chunksQueue == null ? "" : chunksQueue.trim();
    }

    /** The settings without a mail topic or job events (the pipeline of DESIGN.md §1 alone). */
    public ProvisionSettings(String uploadBucket, String transcodedBucket, String uploadQueue, String emailQueue,
                             String aclQueue, String metadataQueue, String topic, String deadLetterSuffix,
                             int maxReceiveCount, int maximumMessageSize, int visibilityTimeoutSeconds,
                             List<String> transcodedSuffixes, List<String> emailSubscriptions, boolean bucketNotifications) {
        this(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue, topic, deadLetterSuffix,
                maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds, transcodedSuffixes, emailSubscriptions,
                bucketNotifications, "", "", "", List.of(), "");
    }

    /**
     * S3 refuses two rules of one destination whose suffixes overlap (one ends with the other) for the same events,
     * so that is refused here, with the names, before anything is created.
     */
    private static List<String> suffixes(List<String> suffixes) {
        List<String> list = Objects.requireNonNullElse(suffixes, List.<String>of()).stream()
                .map(String::trim).filter(x -> !x.isEmpty()).distinct().toList();
        for (String a : list) {
            for (String b : list) {
                if (!a.equals(b) && a.endsWith(b)) {
                    throw new IllegalArgumentException("ProvisionSettings.transcodedSuffixes: '" + a + "' overlaps '"
                            + b + "' (S3 refuses overlapping suffix rules for one topic)");
                }
            }
        }
        return list;
    }

    private static void requireName(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("ProvisionSettings." + field + " must not be empty");
        }
    }

    /** The defaults of DESIGN.md §6: video-upload, video-transcoded, …, redrive after 5, 64 KB, 15 minutes. */
    public static ProvisionSettings defaults() {
        return new ProvisionSettings("video-upload", "video-transcoded", "video-upload-events",
                "transcoded-video-email", "transcoded-video-acl", "transcoded-video-metadata",
                "transcoded-video-notifications", "-dlq", 5, 65_536, 900, DEFAULT_TRANSCODED_SUFFIXES, List.of(), true);
    }

    public List<String> fanOutQueues() {
        return List.of(emailQueue, aclQueue, metadataQueue);
    }

    public List<String> workQueues() {
        return List.of(uploadQueue, emailQueue, aclQueue, metadataQueue);
    }

    public ProvisionSettings withEmailSubscriptions(List<String> addresses) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds,
                transcodedSuffixes, addresses, bucketNotifications, mailTopic, jobEventsQueue, jobEventsTopic, corsAllowedOrigins, chunksQueue);
    }

    public ProvisionSettings withBucketNotifications(boolean enabled) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds,
                transcodedSuffixes, emailSubscriptions, enabled, mailTopic, jobEventsQueue, jobEventsTopic, corsAllowedOrigins, chunksQueue);
    }

    public ProvisionSettings withVisibilityTimeoutSeconds(int seconds) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, seconds, transcodedSuffixes,
                emailSubscriptions, bucketNotifications, mailTopic, jobEventsQueue, jobEventsTopic, corsAllowedOrigins, chunksQueue);
    }

    /** With the topic mails are published to ({@code pipeline.mail.transport=sns}); empty for none. */
    public ProvisionSettings withMailTopic(String nameOrArn) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds,
                transcodedSuffixes, emailSubscriptions, bucketNotifications, nameOrArn, jobEventsQueue, jobEventsTopic, corsAllowedOrigins, chunksQueue);
    }

    /** With the report-job-state queue and (empty for none) the topic feeding it. */
    public ProvisionSettings withJobEvents(String queue, String topicName) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds,
                transcodedSuffixes, emailSubscriptions, bucketNotifications, mailTopic, queue, topicName, corsAllowedOrigins, chunksQueue);
    }

    /** With the origins whose pages may play and upload (CORS rules on both buckets); empty for none. */
    public ProvisionSettings withCorsAllowedOrigins(List<String> origins) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds,
                transcodedSuffixes, emailSubscriptions, bucketNotifications, mailTopic, jobEventsQueue, jobEventsTopic, origins, chunksQueue);
    }

    /** With the split-and-stitch task queue (empty for none). */
    public ProvisionSettings withChunksQueue(String queue) {
        return new ProvisionSettings(uploadBucket, transcodedBucket, uploadQueue, emailQueue, aclQueue, metadataQueue,
                topic, deadLetterSuffix, maxReceiveCount, maximumMessageSize, visibilityTimeoutSeconds,
                transcodedSuffixes, emailSubscriptions, bucketNotifications, mailTopic, jobEventsQueue, jobEventsTopic,
                corsAllowedOrigins, queue);
    }

    public boolean hasChunksQueue() {
        return !chunksQueue.isEmpty();
    }

    public boolean hasMailTopic() {
        return !mailTopic.isEmpty();
    }

    public boolean hasJobEvents() {
        return !jobEventsQueue.isEmpty();
    }

    public boolean hasJobEventsTopic() {
        return !jobEventsTopic.isEmpty();
    }
}
