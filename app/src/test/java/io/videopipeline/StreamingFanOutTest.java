package io.videopipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.depth;
import static io.videopipeline.EndToEnd.keys;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fan-out of a streaming upload ({@code pipeline.hls.enabled=true}, per-source mails), end to end on the local
 * cloud with the real ffmpeg: only the MP4s and the master playlist reach the topic's queues; the master's event
 * makes the package public, writes its summary and sends the one mail with the stream and the poster; the stream
 * plays by its public URL with no credentials; what stays private answers 403 to anyone; a variant playlist named
 * {@code .m3u8} (Elastic Transcoder's, MediaConvert's) reaching the routes is ignored without error.
 */
class StreamingFanOutTest {
    private static final String UPLOAD = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final String TOPIC = "transcoded-video-notifications";
    private static final String PROBE = "probe-transcoded-notifications";
    private static final List<String> FAN_OUT = List.of("transcoded-video-email", "transcoded-video-acl",
            "transcoded-video-metadata");
    private static final List<String> MP4S = List.of("stream/stream-1080p.mp4", "stream/stream-720p.mp4",
            "stream/stream-web-720p.mp4");
    private static final String MASTER = "stream/stream.m3u8";
    /** An Elastic Transcoder variant playlist ({OutputKeyPrefix}{Key}.m3u8): it does reach the topic. */
    private static final String ET_VARIANT = "etstyle/etstyle/hls/720p.m3u8";
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static S3Client s3;
    private static String probeUrl;
    private static final HttpClient ANONYMOUS = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.hls.enabled", "true",
                "pipeline.mail.mode", "per-source"));
        s3 = app.s3();
        // a probe queue subscribed to the topic the fan-out queues are: it sees exactly what they see
        probeUrl = app.watch(TOPIC, PROBE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theMasterPlaylistIsTheOneStreamReadyEvent() throws Exception {
        // 640x480: two rungs (480p 640x480, 360p 480x360), never above the source; 8 s: two segments a rung (6 s
        // each), thumbnails (every 10 s from 0) and a storyboard (a tile every 5 s)
        upload(s3, UPLOAD, "stream.mov", clip(work, "stream.mov", "640x480", true, 8));

        // (e) one per-source mail, sent on the master's event, with the stream and the poster as public links
        MimeMessage mail = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> Arrays.asList(app.mailServer().receivedMessages()), m -> !m.isEmpty()).get(0);
        assertThat(mail.getSubject()).isEqualTo("All 3 renditions ready: stream.mov");
        String html = EndToEnd.html(mail);
        String streamLink = link(html, "Stream (HLS): <a href=\"");
        String posterLink = link(html, "Poster: <a href=\"");
        assertThat(streamLink).isEqualTo(publicUrl(MASTER));
        assertThat(posterLink).isEqualTo(publicUrl("stream/stream-poster.jpg"));

        // the master's ACL is set last, after every part of the package: once it answers, all of it does
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> anonymousGet(MASTER) == 200);
        List<String> stored = keys(s3, TRANSCODED, "stream/");
        List<String> parts = stored.stream().filter(k -> !MP4S.contains(k) && !k.equals(MASTER)
                && !k.endsWith(".json") && !k.endsWith(".mailed")).toList();
        assertThat(parts).contains("stream/stream-poster.jpg", "stream/pictures/stream-storyboard.jpg",
                "stream/pictures/stream-storyboard.vtt", "stream/pictures/stream-thumb-00001.jpg")
                .anyMatch(k -> k.startsWith("stream/hls/") && k.endsWith("/index.m3u"))
                .anyMatch(k -> k.startsWith("stream/hls/") && k.endsWith(".m4s"));
        for (String part : parts) {
            assertThat(anonymousGet(part)).as("anonymous GET " + part).isEqualTo(200);
        }

        // (b) ffprobe reads the master by its public URL, no credentials, only http and tcp, and decodes every rung
        JsonNode probe = JSON.readTree(EndToEnd.run(List.of(EndToEnd.FFPROBE, "-v", "error",
                "-protocol_whitelist", "http,tcp", "-count_frames", "-select_streams", "v",
                "-show_entries", "stream=width,height,nb_read_frames", "-print_format", "json", streamLink)));
        List<String> decoded = new ArrayList<>();
        for (JsonNode stream : probe.path("streams")) {
            assertThat(stream.path("nb_read_frames").asInt()).as("frames decoded of " + stream).isPositive();
            decoded.add(stream.path("width").asInt() + "x" + stream.path("height").asInt());
        }

        // (d) the package summary beside the master: rungs as in the master, segments, durations, bytes, pictures
        String summaryKey = "stream/stream.json";
        await().atMost(PATIENCE).until(() -> keys(s3, TRANSCODED, summaryKey).contains(summaryKey));
        var document = s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(summaryKey));
        assertThat(document.response().contentType()).startsWith("application/json");
        JsonNode summary = JSON.readTree(document.asByteArray()).path("summary");
        assertThat(summary.path("kind").asText()).isEqualTo("hls");
        assertThat(summary.path("master").asText()).isEqualTo(MASTER);
        assertThat(summary.path("sourceKey").asText()).isEqualTo("stream.mov");
        List<String> rungs = new ArrayList<>();
        long rungBytes = 0;
        for (JsonNode rung : summary.path("rungs")) {
            rungs.add(rung.path("resolution").asText());
            assertThat(rung.path("width").asInt()).isLessThanOrEqualTo(640); // never above the source
            assertThat(rung.path("bandwidth").asLong()).isPositive();
            assertThat(rung.path("averageBandwidth").asLong()).isPositive()
                    .isLessThanOrEqualTo(rung.path("bandwidth").asLong());
            assertThat(rung.path("codecs").asText()).startsWith("avc1.").endsWith(",mp4a.40.2");
            assertThat(rung.path("segments").asInt()).isPositive();
            assertThat(rung.path("missing").asInt()).isZero();
            assertThat(rung.path("segments").asInt()).isEqualTo(2);
            assertThat(rung.path("durationSeconds").asDouble()).isBetween(7.9, 8.1); // the 8 s clip
            assertThat(rung.path("playlist").asText()).startsWith("stream/hls/").endsWith("/index.m3u");
            rungBytes += rung.path("sizeBytes").asLong();
        }
        assertThat(rungs).hasSize(2).containsExactlyInAnyOrderElementsOf(decoded);
        long packageBytes = parts.stream().mapToLong(k -> s3.headObject(b -> b.bucket(TRANSCODED).key(k))
                .contentLength()).sum() + s3.headObject(b -> b.bucket(TRANSCODED).key(MASTER)).contentLength();
        assertThat(summary.path("sizeBytes").asLong()).isEqualTo(packageBytes).isGreaterThan(rungBytes);
        assertThat(summary.path("objects").asInt()).isEqualTo(parts.size() + 1);
        assertThat(summary.at("/pictures/poster").asText()).isEqualTo("stream/stream-poster.jpg");
        assertThat(summary.at("/pictures/thumbnails")).extracting(JsonNode::asText).startsWith(
                "stream/pictures/stream-thumb-00001.jpg").containsExactlyElementsOf(
                parts.stream().filter(k -> k.contains("-thumb-")).sorted().toList());
        assertThat(summary.path("durationSeconds").asDouble()).isBetween(7.9, 8.1);
        assertThat(summary.at("/pictures/storyboard")).extracting(JsonNode::asText).containsExactly(
                "stream/pictures/stream-storyboard.jpg", "stream/pictures/stream-storyboard.vtt");

        // (c) what stays private answers 403 to anyone: the metadata documents and the mail ledger's marker
        assertThat(anonymousGet(summaryKey)).isEqualTo(403);
        await().atMost(PATIENCE).until(() -> keys(s3, TRANSCODED, "stream/stream-720p.json").size() == 1);
        assertThat(anonymousGet("stream/stream-720p.json")).isEqualTo(403);
        assertThat(anonymousGet(MASTER + ".mailed")).isEqualTo(403);

        // (f) an Elastic Transcoder variant playlist reaches the topic (.m3u8) and every route ignores it: no ACL,
        // no metadata, no mail, no error, no dead letter; each route counts it
        s3.putObject(b -> b.bucket(TRANSCODED).key(ET_VARIANT).contentType("application/vnd.apple.mpegurl"),
                RequestBody.fromString("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n720p00000.ts\n#EXT-X-ENDLIST\n"));
        MeterRegistry meters = app.camel().getRegistry().findSingleByType(MeterRegistry.class);
        await().atMost(PATIENCE).untilAsserted(() -> {
            for (String route : List.of("set-permissions", "extract-metadata", "notify-email")) {
                Counter ignored = meters.find("pipeline.fanout.ignored").tag("route", route).counter();
                assertThat(ignored).as(route).isNotNull();
                assertThat(ignored.count()).as(route).isEqualTo(1.0);
            }
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String queue : FAN_OUT) {
                assertThat(depth(app.sqs(), app.queueUrl(queue))).as(queue).isZero();
                assertThat(depth(app.sqs(), app.queueUrl(queue + "-dlq"))).as(queue + "-dlq").isZero();
            }
        });
        assertThat(anonymousGet(ET_VARIANT)).as("never made public").isEqualTo(403);
        assertThat(keys(s3, TRANSCODED, "etstyle/")).containsExactly(ET_VARIANT);
        assertThat(app.mailServer().receivedMessages()).hasSize(1);

        // (a) the topic carried the three MP4s, the master and the variant put last, and nothing else: no segment,
        // variant .m3u, picture, .json or .mailed (the local cloud notifies in write order, so once the variant
        // has arrived, everything written before it has)
        Set<String> notified = new LinkedHashSet<>();
        await().atMost(PATIENCE).until(() -> {
            for (var m : app.sqs().receiveMessage(b -> b.queueUrl(probeUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages()) {
                app.sqs().deleteMessage(b -> b.queueUrl(probeUrl).receiptHandle(m.receiptHandle()));
                JsonNode event = JSON.readTree(JSON.readTree(m.body()).path("Message").asText());
                event.path("Records").forEach(r -> notified.add(r.at("/s3/object/key").asText()));
            }
            return notified.contains(ET_VARIANT);
        });
        assertThat(notified).containsExactlyInAnyOrder(MP4S.get(0), MP4S.get(1), MP4S.get(2), MASTER, ET_VARIANT);
    }

    private static String publicUrl(String key) {
        return app.config().get("pipeline.aws.endpoint-url") + "/" + TRANSCODED + "/" + key;
    }

    /** GET with no credentials at all, as a browser or a player would. */
    private static int anonymousGet(String key) throws Exception {
        return ANONYMOUS.send(HttpRequest.newBuilder(URI.create(publicUrl(key))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String link(String html, String after) {
        assertThat(html).as("the mail's HTML").contains(after);
        Matcher m = Pattern.compile(Pattern.quote(after) + "([^\"]+)\"").matcher(html);
        assertThat(m.find()).isTrue();
        return m.group(1).replace("&amp;", "&");
    }
}
