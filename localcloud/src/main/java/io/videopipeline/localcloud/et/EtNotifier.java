package io.videopipeline.localcloud.et;

/**
 * Where the local Elastic Transcoder sends job notifications: the pipeline's Progressing/Completed/Warning/Error
 * SNS topics. The local cloud connects it to its SNS; tests record the calls. Called from the job's worker
 * thread; a failure is logged and does not change the job.
 */
@FunctionalInterface
public interface EtNotifier {

    EtNotifier NONE = (topicArn, subject, message) -> { };

    /**
     * @param topicArn the topic ARN configured on the pipeline
     * @param subject  ET's subject line, e.g. "Amazon Elastic Transcoder has finished transcoding job ..."
     * @param message  the JSON document ET documented ({@code state}, {@code version}, {@code jobId}, ...)
     */
    void publish(String topicArn, String subject, String message);
}
