package io.videopipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.eventnotifications.s3.model.RequestParameters;
import software.amazon.awssdk.eventnotifications.s3.model.ResponseElements;
import software.amazon.awssdk.eventnotifications.s3.model.S3;
import software.amazon.awssdk.eventnotifications.s3.model.S3Bucket;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.eventnotifications.s3.model.S3Object;
import software.amazon.awssdk.eventnotifications.s3.model.UserIdentity;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.depth;
import static io.videopipeline.EndToEnd.keys;
import static io.videopipeline.EndToEnd.probe;
import static io.videopipeline.EndToEnd.stream;
import static io.videopipeline.EndToEnd.take;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * transcode-video end to end: the real application on a local cloud, an upload through the S3 API, and what
 * a user would see — renditions in the transcoded bucket, the upload queue drained, failures parked on the DLQ
 * with their reason. Only the transcode route runs (the fan-out routes have their own test), so the fan-out
 * queues collect the transcoded bucket's notifications: the duplicate test reads them to see whether anything
 * was written again.
 */
class TranscodePipelineTest {
    private static final String UPLOAD = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final Duration TRANSCODE = Duration.ofSeconds(120);

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static S3Client s3;
    private static String uploadQueue;
    private static String uploadDlq;
    private static String aclQueue;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.routes.enabled", "transcode-video",
                // a transient failure: no in-place retry, dead-lettered on its second receive
                "pipeline.retry.attempts", "0",
                "pipeline.retry.max-receives", "2"));
        s3 = app.s3();
        uploadQueue = app.queueUrl("video-upload-events");
        uploadDlq = app.queueUrl("video-upload-events-dlq");
        aclQueue = app.queueUrl("transcoded-video-acl");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aFullHdUploadGivesThreeH264AacRenditionsAtThePresetSizesAndItsMessageIsDeleted() throws Exception {
        upload(s3, UPLOAD, "full-hd.mov", clip(work, "full-hd.mov", "1920x1080", true));

        List<String> outputs = awaitRenditions("full-hd/", 3);

        assertThat(outputs).containsExactly("full-hd/full-hd-1080p.mp4", "full-hd/full-hd-720p.mp4",
                "full-hd/full-hd-web-720p.mp4");
        Map<String, String> sizes = new LinkedHashMap<>();
        for (String key : outputs) {
            JsonNode probe = probe(s3, TRANSCODED, key, work);
            JsonNode video = stream(probe, "video");
            JsonNode audio = stream(probe, "audio");
            assertThat(video.path("codec_name").asText()).as(key).isEqualTo("h264");
            assertThat(audio).as(key + " audio").isNotNull();
            assertThat(audio.path("codec_name").asText()).as(key).isEqualTo("aac");
            sizes.put(key, video.path("width").asInt() + "x" + video.path("height").asInt());
            assertThat(s3.headObject(b -> b.bucket(TRANSCODED).key(key)).contentType()).isEqualTo("video/mp4");
        }
        assertThat(sizes).containsExactly(
                Map.entry("full-hd/full-hd-1080p.mp4", "1920x1080"),
                Map.entry("full-hd/full-hd-720p.mp4", "1280x720"),
                Map.entry("full-hd/full-hd-web-720p.mp4", "1280x720"));
        awaitDrained();
    }

    @Test
    void aSmallSourceIsNeverUpscaled() throws Exception {
        upload(s3, UPLOAD, "small.mov", clip(work, "small.mov", "640x360", true));

        for (String key : awaitRenditions("small/", 3)) {
            JsonNode video = stream(probe(s3, TRANSCODED, key, work), "video");
            assertThat(video.path("width").asInt() + "x" + video.path("height").asInt()).as(key).isEqualTo("640x360");
        }
        awaitDrained();
    }

    @Test
    void aPortraitSourceKeepsItsOrientation() throws Exception {
        upload(s3, UPLOAD, "portrait.mov", clip(work, "portrait.mov", "720x1280", true));

        for (String key : awaitRenditions("portrait/", 3)) {
            JsonNode video = stream(probe(s3, TRANSCODED, key, work), "video");
            int width = video.path("width").asInt();
            int height = video.path("height").asInt();
            assertThat(height).as(key + " " + width + "x" + height).isGreaterThan(width);
            // shrunk to fit the preset's box (1920x1080 or 1280x720): the height is the limit
            assertThat(height).as(key).isEqualTo(key.endsWith("-1080p.mp4") ? 1080 : 720);
            assertThat(width % 2).as(key + " even width").isZero();
        }
        awaitDrained();
    }

    @Test
    void aSilentSourceGivesVideoOnlyRenditions() throws Exception {
        upload(s3, UPLOAD, "silent.mov", clip(work, "silent.mov", "320x240", false));

        for (String key : awaitRenditions("silent/", 3)) {
            JsonNode probe = probe(s3, TRANSCODED, key, work);
            assertThat(stream(probe, "video")).as(key).isNotNull();
            assertThat(stream(probe, "audio")).as(key + " audio").isNull();
        }
        awaitDrained();
    }

    @Test
    void keysWithSpacesUnicodeAndPrefixesKeepTheirDirectoryAndName() {
        upload(s3, UPLOAD, "uploads/a b/비디오 #1.mov", clip(work, "unicode.mov", "320x240", true));

        assertThat(awaitRenditions("uploads/a b/비디오 #1/", 3)).containsExactly(
                "uploads/a b/비디오 #1/비디오 #1-1080p.mp4",
                "uploads/a b/비디오 #1/비디오 #1-720p.mp4",
                "uploads/a b/비디오 #1/비디오 #1-web-720p.mp4");
        awaitDrained();
    }

    @Test
    void aCorruptUploadIsDeadLetteredWithItsReasonAndWritesNothing() {
        s3.putObject(b -> b.bucket(UPLOAD).key("broken.mov"), RequestBody.fromBytes(EndToEnd.garbage(64 * 1024, 7)));

        // permanent (the same bytes fail every time): dead-lettered on the first receive, before the visibility
        // timeout (10 s) could bring the message back
        List<Message> dead = awaitDeadLetters(uploadDlq, m -> m.body().contains("broken.mov"), Duration.ofSeconds(8));

        assertThat(EndToEnd.reason(dead.get(0))).startsWith("UnusableSourceException")
                .contains("s3://video-upload/broken.mov").contains("not a readable video");
        assertThat(keys(s3, TRANSCODED, "broken")).isEmpty();
        awaitDrained();
    }

    @Test
    void aDuplicateNotificationDoesNotTranscodeAgain() throws Exception {
        upload(s3, UPLOAD, "dup.mov", clip(work, "dup.mov", "320x240", true));
        List<String> outputs = awaitRenditions("dup/", 3);
        awaitDrained();
        // the three renditions' notifications (through the topic) on the ACL queue, which nobody consumes here
        List<Message> created = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            created.addAll(take(app.sqs(), aclQueue, m -> m.body().contains("dup/dup-")));
            return created.size() >= 3;
        });
        Map<String, HeadObjectResponse> before = new LinkedHashMap<>();
        for (String key : outputs) {
            before.put(key, s3.headObject(b -> b.bucket(TRANSCODED).key(key)));
        }

        HeadObjectResponse source = s3.headObject(b -> b.bucket(UPLOAD).key("dup.mov"));
        app.sqs().sendMessage(b -> b.queueUrl(uploadQueue).messageBody(s3Event("dup.mov", source)));

        // the duplicate was received and deleted (acknowledged, not dead-lettered) ...
        awaitDrained();
        assertThat(take(app.sqs(), uploadDlq, m -> m.body().contains("dup.mov"))).isEmpty();
        // ... and no rendition was written again: no new notification, same ETag and Last-Modified
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> take(app.sqs(), aclQueue, m -> m.body().contains("dup/dup-")).isEmpty());
        for (String key : outputs) {
            HeadObjectResponse after = s3.headObject(b -> b.bucket(TRANSCODED).key(key));
            assertThat(after.eTag()).as(key).isEqualTo(before.get(key).eTag());
            assertThat(after.lastModified()).as(key).isEqualTo(before.get(key).lastModified());
        }
    }

    @Test
    void aNonVideoUploadIsAcknowledgedAndSkipped() {
        NotifyBuilder handled = new NotifyBuilder(app.camel()).fromRoute("transcode-video")
                // after the route the body is the parsed events (ObjectEvent records, which print their key)
                .filter(e -> String.valueOf(e.getMessage().getBody()).contains("notes.txt")).whenCompleted(1).create();

        s3.putObject(b -> b.bucket(UPLOAD).key("notes.txt"), RequestBody.fromString("not a video"));

        assertThat(handled.matches(60, TimeUnit.SECONDS)).as("the notes.txt event was handled").isTrue();
        awaitDrained();
        assertThat(keys(s3, TRANSCODED, "notes")).isEmpty();
        assertThat(take(app.sqs(), uploadDlq, m -> m.body().contains("notes.txt"))).isEmpty();
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterQueueAtOnceWithItsReason() {
        String poison = "this is not JSON " + System.nanoTime();
        app.sqs().sendMessage(b -> b.queueUrl(uploadQueue).messageBody(poison));

        // at once: well before the visibility timeout (10 s) would bring it back for a second receive
        List<Message> dead = awaitDeadLetters(uploadDlq, m -> m.body().equals(poison), Duration.ofSeconds(8));

        assertThat(EndToEnd.reason(dead.get(0))).startsWith("PoisonMessageException").contains("JSON");
        awaitDrained();
    }

    /** The MP4 renditions under a prefix (the HLS package and pictures beside them are StreamingFanOutTest's). */
    private static List<String> awaitRenditions(String prefix, int count) {
        return await().atMost(TRANSCODE).pollInterval(Duration.ofMillis(250))
                .until(() -> keys(s3, TRANSCODED, prefix).stream().filter(k -> k.endsWith(".mp4")).toList(),
                        k -> k.size() >= count);
    }

    private static void awaitDrained() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> depth(app.sqs(), uploadQueue) == 0);
    }

    private static List<Message> awaitDeadLetters(String dlq, java.util.function.Predicate<Message> matching,
                                                  Duration timeout) {
        List<Message> found = new ArrayList<>();
        await().atMost(timeout).until(() -> {
            found.addAll(take(app.sqs(), dlq, matching));
            return !found.isEmpty();
        });
        return found;
    }

    /** The S3 notification S3 sent for the object, as S3 would send it again (same key, ETag, sequencer). */
    private static String s3Event(String key, HeadObjectResponse head) {
        S3EventNotificationRecord record = new S3EventNotificationRecord();
        record.setEventVersion("2.1");
        record.setEventSource("aws:s3");
        record.setAwsRegion("us-east-1");
        record.setEventTime(Instant.now());
        record.setEventName("ObjectCreated:Put");
        record.setUserIdentity(new UserIdentity("test"));
        record.setRequestParameters(new RequestParameters("127.0.0.1"));
        record.setResponseElements(new ResponseElements("dup", "dup"));
        record.setS3(new S3("upload-events", new S3Bucket(UPLOAD, new UserIdentity("test"), "arn:aws:s3:::" + UPLOAD),
                new S3Object(key, head.contentLength(), head.eTag().replace("\"", ""), null, "0055AED6DCD90281E5"),
                "1.0"));
        return new S3EventNotification(List.of(record)).toJson();
    }
}
