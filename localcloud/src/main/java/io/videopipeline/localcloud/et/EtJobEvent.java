package io.videopipeline.localcloud.et;

/**
 * What a job notification announces: the pipeline's topic it goes to ({@code Notifications.<topicField>}), the
 * {@code state} in its JSON and ET's subject line.
 */
enum EtJobEvent {
    PROGRESSING("Progressing", "Amazon Elastic Transcoder has scheduled job %s for transcoding."),
    COMPLETED("Completed", "Amazon Elastic Transcoder has finished transcoding job %s."),
    WARNING("Warning", "Amazon Elastic Transcoder job %s has a warning."),
    ERROR("Error", "The Amazon Elastic Transcoder job %s has failed.");

    private final String topicField;
    private final String subject;

    EtJobEvent(String topicField, String subject) {
        this.topicField = topicField;
        this.subject = subject;
    }

    /** The pipeline's {@code Notifications} field naming this event's topic. */
    String topicField() {
        return topicField;
    }

    String subject(String jobId) {
        return subject.formatted(jobId);
    }
}
