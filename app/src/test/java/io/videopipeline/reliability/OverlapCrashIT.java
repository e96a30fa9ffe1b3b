package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The shipped defaults keep two transcode jobs in flight (one encoding, the other downloading, probing, waiting for
 * the encode slot or uploading): a SIGKILL while both messages are taken loses neither. Both come back after the
 * visibility timeout, and a restarted runner writes everything of both uploads.
 */
class OverlapCrashIT {

    @TempDir
    Path work;

    @Test
    void aCrashWithTwoJobsInFlightLosesNeither() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/overlap.mov"), 8);
        List<String> keys = List.of("overlap/first.mov", "overlap/second.mov");
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.startSeparateCloud(null);
            rig.start();
            keys.forEach(k -> rig.upload(k, clip));

            // both messages taken at once (the default concurrency) while an ffmpeg encodes: the overlap
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                    .until(() -> inFlight(rig) == 2 && rig.ffmpegRunning());
            rig.kill();

            rig.start();
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(rig.transcodedKeys())
                            .containsAll(PipelineRig.expectedKeys(keys)));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(rig.queueDepths()).allSatisfy((queue, depth) ->
                            assertThat(depth).as(queue).isZero()));
        }
    }

    /** Messages of the upload-events queue received and not yet deleted. */
    private static int inFlight(PipelineRig rig) {
        String url = rig.sqs().getQueueUrl(b -> b.queueName("video-upload-events")).queueUrl();
        Map<QueueAttributeName, String> a = rig.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
