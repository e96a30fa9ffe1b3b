package io.videopipeline.notify;

import io.videopipeline.event.PoisonMessageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobStateIntakeTest {

    private final JobStateIntake intake = new JobStateIntake();

    /** An Elastic Transcoder ERROR notification as the pipeline's topic delivers it to SQS. */
    @Test
    void elasticTranscoderErrorInsideTheSnsEnvelope() {
        String notification = """
                {"state":"ERROR","errorCode":4000,"messageDetails":"Bad Input File","version":"2012-09-25",
                 "jobId":"1795601211338-l07i9x","pipelineId":"1795601202108-yueuci","input":{"key":"uploads/my clip.mov"},
                 "outputs":[{"id":"1","presetId":"1351620000001-000001","key":"uploads/my clip/my clip-1080p.mp4",
                             "status":"Error","statusDetail":"4000 1795601211338-l07i9x: Bad Input File"}],
                 "userMetadata":{"source-bucket":"video-upload","source-key":"uploads/my%20clip.mov"}}""";
        String envelope = "{\"Type\":\"Notification\",\"MessageId\":\"m-1\",\"TopicArn\":\"arn:aws:sns:us-east-1:000000000000:t\","
                + "\"Message\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(notification) + "}";

        JobStateEvent event = intake.parse(envelope);

        assertThat(event.failed()).isTrue();
        assertThat(event.backend()).isEqualTo("elastictranscoder");
        assertThat(event.jobId()).isEqualTo("1795601211338-l07i9x");
        assertThat(event.sourceBucket()).isEqualTo("video-upload");
        assertThat(event.sourceKey()).isEqualTo("uploads/my clip.mov");
        assertThat(event.reason()).startsWith("4000 Bad Input File").contains("Bad Input File");
    }

    @Test
    void elasticTranscoderCompletedWithoutUserMetadataFallsBackToTheInputKey() {
        JobStateEvent event = intake.parse("""
                {"state":"COMPLETED","version":"2012-09-25","jobId":"j","pipelineId":"p","input":{"key":"a.mov"},"outputs":[]}""");

        assertThat(event.failed()).isFalse();
        assertThat(event.state()).isEqualTo("COMPLETED");
        assertThat(event.sourceKey()).isEqualTo("a.mov");
        assertThat(event.reason()).isEmpty();
    }

    /** MediaConvert's "Job State Change" event as an EventBridge rule delivers it to SQS. */
    @Test
    void mediaConvertJobStateChangeFromEventBridge() {
        JobStateEvent event = intake.parse("""
                {"version":"0","id":"e-1","detail-type":"MediaConvert Job State Change","source":"aws.mediaconvert",
                 "account":"111122223333","time":"2026-11-25T10:00:00Z","region":"us-east-1","resources":[],
                 "detail":{"timestamp":1795601211338,"accountId":"111122223333","queue":"arn:aws:mediaconvert:q",
                           "jobId":"1795601211338-abc123","status":"ERROR","errorCode":1010,
                           "errorMessage":"Unable to open input file","userMetadata":{"source-bucket":"video-upload",
                           "source-key":"clip%2Bfinal.mov"}}}""");

        assertThat(event.backend()).isEqualTo("mediaconvert");
        assertThat(event.failed()).isTrue();
        assertThat(event.sourceKey()).isEqualTo("clip+final.mov");
        assertThat(event.reason()).isEqualTo("1010 Unable to open input file");
    }

    @Test
    void anythingElseIsAPoisonMessage() {
        assertThatThrownBy(() -> intake.parse("not json")).isInstanceOf(PoisonMessageException.class);
        assertThatThrownBy(() -> intake.parse("{\"Records\":[]}")).isInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("not an Elastic Transcoder notification");
    }
}
