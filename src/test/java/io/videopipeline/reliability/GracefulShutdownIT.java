package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM in the middle of a transcode that outlasts the grace period: the jar stops consuming, waits the grace
 * period, exits; no ffmpeg survives it, nothing partial is written, and the upload's message is not deleted, so
 * the next start transcodes it completely.
 */
class GracefulShutdownIT {
    private static final int GRACE_SECONDS = 3;

    @TempDir
    Path work;

    @Test
    void sigtermMidTranscodeExitsWithinTheGracePeriodAndLosesNothing() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/long.mov"), 20);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.startSeparateCloud(null);
            rig.set("pipeline.shutdown.grace-seconds", String.valueOf(GRACE_SECONDS))
                    // slow enough that the job is still running when the grace period ends
                    .set("pipeline.ffmpeg.x264-preset", "veryslow");
            rig.start();
            rig.upload("term/long.mov", clip);
            await().atMost(Duration.ofSeconds(60)).until(rig::ffmpegRunning);
            List<ProcessHandle> ffmpeg = rig.strayFfmpeg();
            assertThat(ffmpeg).isNotEmpty();

            long started = System.nanoTime();
            int exit = rig.terminate(Duration.ofSeconds(GRACE_SECONDS + 30));
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            System.out.printf("SIGTERM exit=%d after %d s (grace %d s)%n", exit, seconds, GRACE_SECONDS);

            assertThat(seconds).as("exit within grace + JVM shutdown").isLessThan(GRACE_SECONDS + 20);
            assertThat(ffmpeg).noneMatch(ProcessHandle::isAlive);
            assertThat(rig.strayFfmpeg()).isEmpty();
            assertThat(rig.transcodedKeys()).as("nothing partial under final keys").isEmpty();
            assertThat(rig.queueDepths().get("video-upload-events")).as("the message was not deleted").isEqualTo(1);

            // Next start (fast preset): the message comes back after its visibility timeout and completes.
            rig.set("pipeline.ffmpeg.x264-preset", "ultrafast");
            rig.start();
            List<String> expected = PipelineRig.expectedKeys(List.of("term/long.mov"));
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
                    rig.transcodedKeys().containsAll(expected)
                            && rig.queueDepths().values().stream().allMatch(d -> d == 0));
            assertThat(rig.transcodedKeys()).containsExactlyElementsOf(expected);
            assertThat(rig.mailSubjects()).hasSize(3).doesNotHaveDuplicates();
            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);
            assertThat(rig.tempFiles()).isEmpty();
        }
    }
}
