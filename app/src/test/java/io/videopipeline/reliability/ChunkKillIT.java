package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Split-and-stitch survives a lost worker: the packaged jar is SIGKILLed while ffmpeg encodes a task of a chunked
 * upload (the local cloud runs as a process of its own, as AWS would), and a worker started afterwards finishes the
 * job from the chunk queue: every output once (one notification each), the work prefix gone, every queue empty, and
 * nothing left in the work dir (neither the dead worker's temp dirs nor a kept source).
 */
class ChunkKillIT {

    private static final List<String> CHUNK_QUEUES = List.of("video-upload-events", "video-upload-events-dlq",
            "transcode-chunks", "transcode-chunks-dlq");

    @TempDir
    Path work;

    @Test
    void aWorkerKilledMidChunkLeavesAJobThatStillCompletesOnce() throws Exception {
        Path clip = clip(work.resolve("clips/long.mov"));
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.startSeparateCloud(null);
            // the fan-out routes stay off: the acl queue keeps every notification of the transcoded bucket
            rig.set("pipeline.routes.enabled", "transcode-video,transcode-chunk,dead-letter")
                    .set("pipeline.transcode.chunking-min-seconds", "4")
                    .set("pipeline.transcode.chunk-seconds", "3");
            rig.start();
            rig.upload("kill/long.mov", clip);
            // a chunk task's ffmpeg: the plan is written before the first task is sent
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !keys(rig, "_chunks/").stream().filter(k -> k.endsWith("/plan")).toList().isEmpty()
                            && rig.ffmpegRunning());
            rig.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> rig.strayFfmpeg().isEmpty());

            rig.start(); // another worker: it finds the lost task once its visibility timeout ends
            List<String> outputs = List.of("kill/long/long-1080p.mp4", "kill/long/long-720p.mp4",
                    "kill/long/long-web-720p.mp4", "kill/long/long.m3u8");
            try {
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                        keys(rig, "kill/long/").containsAll(outputs) && keys(rig, "_chunks/").isEmpty()
                                && depths(rig).values().stream().allMatch(d -> d == 0));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("not complete: " + keys(rig, "kill/long/") + ", work " + keys(rig, "_chunks/")
                        + ", queues " + depths(rig) + "\n" + rig.allOutput(), e);
            }
            com.fasterxml.jackson.databind.JsonNode record = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Files.readString(download(rig, "kill/long/long.job.json")));
            assertThat(record.path("state").asText()).isEqualTo("Complete");
            assertThat(record.path("outputs")).hasSize(5); // three MP4s, the master playlist, the poster
            Map<String, Long> notified = notified(rig);
            assertThat(notified).as("notifications per output").containsAllEntriesOf(
                    outputs.stream().collect(Collectors.toMap(k -> k, k -> 1L)));
            assertThat(rig.allOutput()).doesNotContain("dead-lettering");
            // the killed worker's kept source went with the start-up sweep, the new worker's with its stitch
            assertThat(rig.tempFiles()).as("temp files and kept sources in the ffmpeg work dir").isEmpty();
            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }

    /** 8 s of 1280x720 with a tone: chunk encodes last long enough to be caught running. */
    private static Path clip(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=8",
                "-f", "lavfi", "-i", "sine=frequency=440:duration=8",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-threads", "1",
                "-c:a", "aac", "-shortest", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return file;
    }

    /** Keys under the prefix. */
    private static List<String> keys(PipelineRig rig, String prefix) {
        return rig.s3().listObjectsV2Paginator(b -> b.bucket(PipelineRig.TRANSCODED).prefix(prefix)).contents()
                .stream().map(S3Object::key).sorted().toList();
    }

    private static Path download(PipelineRig rig, String key) throws Exception {
        Path file = Files.createTempFile(rig.work, "dl", ".json");
        Files.delete(file);
        rig.s3().getObject(b -> b.bucket(PipelineRig.TRANSCODED).key(key), file);
        return file;
    }

    private static Map<String, Integer> depths(PipelineRig rig) {
        Map<String, Integer> depths = new TreeMap<>();
        for (String name : CHUNK_QUEUES) {
            String url = rig.sqs().getQueueUrl(b -> b.queueName(name)).queueUrl();
            depths.put(name, rig.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values().stream()
                    .mapToInt(Integer::parseInt).sum());
        }
        return depths;
    }

    /** How often each key of the transcoded bucket was notified (the acl queue's messages, all of them). */
    private static Map<String, Long> notified(PipelineRig rig) {
        S3EventIntake intake = new S3EventIntake(S3EventIntake.DEFAULT_MAX_BODY_CHARS, S3EventIntake.DEFAULT_MAX_RECORDS);
        String url = rig.sqs().getQueueUrl(b -> b.queueName("transcoded-video-acl")).queueUrl();
        List<String> keys = new ArrayList<>();
        while (true) {
            List<Message> batch = rig.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(60)).messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message m : batch) {
                intake.parse(m.body()).stream().map(ObjectEvent::key).forEach(keys::add);
            }
        }
        return keys.stream().collect(Collectors.groupingBy(k -> k, TreeMap::new, Collectors.counting()));
    }
}
