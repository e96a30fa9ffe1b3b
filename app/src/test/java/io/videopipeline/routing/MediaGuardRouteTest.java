package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineTestApp;
import io.videopipeline.media.HostileMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The shipped routes and error handling on the local cloud (issue 13, findings 5 and 6): events naming the wrong
 * bucket are dead-lettered with the reason by transcode-video and extract-metadata, and a transcode that runs past
 * the timeout is tried twice, then dead-lettered.
 *
 * <p>ffmpeg runs through a wrapper that adds {@code -re} (read the input at its native rate: a 30 s clip takes
 * 30 s, past the 3 s timeout, on any machine) and appends a line to a file for every encode it starts.
 */
class MediaGuardRouteTest {

    @TempDir
    static Path work;

    static PipelineTestApp app;
    static Path encodes;

    @BeforeAll
    static void start() throws Exception {
        encodes = Files.createFile(work.resolve("encodes.txt"));
        Path wrapper = work.resolve("slow-ffmpeg");
        Files.writeString(wrapper, "#!/bin/sh\ncase \" $* \" in *\" -i \"*) echo encode >> '" + encodes + "';; esac\n"
                + "exec " + HostileMedia.FFMPEG + " -re \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        app = PipelineTestApp.start(work, Map.of(
                "pipeline.ffmpeg.path", wrapper.toString(),
                "pipeline.ffmpeg.timeout-minutes", "0.05",
                "pipeline.routes.enabled", "transcode-video,extract-metadata"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void transcodeVideoDeadLettersAnEventForTheTranscodedBucket() {
        send("video-upload-events", event("video-transcoded", "clip/clip-720p.mp4"));

        Message parked = awaitDeadLetter("video-upload-events-dlq", "transcode-video refuses");

        assertThat(parked.messageAttributes().get("pipeline-error").stringValue())
                .contains("transcode-video refuses s3://video-transcoded/clip/clip-720p.mp4: only objects in the"
                        + " upload bucket 'video-upload' (pipeline.buckets.upload) are transcoded");
    }

    @Test
    void extractMetadataDeadLettersAnEventForTheUploadBucket() {
        send("transcoded-video-metadata", event("video-upload", "clip.mp4"));

        Message parked = awaitDeadLetter("transcoded-video-metadata-dlq", "extract-metadata refuses");

        assertThat(parked.messageAttributes().get("pipeline-error").stringValue())
                .contains("extract-metadata refuses s3://video-upload/clip.mp4: only renditions in the transcoded"
                        + " bucket 'video-transcoded' are probed");
        assertThat(app.s3().listObjectsV2(b -> b.bucket("video-upload")).contents()).isEmpty();
    }

    @Test
    void aTranscodePastTheTimeoutIsTriedTwiceThenDeadLettered() throws Exception {
        Path clip = work.resolve("thirty-seconds.mp4");
        HostileMedia.run(HostileMedia.FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "color=c=gray:s=64x48:r=5:d=30", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
                clip.toString());
        app.s3().putObject(b -> b.bucket("video-upload").key("slow/clip.mp4"), RequestBody.fromFile(clip));

        Message parked = awaitDeadLetter("video-upload-events-dlq", "slow/clip.mp4");

        assertThat(parked.messageAttributes().get("pipeline-error").stringValue())
                .contains("TranscodeTimeoutException").contains("timed out after PT3S");
        // once per receive, never again in place (before: 3 attempts per receive, up to 5 receives)
        assertThat(Files.readAllLines(encodes)).hasSize(2);
        // no rendition; the job record (jobs package) says Error and why
        assertThat(app.s3().listObjectsV2(b -> b.bucket("video-transcoded").prefix("slow/")).contents())
                .extracting(o -> o.key()).containsExactly("slow/clip/clip.job.json");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static String event(String bucket, String key) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2025-01-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\","
                + "\"s3\":{\"s3SchemaVersion\":\"1.0\",\"bucket\":{\"name\":\"" + bucket + "\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"size\":1024,\"eTag\":\"0123456789abcdef\"}}}]}";
    }

    private static void send(String queue, String body) {
        app.sqs().sendMessage(b -> b.queueUrl(app.queueUrl(queue)).messageBody(body));
    }

    /** The dead letter whose reason or body mentions {@code mentioning}; the tests share the DLQs. */
    private static Message awaitDeadLetter(String dlq, String mentioning) {
        String url = app.queueUrl(dlq);
        Message[] found = new Message[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (Message m : app.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(0).messageAttributeNames("All")).messages()) {
                String error = m.messageAttributes().containsKey("pipeline-error")
                        ? m.messageAttributes().get("pipeline-error").stringValue() : "";
                if (error.contains(mentioning) || m.body().contains(mentioning)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
