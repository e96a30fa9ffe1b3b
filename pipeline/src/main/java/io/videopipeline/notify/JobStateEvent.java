package io.videopipeline.notify;

/**
 * What a cloud transcoder reported about one job: an Elastic Transcoder pipeline notification
 * (through SNS) or a MediaConvert "Job State Change" event (through EventBridge).
 *
 * @param state  PROGRESSING, COMPLETED, WARNING or ERROR (MediaConvert's COMPLETE becomes COMPLETED)
 * @param reason the service's own error text; empty unless {@code state} is ERROR or WARNING
 */
public record JobStateEvent(String backend, String jobId, String state, String sourceBucket, String sourceKey,
                            String reason) {

    public boolean failed() {
        return "ERROR".equals(state);
    }
}
