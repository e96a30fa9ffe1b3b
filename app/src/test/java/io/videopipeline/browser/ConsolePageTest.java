package io.videopipeline.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.videopipeline.EndToEnd;
import io.videopipeline.FreePorts;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The web console in a real browser against the real runner (profile local, ffmpeg backend, streaming on, the
 * console on a free port and the buckets' CORS rules for its origin): a clip uploaded through the page's file input
 * in parallel parts is followed live to "ready" and plays; a corrupt upload shows why it failed and "retry" sends it
 * through the pipeline again; hostile keys are shown as the text they are. Screenshots go to
 * {@code target/console-screenshots/}; the time the page adds between the job record's "finished" and "ready" on
 * screen is measured and written to {@code target/console-screenshots/measurements.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePageTest {
    private static final String CLIP = "console-clip.mov";
    /** Long enough for the card to be seen transcoding with a percent (progress is written every second here). */
    private static final int CLIP_SECONDS = 20;
    /** What the page may add to the record's "finished" before "ready" is on screen (issue 18's goal). */
    private static final Duration PAGE_ADDS_AT_MOST = Duration.ofSeconds(2);

    @RegisterExtension
    static final HeadlessChromium BROWSER = new HeadlessChromium();

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static ConsolePage page;
    private static String origin;
    private static JobRecordStore records;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startRunnerWithConsole() throws Exception {
        int port = FreePorts.next();
        origin = "http://127.0.0.1:" + port;
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.console.enabled", "true",
                "pipeline.console.host", "127.0.0.1",
                "pipeline.console.port", Integer.toString(port),
                "pipeline.console.part-size-mib", "5",
                "pipeline.cors.allowed-origins", origin,
                "pipeline.jobs.progress-interval-seconds", "1"));
        records = new JobRecordStore(app.s3(), transcoded(),
                new JobRecordKeys(app.config().get("pipeline.jobs.record-key-pattern")));
        page = new ConsolePage(BROWSER, origin + "/").open();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void aClipUploadedThroughThePageIsFollowedLiveToReadyAndPlays() throws Exception {
        Path clip = clip(CLIP, "1280x720", CLIP_SECONDS);
        long size = Files.size(clip);
        assertThat(size).as("several 5 MiB parts").isGreaterThan(3 * 5L * 1024 * 1024);
        page.open();
        BROWSER.await(Duration.ofSeconds(10)).until(d -> "live".equals(page.text("#live")));

        page.upload(clip, "");

        BROWSER.await(Duration.ofSeconds(60)).withMessage(() -> "upload done; " + page.text("#upload-status")
                + " / " + page.text("#message")).until(d -> page.timings().get("completeAnswered") != null);
        List<Double> progress = page.progressValues().stream().map(Number::doubleValue).toList();
        assertThat(progress).as("the bar moved through the upload").anyMatch(v -> v > 0 && v < 1);
        assertThat(progress).as("never backwards but for a retried part").isNotEmpty();
        assertThat(progress.get(progress.size() - 1)).isEqualTo(1.0);
        assertThat(app.s3().headObject(b -> b.bucket(upload()).key(CLIP)).contentLength()).isEqualTo(size);
        page.screenshot("1-uploaded");

        BROWSER.await(Duration.ofSeconds(120)).withMessage(() -> "transcoding with a percent; " + page.card(CLIP))
                .until(d -> {
                    Map<String, Object> card = page.card(CLIP);
                    return card != null && "transcoding".equals(card.get("state"))
                            && ((String) card.get("percent")).matches("\\d+%");
                });
        page.screenshot("2-transcoding");
        BROWSER.await(Duration.ofSeconds(240)).withMessage(() -> "ready; " + page.card(CLIP))
                .until(d -> "ready".equals(page.state(CLIP)));

        List<Map<String, Object>> shown = page.cardHistory(CLIP);
        List<Object> states = shown.stream().map(e -> e.get("state")).distinct().toList();
        assertThat(states).as("what the card showed: %s", shown).containsSubsequence("transcoding", "ready");
        assertThat(shown.stream().filter(e -> "transcoding".equals(e.get("state"))).map(e -> e.get("percent"))
                .distinct().filter(p -> !"".equals(p)).count()).as("percents shown: %s", shown).isGreaterThan(1);
        measureWhatThePageAdds(shown);

        // the fan-out has opened the package (the master is the last object made public) and summarised it
        awaitPublic(CLIP.replace(".mov", "") + "/" + CLIP.replace(".mov", ".m3u8"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !app.s3().listObjectsV2(b -> b.bucket(transcoded())
                .prefix(CLIP.replace(".mov", "") + "/" + CLIP.replace(".mov", ".json"))).contents().isEmpty());
        page.click(CLIP, ".watch");
        Map<String, Object> playing = BROWSER.await(Duration.ofSeconds(30))
                .withMessage(() -> "playing past 1.5 s; " + page.player() + " " + BROWSER.console())
                .until(d -> {
                    Map<String, Object> p = page.player();
                    return p.get("error") == null && ((Number) p.get("readyState")).intValue() >= 3
                            && ((Number) p.get("currentTime")).doubleValue() > 1.5 ? p : null;
                });
        // Chromium plays HLS natively: the page picks the master, not an MP4
        assertThat((String) playing.get("src")).endsWith("/console-clip/console-clip.m3u8");
        assertThat((String) playing.get("poster")).endsWith("console-clip-poster.jpg");
        var driver = BROWSER.driver();
        Select rendition = new Select(driver.findElement(By.id("rendition")));
        assertThat(rendition.getOptions()).hasSize(4); // adaptive + the three MP4s
        List<String> downloads = driver.findElements(By.cssSelector("#downloads a")).stream()
                .map(a -> a.getAttribute("href")).toList();
        assertThat(downloads).hasSize(3).allMatch(u -> u.contains("X-Amz-Signature="));
        // presigned for GET (the method is signed): its first bytes
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(downloads.get(0))).header("Range", "bytes=0-99")
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).as("a presigned download")
                .isEqualTo(206);
        assertThat(page.text("#summary")).contains("rung ").contains("duration0:20");
        // the storyboard as scrub preview: a tile of the sprite for the time under the pointer
        BROWSER.await(Duration.ofSeconds(10)).withMessage(() -> "the storyboard's scrub bar; " + BROWSER.console())
                .until(d -> Boolean.FALSE.equals(BROWSER.script("return document.getElementById('scrub').hidden")));
        Object tile = BROWSER.script("""
                const bar = document.getElementById('scrub-bar');
                bar.value = '12';
                bar.dispatchEvent(new Event('input'));
                const p = document.getElementById('scrub-preview');
                return p.hidden ? null : p.style.backgroundImage + ' ' + p.style.backgroundPosition;
                """);
        assertThat((String) tile).contains("console-clip-storyboard.jpg");
        page.show("#watch");
        page.screenshot("3-watch");

        // another rendition: an MP4, from where the player was
        rendition.selectByIndex(2);
        BROWSER.await(Duration.ofSeconds(20)).withMessage(() -> "MP4 playing; " + page.player())
                .until(d -> {
                    Map<String, Object> p = page.player();
                    return ((String) p.get("src")).contains(".mp4?") && ((Number) p.get("readyState")).intValue() >= 3
                            && !(Boolean) p.get("paused");
                });
    }

    /** "ready" on screen against the record's own "finished"; the page's complete call against its "started". */
    private static void measureWhatThePageAdds(List<Map<String, Object>> shown) throws IOException {
        JobRecord record = records.read(CLIP).orElseThrow();
        Instant finished = Instant.parse(record.finished());
        Instant started = Instant.parse(record.started());
        long readyShown = shown.stream().filter(e -> "ready".equals(e.get("state"))).findFirst()
                .map(e -> ((Number) e.get("at")).longValue()).orElseThrow();
        Map<String, Object> timings = page.timings();
        long completeAnswered = ((Number) timings.get("completeAnswered")).longValue();
        long pageAdds = readyShown - finished.toEpochMilli();
        String report = String.join("\n",
                "console measurements (" + Instant.now() + ", " + CLIP_SECONDS + " s 1280x720 clip)",
                "upload through the page: " + timings.get("uploadBytes") + " bytes in " + timings.get("uploadSeconds")
                        + " s",
                "complete answered -> record started (Submitted): " + (started.toEpochMilli() - completeAnswered) + " ms",
                "record started -> record finished: " + Duration.between(started, finished).toMillis() + " ms",
                "record finished -> ready shown in the page: " + pageAdds + " ms",
                "complete answered -> ready shown: " + (readyShown - completeAnswered) + " ms", "");
        System.out.print(report);
        Files.createDirectories(ConsolePage.SCREENSHOTS);
        Files.writeString(ConsolePage.SCREENSHOTS.resolve("measurements.txt"), report);
        assertThat(pageAdds).as(report).isGreaterThanOrEqualTo(0).isLessThan(PAGE_ADDS_AT_MOST.toMillis());
    }

    @Test
    @Order(2)
    void aCorruptUploadShowsWhyAndRetrySendsItThroughThePipelineAgain() throws Exception {
        String key = "broken.mov";
        Path broken = work.resolve(key);
        Files.write(broken, EndToEnd.garbage(300_000, 18));
        page.open();

        page.upload(broken, "");

        BROWSER.await(Duration.ofSeconds(90)).withMessage(() -> "failed; " + page.card(key))
                .until(d -> "failed".equals(page.state(key)));
        Map<String, Object> card = page.card(key);
        JobRecord failed = records.read(key).orElseThrow();
        assertThat(failed.reason()).isNotBlank();
        assertThat(card.get("reason")).isEqualTo(failed.reason());
        assertThat(card.get("retryShown")).isEqualTo(true);
        String dlq = failed.parkedIn();
        assertThat(dlq).isNotBlank();
        BROWSER.await(Duration.ofSeconds(40)).withMessage(() -> "DLQ count; " + page.text("#dlq"))
                .until(d -> deadLetters(dlq) == 1);
        page.screenshot("4-failed");
        int before = page.cardHistory(key).size();

        page.click(key, ".retry");

        // the record went back to Submitted ("uploaded"), then the pipeline failed it again, for the same reason
        BROWSER.await(Duration.ofSeconds(90)).withMessage(() -> "uploaded, then failed again; " + page.cardHistory(key))
                .until(d -> {
                    List<Object> after = page.cardHistory(key).stream().skip(before).map(e -> e.get("state")).toList();
                    int redriven = after.indexOf("uploaded");
                    return redriven >= 0 && after.subList(redriven, after.size()).contains("failed");
                });
        assertThat(page.card(key).get("reason")).isEqualTo(records.read(key).orElseThrow().reason());
        assertThat(page.alerts()).isEmpty();
        BROWSER.await(Duration.ofSeconds(40)).until(d -> deadLetters(dlq) == 1);

        // the whole console as it looks now, one upload ready and playing, one failed (docs/console.png is one)
        page.click(CLIP, ".watch");
        BROWSER.await(Duration.ofSeconds(30)).withMessage(() -> "playing; " + page.player())
                .until(d -> ((Number) page.player().get("currentTime")).doubleValue() > 2);
        page.fullPageScreenshot("0-console");
    }

    /** Keys people should never see as markup: script, quotes and an event handler, bidi override, 1,000 bytes. */
    static List<String> hostileKeys() {
        return List.of(
                "<script>alert(1)</script>.mov",
                "\"quoted' & <img src=x onerror=alert(2)>.mov",
                "invoice \u202Egnp.exe.mov", // reads "invoice vom.exe.png"
                "k".repeat(994) + "/x.mov");
    }

    @Test
    @Order(3)
    void hostileKeysAreShownAsTheTextTheyAre() throws Exception {
        Path broken = work.resolve("hostile.mov");
        Files.write(broken, EndToEnd.garbage(10_000, 7));
        page.open();
        for (String key : hostileKeys()) {
            page.upload(broken, key);
            BROWSER.await(Duration.ofSeconds(30)).withMessage(() -> "uploaded as " + key + "; " + page.text("#message"))
                    .until(d -> key.equals(page.timings().get("completedKey")));
        }
        for (String key : hostileKeys()) {
            BROWSER.await(Duration.ofSeconds(90)).withMessage(() -> "failed card for " + key)
                    .until(d -> "failed".equals(page.state(key)));
            assertThat(page.card(key).get("key")).isEqualTo(key);
            assertThat((String) page.card(key).get("warning")).as("a warning for direction controls only")
                    .matches(key.contains("\u202E") ? ".*direction control.*" : "");
            assertThat(app.s3().headObject(b -> b.bucket(upload()).key(key)).contentLength()).isEqualTo(10_000);
        }
        assertThat(page.alerts()).as("alerts run").isEmpty();
        assertThat(BROWSER.script("return document.querySelectorAll('#library img, #library script').length"))
                .isEqualTo(0L);
        assertThat(BROWSER.script("return document.scripts.length")).isEqualTo(1L);
        page.show("#library");
        page.screenshot("5-hostile-keys");

        // delete asks first, then removes the upload and what was made from it
        String doomed = hostileKeys().get(2);
        page.click(doomed, ".delete");
        Alert confirm = BROWSER.await(Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        assertThat(confirm.getText()).contains(doomed);
        confirm.accept();
        BROWSER.await(Duration.ofSeconds(20)).until(d -> page.card(doomed) == null);
        assertThat(app.s3().listObjectsV2(b -> b.bucket(upload()).prefix(doomed)).contents()).isEmpty();
        assertThat(records.read(doomed)).isEmpty();
    }

    @Test
    @Order(4)
    void theListFiltersByStateAndSearchesByKey() {
        page.open();
        BROWSER.await(Duration.ofSeconds(20)).until(d -> page.card(CLIP) != null);
        new Select(BROWSER.driver().findElement(By.id("state-filter"))).selectByValue("ready");
        BROWSER.await(Duration.ofSeconds(10)).until(d -> keysShown().equals(List.of(CLIP)));
        new Select(BROWSER.driver().findElement(By.id("state-filter"))).selectByValue("failed");
        BROWSER.await(Duration.ofSeconds(10)).until(d -> keysShown().contains("broken.mov")
                && !keysShown().contains(CLIP));
        BROWSER.driver().findElement(By.id("search")).sendKeys("script>");
        BROWSER.await(Duration.ofSeconds(10)).until(d -> keysShown().equals(List.of(hostileKeys().get(0))));
    }

    @Test
    @Order(5)
    void theListPages() {
        page.open("?size=2");
        var driver = BROWSER.driver();
        BROWSER.await(Duration.ofSeconds(20)).until(d -> keysShown().size() == 2);
        List<String> first = keysShown();
        // a clip, a corrupt upload and four hostile keys less the deleted one: three pages of two
        assertThat(page.text("#page-info")).startsWith("page 1 of 3");
        assertThat(driver.findElement(By.id("page-prev")).isEnabled()).isFalse();

        driver.findElement(By.id("page-next")).click();
        BROWSER.await(Duration.ofSeconds(10)).until(d -> page.text("#page-info").startsWith("page 2 of 3"));
        List<String> second = keysShown();
        assertThat(second).hasSize(2).doesNotContainAnyElementsOf(first);
        driver.findElement(By.id("page-next")).click();
        BROWSER.await(Duration.ofSeconds(10)).until(d -> page.text("#page-info").startsWith("page 3 of 3"));
        assertThat(driver.findElement(By.id("page-next")).isEnabled()).isFalse();
        assertThat(keysShown()).hasSize(1).doesNotContainAnyElementsOf(first).doesNotContainAnyElementsOf(second);

        // one page at a time, as a person clicks: a second click while the page is still loading can miss
        driver.findElement(By.id("page-prev")).click();
        BROWSER.await(Duration.ofSeconds(10)).until(d -> page.text("#page-info").startsWith("page 2 of 3"));
        driver.findElement(By.id("page-prev")).click();
        BROWSER.await(Duration.ofSeconds(10)).until(d -> keysShown().equals(first));
    }

    @Test
    @Order(6)
    void cancelStopsTheUploadAndAbortsIt() throws Exception {
        String key = "cancelled.mov";
        page.open();
        var driver = BROWSER.driver();
        // the browser's own throttle (DevTools network emulation), so the upload is still under way when cancelled
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", 2_000_000));
        try {
            page.upload(work.resolve(CLIP), key);
            BROWSER.await(Duration.ofSeconds(30)).withMessage(() -> "under way; " + page.text("#upload-status"))
                    .until(d -> page.progressValues().stream().anyMatch(v -> v.doubleValue() > 0));
            driver.findElement(By.id("upload-cancel")).click();
            BROWSER.await(Duration.ofSeconds(20)).withMessage(() -> "cancelled; " + page.text("#upload-status")
                    + " " + page.text("#message")).until(d -> "cancelled".equals(page.text("#upload-status")));
        } finally {
            driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                    "downloadThroughput", -1, "uploadThroughput", -1));
        }
        assertThat(page.timings().get("completedKey")).isNull();
        assertThat(app.s3().listObjectsV2(b -> b.bucket(upload()).prefix(key)).contents()).isEmpty();
        assertThat(app.s3().listMultipartUploads(b -> b.bucket(upload()).prefix(key)).uploads())
                .as("the multipart upload aborted").isEmpty();
    }

    @Test
    @Order(7)
    void aPartThatFailsIsSentAgainAndTheUploadCompletesWhole() throws Exception {
        String key = "interrupted.mov";
        Path file = work.resolve(CLIP);
        page.open();
        var driver = BROWSER.driver();
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", 4_000_000));
        try {
            page.upload(file, key);
            BROWSER.await(Duration.ofSeconds(30)).withMessage(() -> "under way; " + page.text("#upload-status"))
                    .until(d -> page.progressValues().stream().anyMatch(v -> v.doubleValue() > 0));
            // the network drops: the parts in flight fail, and the page says it tries them again
            driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true, "latency", 0,
                    "downloadThroughput", -1, "uploadThroughput", -1));
            BROWSER.await(Duration.ofSeconds(20)).withMessage(() -> "a retry; " + page.statuses())
                    .until(d -> page.statuses().stream().anyMatch(t -> t.contains("trying again")));
        } finally {
            driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                    "downloadThroughput", -1, "uploadThroughput", -1));
        }

        BROWSER.await(Duration.ofSeconds(60)).withMessage(() -> "completed; " + page.text("#upload-status") + " "
                + page.text("#message")).until(d -> key.equals(page.timings().get("completedKey")));
        assertThat(app.s3().getObjectAsBytes(b -> b.bucket(upload()).key(key)).asByteArray())
                .as("the object, byte for byte").isEqualTo(Files.readAllBytes(file));
    }

    @SuppressWarnings("unchecked")
    private static List<String> keysShown() {
        return new ArrayList<>((List<String>) BROWSER.script(
                "return [...document.querySelectorAll('#library li.job')].map(e => e.getAttribute('data-key'))"));
    }

    /** The DLQ count the page shows for a dead-letter queue (its URL or name; listed by its source queue), or -1. */
    private static int deadLetters(String dlq) {
        String name = dlq.substring(dlq.lastIndexOf('/') + 1).replaceFirst("-dlq$", "");
        Object n = BROWSER.script("""
                const li = [...document.querySelectorAll('#dlq li')].find(e => e.getAttribute('data-queue') === arguments[0]);
                return li ? Number(li.querySelector('.count').textContent) : -1;
                """, name);
        return ((Number) n).intValue();
    }

    /** Waits until set-permissions has opened the package: an anonymous GET of the master succeeds. */
    @Test
    @Order(8)
    void aDamagedButDecodableUploadIsReadyWithItsWarningShown() throws Exception {
        String key = "damaged.ts";
        app.s3().putObject(b -> b.bucket("video-upload").key(key), RequestBody.fromBytes(EndToEnd.damagedTs(work)));
        page.open();

        BROWSER.await(Duration.ofSeconds(120)).withMessage(() -> "ready; " + page.card(key))
                .until(d -> "ready".equals(page.state(key)));
        JobRecord record = records.read(key).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.WARNING);
        BROWSER.await(Duration.ofSeconds(10)).withMessage(() -> "the warning; " + page.card(key))
                .until(d -> ("warning: " + record.reason()).equals(page.card(key).get("reason")));
        assertThat(page.card(key).get("retryShown")).isEqualTo(false);
    }

    private static void awaitPublic(String key) {
        URI url = URI.create(app.config().get("pipeline.aws.endpoint-url") + "/" + transcoded() + "/"
                + key.replace(" ", "%20"));
        await().atMost(Duration.ofSeconds(60)).until(() -> HTTP.send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** A test pattern with a tone at a high bit rate: a file of several parts that still encodes quickly. */
    private static Path clip(String name, String size, int seconds) throws Exception {
        Path clip = work.resolve(name);
        Path log = work.resolve("ffmpeg.log");
        Process ffmpeg = new ProcessBuilder(EndToEnd.FFMPEG, "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=30:d=" + seconds,
                "-f", "lavfi", "-i", "sine=f=440:d=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "12M", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-shortest", clip.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
        assertThat(ffmpeg.exitValue()).as("ffmpeg: %s", Files.readString(log, StandardCharsets.UTF_8)).isZero();
        return clip;
    }

    private static String upload() {
        return app.config().get("pipeline.buckets.upload");
    }

    private static String transcoded() {
        return app.config().get("pipeline.buckets.transcoded");
    }
}
