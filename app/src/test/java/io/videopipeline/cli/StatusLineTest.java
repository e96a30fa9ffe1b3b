package io.videopipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.jobs.JobRecord;
import org.junit.jupiter.api.Test;

/** The status command's line for the states a running or failed job is in. */
class StatusLineTest {

    private static final String T = "2026-01-01T00:00:00Z";
    private final JobRecord submitted = JobRecord.submitted(new JobRecord.Source("video-upload", "a/clip\u001b[2J.mov",
            "e1", 5L), "ffmpeg", "ffmpeg-0123", null, null, T);

    @Test
    void progressingShowsPercentAndEta() {
        assertThat(StatusCommand.line(submitted.progressing(42.4, 17L, 1.5, T)))
                .isEqualTo("Progressing 42%% eta 17s  a/clip\\u001b[2J.mov  ffmpeg ffmpeg-0123  attempts 1  outputs 0"
                        .formatted() + "  updated " + T);
    }

    @Test
    void errorShowsTheReasonAndWhereTheMessageIsParked() {
        assertThat(StatusCommand.line(submitted.error("ffprobe found no video", "video-upload-events-dlq", T)))
                .endsWith("  reason: ffprobe found no video  parked in video-upload-events-dlq")
                .startsWith("Error  a/clip");
    }
}
