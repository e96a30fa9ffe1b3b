package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.notify.JobStateEvent;
import io.videopipeline.notify.JobStateIntake;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job event stream speaks Elastic Transcoder's notification shape, so report-job-state reads it as it reads ET's
 * own notifications: one stream mails the failures of every backend that publishes to it.
 */
class JobEventShapeTest {

    private static final String T = "2026-01-01T00:00:00Z";
    private final JobEventPublisher publisher = new JobEventPublisher(null, "transcode-job-events",
            key -> "records/" + key);

    @Test
    void aFailedJobReadsAsAFailureWithItsUploadAndReason() throws Exception {
        JobRecord error = JobRecord.submitted(new JobRecord.Source("video-upload", "a b/clip.mov", "e1", 5L),
                "ffmpeg", "ffmpeg-0123", null, null, T).error("ffprobe: invalid data", "video-upload-events-dlq", T);
        String snsEnvelope = new ObjectMapper().writeValueAsString(Map.of("Type", "Notification",
                "Message", publisher.message(error)));

        JobStateEvent read = new JobStateIntake().parse(snsEnvelope);

        assertThat(read.failed()).isTrue();
        assertThat(read).extracting(JobStateEvent::backend, JobStateEvent::jobId, JobStateEvent::sourceBucket,
                JobStateEvent::sourceKey).containsExactly("ffmpeg", "ffmpeg-0123", "video-upload", "a b/clip.mov");
        assertThat(read.reason()).contains("ffprobe: invalid data");
    }

    @Test
    void progressCarriesPercentAndEtaBesideEtsFields() throws Exception {
        JobRecord complete = JobRecord.submitted(new JobRecord.Source("video-upload", "clip.mov", "e1", 5L),
                "ffmpeg", "ffmpeg-0123", null, null, T).progressing(42.5, 17L, 1.5, T)
                .complete(List.of(new JobRecord.Output("clip/clip-720p.mp4", "720p", 9L, 30.0, 1280, 720)), T);
        var json = new ObjectMapper().readTree(publisher.message(complete));

        assertThat(json.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(json.get("version").asText()).isEqualTo("2012-09-25");
        assertThat(json.get("pipelineId").asText()).isEqualTo("ffmpeg");
        assertThat(json.get("outputs").get(0).get("key").asText()).isEqualTo("clip/clip-720p.mp4");
        assertThat(json.get("outputs").get(0).get("presetId").asText()).isEqualTo("720p");
        assertThat(json.get("outputs").get(0).get("duration").asInt()).isEqualTo(30);
        assertThat(json.get("outputs").get(0).get("width").asInt()).isEqualTo(1280);
        assertThat(json.get("percentComplete").asDouble()).isEqualTo(100.0);
        assertThat(json.get("jobRecordKey").asText()).isEqualTo("records/clip.mov");
        assertThat(new JobStateIntake().parse(publisher.message(complete)).failed()).isFalse();
    }
}
