package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.SnsClient;

/** A runner builds its SNS client when a job first reports, not while it starts (issue 20, start-up). */
class JobEventClientOnDemandTest {

    @Test
    void theClientIsAskedForAtTheFirstEventOnly() {
        AtomicInteger asked = new AtomicInteger();
        JobEventPublisher publisher = JobEventPublisher.onFirstEvent(() -> {
            asked.incrementAndGet();
            return (SnsClient) null; // publish() logs the failure and goes on, as with an unreachable SNS
        }, "transcode-job-events", key -> "records/" + key);
        assertThat(asked).hasValue(0);

        publisher.publish(JobRecord.submitted(new JobRecord.Source("video-upload", "clip.mov", "e1", 5L), "ffmpeg",
                "ffmpeg-1", null, null, "2026-01-01T00:00:00Z"));

        assertThat(asked).hasValue(1);
    }
}
