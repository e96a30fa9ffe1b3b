package io.videopipeline.localcloud.s3;

/**
 * Where S3 bucket notifications with a {@code TopicConfiguration} are delivered (the SNS service).
 * Called from the notification delivery thread, never from an S3 request thread.
 */
@FunctionalInterface
public interface TopicPublisher {

    /** Publishes {@code message} to the topic as SNS {@code Publish} would; {@code subject} may be null. */
    void publish(String topicArn, String subject, String message);

    /**
     * Whether the topic exists; S3 refuses a notification configuration naming an unknown topic.
     * The default accepts every topic (for publishers that cannot tell).
     */
    default boolean topicExists(String topicArn) {
        return true;
    }
}
