package io.videopipeline.localcloud.s3;

/** Where S3 bucket notifications with a {@code QueueConfiguration} are delivered (the SQS service). */
public interface QueueSender {

    /** Sends a message body to a queue given by name; throws when the queue does not exist. */
    void send(String queueName, String body);

    boolean queueExists(String queueName);
}
