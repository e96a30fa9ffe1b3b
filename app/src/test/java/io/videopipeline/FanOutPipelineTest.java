package io.videopipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.depth;
import static io.videopipeline.EndToEnd.probe;
import static io.videopipeline.EndToEnd.stream;
import static io.videopipeline.EndToEnd.take;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fan-out end to end: each new rendition in the transcoded bucket goes through the topic to three queues,
 * and three routes act on it independently — a mail (received by the local cloud's SMTP server), a public-read
 * ACL, a metadata JSON beside it. Renditions are either made by the whole pipeline from an upload, or put
 * straight into the transcoded bucket to exercise each route alone. The test that stops the SMTP server runs
 * last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FanOutPipelineTest {
    private static final String UPLOAD = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    private static final List<String> WORK_QUEUES = List.of("video-upload-events", "transcoded-video-email",
            "transcoded-video-acl", "transcoded-video-metadata");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static S3Client s3;
    private static Path rendition;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                // a transient failure: no in-place retry, dead-lettered on its second receive
                "pipeline.retry.attempts", "0",
                "pipeline.retry.max-receives", "2"));
        s3 = app.s3();
        rendition = clip(work, "rendition.mp4", "320x240", true);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void oneUploadGivesThreeMailsThreePublicRenditionsAndThreeMetadataFiles() throws Exception {
        upload(s3, UPLOAD, "fan.mov", clip(work, "fan.mov", "320x240", true));
        List<String> renditions = List.of("fan/fan-1080p.mp4", "fan/fan-720p.mp4", "fan/fan-web-720p.mp4");

        List<MimeMessage> mails = awaitMails(s -> s.startsWith("Video ready: fan-"), 3);
        assertThat(mails).extracting(MimeMessage::getSubject).containsExactlyInAnyOrder(
                "Video ready: fan-1080p.mp4 (1080p)", "Video ready: fan-720p.mp4 (720p)",
                "Video ready: fan-web-720p.mp4 (web-720p)");
        HttpClient http = HttpClient.newHttpClient();
        for (MimeMessage mail : mails) {
            assertThat(mail.getRecipients(RecipientType.TO)).extracting(Object::toString).containsExactly("owner@localhost");
            String key = renditions.stream().filter(k -> subjectOf(mail).contains(k.substring(4) + " ")).findFirst()
                    .orElseThrow();
            String link = link(EndToEnd.html(mail));
            assertThat(link).as("link of " + key).contains("/" + TRANSCODED + "/" + key);
            // the local profile's mails carry the plain public URL (pipeline.acl.mode=public-read), which the local
            // cloud serves to anyone once set-permissions has run: no signature, no SDK
            assertThat(link).as("link of " + key).startsWith(app.config().get("pipeline.aws.endpoint-url") + "/")
                    .doesNotContain("X-Amz-");
            awaitPublicRead(key);
            HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.statusCode()).as("GET " + key + " through the mail's link").isEqualTo(200);
            assertThat((long) got.body().length).isEqualTo(s3.headObject(b -> b.bucket(TRANSCODED).key(key)).contentLength());
        }
        for (String key : renditions) {
            awaitPublicRead(key);
            JsonNode summary = awaitMetadata(key).path("summary");
            JsonNode probe = probe(s3, TRANSCODED, key, work);
            JsonNode video = stream(probe, "video");
            assertThat(summary.path("width").asInt()).as(key).isEqualTo(video.path("width").asInt());
            assertThat(summary.path("height").asInt()).as(key).isEqualTo(video.path("height").asInt());
            assertThat(summary.path("videoCodec").asText()).as(key).isEqualTo(video.path("codec_name").asText()).isEqualTo("h264");
            assertThat(summary.path("audioCodec").asText()).as(key).isEqualTo(stream(probe, "audio").path("codec_name").asText());
            assertThat(summary.path("sourceKey").asText()).isEqualTo("fan.mov");
            assertThat(summary.path("preset").asText()).isEqualTo(key.substring("fan/fan-".length(), key.length() - 4));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String queue : WORK_QUEUES) {
                assertThat(depth(app.sqs(), app.queueUrl(queue))).as(queue).isZero();
                assertThat(depth(app.sqs(), app.queueUrl(queue + "-dlq"))).as(queue + "-dlq").isZero();
            }
        });
    }

    @Test
    @Order(2)
    void aKeyWithLineBreaksAndMarkupGivesASingleLineSubjectAndEscapedHtml() throws Exception {
        // no '/' in the markup: a slash would start another "directory" of the key
        String key = "direct/evil\r\nBcc: intruder@example.com <img src=x onerror=alert(1)> 비디오-720p.mp4";
        upload(s3, TRANSCODED, key, rendition);

        MimeMessage mail = awaitMails(s -> s.contains("intruder@example.com"), 1).get(0);

        assertThat(mail.getSubject()).doesNotContain("\r", "\n").contains("비디오");
        assertThat(mail.getHeader("Bcc")).isNull();
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("owner@localhost");
        assertThat(EndToEnd.html(mail)).contains("&lt;img src=x onerror=alert(1)&gt; 비디오").doesNotContain("<img");
        // the other two routes handle the key too
        awaitPublicRead(key);
        awaitMetadata(key);
    }

    @Test
    @Order(3)
    void aCorruptRenditionIsDeadLetteredByMetadataOnlyWhileAclAndMailStillHappen() throws Exception {
        String key = "direct/corrupt-720p.mp4";
        s3.putObject(b -> b.bucket(TRANSCODED).key(key), RequestBody.fromBytes(EndToEnd.garbage(32 * 1024, 3)));

        Message dead = awaitDeadLetter("transcoded-video-metadata-dlq", m -> m.body().contains("corrupt-720p.mp4"));

        assertThat(EndToEnd.reason(dead)).contains("s3://" + TRANSCODED + "/" + key);
        awaitMails(s -> s.contains("corrupt-720p.mp4"), 1);
        awaitPublicRead(key);
        assertThat(EndToEnd.keys(s3, TRANSCODED, "direct/corrupt-720p.json")).isEmpty();
    }

    @Test
    @Order(4)
    void aBucketWithAclsDisabledDeadLettersSetPermissionsAtOnceWhileMetadataAndMailComplete() throws Exception {
        String key = "direct/enforced-720p.mp4";
        s3.putBucketOwnershipControls(b -> b.bucket(TRANSCODED).ownershipControls(o -> o.rules(
                r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED))));
        try {
            upload(s3, TRANSCODED, key, rendition);

            // permanent: on the first receive, well before the visibility timeout (3 s) and a second receive
            Message dead = awaitDeadLetter("transcoded-video-acl-dlq", m -> m.body().contains("enforced-720p.mp4"),
                    Duration.ofSeconds(3));

            assertThat(EndToEnd.reason(dead)).startsWith("AclsDisabledException").contains(key)
                    .contains("BucketOwnerEnforced").contains("pipeline.acl.mode=none");
            awaitMails(s -> s.contains("enforced-720p.mp4"), 1);
            awaitMetadata(key);
        } finally {
            s3.deleteBucketOwnershipControls(b -> b.bucket(TRANSCODED));
        }
    }

    /**
     * A master playlist in per-rendition mode: set-permissions and extract-metadata treat it as "stream ready"
     * (the package public, its summary written), notify-email acknowledges it without a mail (that mode's mails
     * announce MP4 files; the per-source mail links the stream).
     */
    @Test
    @Order(5)
    void aMasterPlaylistInPerRenditionModeGetsItsPackagePublicAndSummarisedButNoMail() throws Exception {
        String master = "direct/live/live.m3u8";
        s3.putObject(b -> b.bucket(TRANSCODED).key("direct/live/hls/a.m3u"),
                RequestBody.fromString("#EXTM3U\n#EXTINF:1.0,\nseg.m4s\n#EXT-X-ENDLIST\n"));
        s3.putObject(b -> b.bucket(TRANSCODED).key("direct/live/hls/seg.m4s"), RequestBody.fromString("segment"));
        s3.putObject(b -> b.bucket(TRANSCODED).key(master),
                RequestBody.fromString("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=2x2\nhls/a.m3u\n"));

        awaitPublicRead(master);
        awaitPublicRead("direct/live/hls/seg.m4s");
        String summaryKey = "direct/live/live.json";
        await().atMost(PATIENCE).until(() -> EndToEnd.keys(s3, TRANSCODED, summaryKey).contains(summaryKey));
        JsonNode summary = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(summaryKey)).asByteArray())
                .path("summary");
        assertThat(summary.at("/rungs/0/segments").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(app.sqs(), app.queueUrl("transcoded-video-email")) == 0);
        assertThat(depth(app.sqs(), app.queueUrl("transcoded-video-email-dlq"))).isZero();
        assertThat(Arrays.stream(app.mailServer().receivedMessages()).map(FanOutPipelineTest::subjectOf))
                .noneMatch(subject -> subject.contains("live"));
    }

    @Test
    @Order(Integer.MAX_VALUE) // stops the SMTP server for good
    void withSmtpDownTheMailIsRetriedThenDeadLetteredWhileAclAndMetadataComplete() throws Exception {
        app.mailServer().stop();
        String key = "direct/nomail-720p.mp4";
        // the message as received from notify-email's queue (routes/sqs-source.kamelet.yaml receives it)
        NotifyBuilder failedOnce = new NotifyBuilder(app.camel()).from("aws2-sqs://transcoded-video-email*")
                .filter(e -> String.valueOf(e.getMessage().getBody()).contains("nomail-720p.mp4")).whenFailed(1).create();
        upload(s3, TRANSCODED, key, rendition);

        awaitPublicRead(key);
        awaitMetadata(key);
        Message dead = awaitDeadLetter("transcoded-video-email-dlq", m -> m.body().contains("nomail-720p.mp4"));

        // a connection failure is transient: the first receive failed and left the message on its queue; the
        // last allowed receive (pipeline.retry.max-receives=2) dead-lettered it with the reason
        assertThat(failedOnce.matches()).as("a receive failed and was left for redelivery").isTrue();
        assertThat(EndToEnd.reason(dead)).containsIgnoringCase("connect");
        await().atMost(Duration.ofSeconds(10)).until(() -> depth(app.sqs(), app.queueUrl("transcoded-video-email")) == 0);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static List<MimeMessage> awaitMails(Predicate<String> subject, int count) {
        return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                Arrays.stream(app.mailServer().receivedMessages()).filter(m -> subject.test(subjectOf(m))).toList(),
                found -> found.size() >= count);
    }

    private static void awaitPublicRead(String key) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                s3.getObjectAcl(b -> b.bucket(TRANSCODED).key(key)).grants().stream().anyMatch(FanOutPipelineTest::allUsersRead));
    }

    private static boolean allUsersRead(Grant g) {
        return g.grantee() != null && g.grantee().type() == Type.GROUP && ALL_USERS.equals(g.grantee().uri())
                && g.permission() == Permission.READ;
    }

    /** The metadata document beside a rendition ({@code key} without .mp4, plus .json). */
    private static JsonNode awaitMetadata(String key) throws IOException {
        String jsonKey = key.substring(0, key.length() - ".mp4".length()) + ".json";
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> EndToEnd.keys(s3, TRANSCODED, jsonKey).contains(jsonKey));
        var object = s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(jsonKey));
        assertThat(object.response().contentType()).startsWith("application/json");
        return JSON.readTree(object.asByteArray());
    }

    private static Message awaitDeadLetter(String dlq, Predicate<Message> matching) {
        return awaitDeadLetter(dlq, matching, PATIENCE);
    }

    private static Message awaitDeadLetter(String dlq, Predicate<Message> matching, Duration timeout) {
        String url = app.queueUrl(dlq);
        List<Message> found = new ArrayList<>();
        await().atMost(timeout).until(() -> {
            found.addAll(take(app.sqs(), url, matching));
            return !found.isEmpty();
        });
        return found.get(0);
    }

    private static String subjectOf(MimeMessage m) {
        try {
            String s = m.getSubject();
            return s == null ? "" : s;
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    private static String link(String html) {
        assertThat(html).as("the mail's HTML").isNotNull();
        Matcher m = Pattern.compile("<a href=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a link in " + html).isTrue();
        return m.group(1).replace("&amp;", "&");
    }
}
