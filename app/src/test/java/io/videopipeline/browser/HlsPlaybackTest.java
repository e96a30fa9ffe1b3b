package io.videopipeline.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.videopipeline.EndToEnd;
import io.videopipeline.PipelineTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * The HLS package plays in a real browser: the whole pipeline (profile local, streaming on) transcodes an upload,
 * provisioning has put the CORS rule on the transcoded bucket for the page's origin, and headless Chromium plays the
 * master playlist by its public URL from a page of another origin — so the public-read ACL, anonymous GETs and
 * CORS of the local cloud all take part. Two controls show the check can fail: a page from an origin the rule does
 * not allow, and the master made private, do not play.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HlsPlaybackTest {
    private static final String NAME = "play";
    private static final String MASTER = NAME + "/" + NAME + ".m3u8";
    /** Long enough to play past 2 s; short, as the encode is most of the test's time. */
    private static final int SECONDS = 5;
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @RegisterExtension
    static final HeadlessChromium BROWSER = new HeadlessChromium();

    @TempDir
    static Path work;
    private static PageServer allowed;
    private static PageServer other;
    private static PipelineTestApp app;
    private static URI master;
    /** The widths of the master's variants. */
    private static List<Integer> rungWidths;

    @BeforeAll
    static void transcodeAndPublish() throws Exception {
        allowed = PageServer.start();
        other = PageServer.start();
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.hls.enabled", "true",
                "pipeline.cors.allowed-origins", allowed.origin()));
        S3Client s3 = app.s3();
        String transcoded = app.config().get("pipeline.buckets.transcoded");
        // 4:3 at 640x480: two rungs with the shipped ladder, 640x480 (the MP4s' encode, packaged again) and 480x360
        EndToEnd.upload(s3, app.config().get("pipeline.buckets.upload"), NAME + ".mov", clip("640x480"));
        // set-permissions opens the whole package from the master's event (the master itself last): once an
        // anonymous GET of the master succeeds, everything the player fetches is readable by URL
        master = URI.create(app.config().get("pipeline.aws.endpoint-url") + "/" + transcoded + "/" + MASTER);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).until(() -> http.send(HttpRequest.newBuilder(master).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(master).build(),
                HttpResponse.BodyHandlers.ofString());
        rungWidths = Pattern.compile("#EXT-X-STREAM-INF:.*RESOLUTION=(\\d+)x").matcher(anonymous.body()).results()
                .map(m -> Integer.parseInt(m.group(1))).toList();
        assertThat(rungWidths).as("variants in\n%s", anonymous.body()).hasSizeGreaterThanOrEqualTo(2);
    }

    @AfterAll
    static void stop() throws Exception {
        try (PipelineTestApp a = app; PageServer p = allowed; PageServer o = other) {
            // closed in reverse order
        }
    }

    /** Each test fetches afresh: a cached playlist or segment must not stand in for the local cloud's answer. */
    @BeforeEach
    void emptyCache() {
        BROWSER.clearCache();
    }

    @Test
    @Order(1)
    void theMasterPlaysFromAPageOfAnAllowedOrigin() {
        BROWSER.driver().get(player(allowed).toString());

        Map<String, Object> state = BROWSER.await(PATIENCE)
                .withMessage(() -> "the video playing past 2 s; " + report())
                .until(d -> {
                    Map<String, Object> now = video();
                    if (now.get("error") != null) {
                        throw new AssertionError("media error: state " + now + ", console " + BROWSER.console());
                    }
                    return readyState(now) >= 3 && ((Number) now.get("currentTime")).doubleValue() > 2 ? now : null;
                });

        assertThat(state.get("src")).isEqualTo(master.toString());
        // any rung: which one the player starts with, and whether it switches, is its own business
        assertThat(((Number) state.get("videoWidth")).intValue()).as("a rung's width, state %s", state)
                .isIn(rungWidths);
    }

    @Test
    @Order(2)
    void aPageOfAnOriginTheCorsRuleDoesNotListCannotPlayIt() {
        assertDoesNotPlay(other);
    }

    @Test
    @Order(3)
    void aPrivateMasterDoesNotPlay() {
        S3Client s3 = app.s3();
        String transcoded = app.config().get("pipeline.buckets.transcoded");
        // set-permissions has handled every event (else it could make the master public again during the test)
        String acl = app.queueUrl(app.config().get("pipeline.queues.acl"));
        await().atMost(Duration.ofSeconds(30)).until(() -> EndToEnd.depth(app.sqs(), acl) == 0);
        s3.putObjectAcl(b -> b.bucket(transcoded).key(MASTER).acl(ObjectCannedACL.PRIVATE));
        try {
            assertDoesNotPlay(allowed);
        } finally {
            s3.putObjectAcl(b -> b.bucket(transcoded).key(MASTER).acl(ObjectCannedACL.PUBLIC_READ));
        }
    }

    /** The video reports an error and never had enough data to play. */
    private static void assertDoesNotPlay(PageServer pages) {
        BROWSER.driver().get(player(pages).toString());

        Map<String, Object> state = BROWSER.await(PATIENCE)
                .withMessage(() -> "the video failing; " + report())
                .until(d -> {
                    Map<String, Object> now = video();
                    return now.get("error") != null || readyState(now) >= 3 ? now : null;
                });

        assertThat(state.get("error")).as("state %s, console %s", state, BROWSER.console()).isNotNull();
        assertThat(readyState(state)).as("readyState, state %s", state).isLessThan(3);
    }

    /** An {@value #SECONDS} s test pattern with a tone, H.264/AAC. */
    private static Path clip(String size) throws Exception {
        Path clip = work.resolve("clip.mov");
        Path log = work.resolve("ffmpeg.log");
        Process ffmpeg = new ProcessBuilder(EndToEnd.FFMPEG, "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=30:d=" + SECONDS,
                "-f", "lavfi", "-i", "sine=f=440:d=" + SECONDS,
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
                clip.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
        assertThat(ffmpeg.exitValue()).as("ffmpeg: %s", Files.readString(log)).isZero();
        return clip;
    }

    private static URI player(PageServer pages) {
        return pages.page("/player.html", """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>player</title><link rel="icon" href="data:,"></head>
                <body><video id="video" crossorigin="anonymous" src="%s" muted autoplay playsinline></video></body>
                </html>
                """.formatted(master));
    }

    private static int readyState(Map<String, Object> video) {
        return ((Number) video.get("readyState")).intValue();
    }

    private static String report() {
        return "state " + video() + ", console " + BROWSER.console();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> video() {
        return (Map<String, Object>) BROWSER.script("""
                const v = document.getElementById('video');
                return {src: v.currentSrc, readyState: v.readyState, networkState: v.networkState, currentTime: v.currentTime,
                        videoWidth: v.videoWidth, error: v.error && (v.error.code + ' ' + v.error.message)};
                """);
    }
}
