package io.videopipeline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.videopipeline.EndToEnd;
import io.videopipeline.FreePorts;
import io.videopipeline.PipelineTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The console outside the local profile: the runner in a profile of its own ("shared": the local profile's file
 * under another name, so the local cloud still runs) with {@code PIPELINE_CONSOLE_TOKEN} in its environment. The
 * API refuses every call without the token (401), the page asks for it, keeps it for the session and then works —
 * its live events included, which it reads with the token in a header, never in a URL.
 */
class ConsoleTokenTest {
    private static final String TOKEN = "console-" + UUID.randomUUID();

    @RegisterExtension
    static final HeadlessChromium BROWSER = new HeadlessChromium();

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static String origin;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startRunnerInANonLocalProfile() throws Exception {
        Path config = work.resolve("config");
        copy(Path.of("config"), config);
        Files.copy(config.resolve("application-local.properties"), config.resolve("application-shared.properties"));
        int port = FreePorts.next();
        origin = "http://127.0.0.1:" + port;
        app = PipelineTestApp.start(work.resolve("app"),
                Map.of("pipeline.console.port", Integer.toString(port), "pipeline.cors.allowed-origins", origin),
                config, "shared", Map.of("PIPELINE_CONSOLE_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void withoutTheTokenTheApiAnswers401() throws Exception {
        for (String path : new String[] {"/api/uploads", "/api/dlq", "/api/events"}) {
            HttpResponse<String> refused = get(path, null);
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            assertThat(refused.body()).as(path).contains("\"error\"").contains("unauthorized");
            assertThat(get(path, "Bearer wrong-" + TOKEN).statusCode()).as(path + " with a wrong token").isEqualTo(401);
        }
        assertThat(get("/api/uploads", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void thePageAsksForTheTokenKeepsItForTheSessionAndThenFollowsJobsLive() throws Exception {
        ConsolePage page = new ConsolePage(BROWSER, origin + "/").open();
        var driver = BROWSER.driver();

        BROWSER.await(Duration.ofSeconds(15)).withMessage(() -> "the token form; " + page.text("#message"))
                .until(d -> d.findElement(By.id("token-form")).isDisplayed());
        assertThat(page.text("#message")).contains("token");
        assertThat(driver.getPageSource()).doesNotContain(TOKEN);
        page.screenshot("6-token-asked");

        driver.findElement(By.id("token")).sendKeys(TOKEN);
        driver.findElement(By.id("token-save")).click();

        BROWSER.await(Duration.ofSeconds(15)).withMessage(() -> "live with the token; " + page.text("#message"))
                .until(d -> !d.findElement(By.id("token-form")).isDisplayed() && "live".equals(page.text("#live"))
                        && !page.text("#page-info").isEmpty());
        assertThat(BROWSER.script("return sessionStorage.getItem('video-pipeline.console.token')")).isEqualTo(TOKEN);

        // a job event reaches the page through the token-bearing stream: an upload's card appears by itself
        String key = "token-test.mov";
        app.s3().putObject(b -> b.bucket(app.config().get("pipeline.buckets.upload")).key(key),
                RequestBody.fromBytes(EndToEnd.garbage(5_000, 3)));
        BROWSER.await(Duration.ofSeconds(60)).withMessage(() -> "a live card; " + page.card(key))
                .until(d -> "failed".equals(page.state(key)));

        // the session keeps it: a reload does not ask again
        page.open();
        BROWSER.await(Duration.ofSeconds(15)).until(d -> page.card(key) != null);
        assertThat(driver.findElement(By.id("token-form")).isDisplayed()).isFalse();
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
