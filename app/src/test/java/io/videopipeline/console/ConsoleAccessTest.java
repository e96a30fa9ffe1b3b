package io.videopipeline.console;

import io.videopipeline.PipelineTestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static io.videopipeline.console.ConsoleClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who gets in, outside the local profile: the console runs only with a token from the environment, and then every API
 * call (the event stream too) needs it; the page's files come from {@code pipeline.console.static-dir} when it is
 * set, and nothing outside that directory does. The runner here is the local cloud's, under a profile named
 * "staging" (the local profile's settings under another name), so the profile rule is what is tested.
 */
class ConsoleAccessTest {

    private static final String TOKEN = "a-token-from-the-environment";

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static Path pageDir;

    @BeforeAll
    static void start() throws Exception {
        pageDir = Files.createDirectories(work.resolve("page"));
        Files.writeString(pageDir.resolve("index.html"), "<!doctype html><title>console from a directory</title>");
        Files.writeString(pageDir.resolve("console.js"), "// replaced without recompiling\\n");
        Files.writeString(work.resolve("secret.css"), "outside the page directory");
        Files.createSymbolicLink(pageDir.resolve("linked.css"), work.resolve("secret.css"));
        app = PipelineTestApp.start(work.resolve("app"), Map.of("pipeline.console.static-dir", pageDir.toString()),
                stagingConfig(), "staging", Map.of("PIPELINE_CONSOLE_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            String prefix = "video-pipeline-console-";
            assertThat(app.sqs().listQueues(b -> b.queueNamePrefix(prefix)).queueUrls()).hasSize(1);
            app.camel().stop();
            // the console's queue on the job event topic goes with it
            assertThat(app.sqs().listQueues(b -> b.queueNamePrefix(prefix)).queueUrls()).isEmpty();
            app.close();
        }
    }

    @Test
    void withATokenEveryApiCallNeedsIt() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(app.consoleUrl());
        for (String path : new String[] {"/api/uploads", "/api/dlq", "/api/uploads/detail?key=a.mp4", "/api/events"}) {
            ConsoleClient.Answer refused = anonymous.get(path);
            assertThat(refused.status()).as(path).isEqualTo(401);
            assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized");
        }
        assertThat(anonymous.post("/api/uploads", JSON.createObjectNode().put("key", "a.mp4").put("size", 1)).status())
                .isEqualTo(401);
        assertThat(anonymous.delete("/api/uploads?key=a.mp4").status()).isEqualTo(401);
        assertThat(anonymous.withToken("a-token-from-the-environmenT").get("/api/uploads").status()).isEqualTo(401);
        assertThat(anonymous.withToken(TOKEN + "x").get("/api/uploads").status()).isEqualTo(401);

        ConsoleClient.Answer allowed = anonymous.withToken(TOKEN).get("/api/uploads");
        assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);
        assertThat(allowed.json().get("total").asInt()).isZero();
        // the stream too, with the token (the page reads it with fetch(), which can send the header)
        HttpResponse<Stream<String>> events = anonymous.http().sendAsync(anonymous.withToken(TOKEN).request("/api/events")
                .GET().build(), HttpResponse.BodyHandlers.ofLines()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        events.body().close();
    }

    @Test
    void thePageComesFromTheStaticDirAndNothingOutsideIt() throws Exception {
        assertThat(page("/").body()).contains("console from a directory");
        HttpResponse<String> index = page("/index.html");
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page("/console.js").body()).contains("replaced without recompiling");
        for (String path : new String[] {"/../secret.css", "/%2e%2e/secret.css", "/linked.css", "/.hidden.js",
                "/console.js/", "/nothing.html", "/app/data"}) {
            HttpResponse<String> refused = page(path);
            assertThat(refused.statusCode()).as(path).isEqualTo(404);
            assertThat(refused.body()).doesNotContain("outside the page directory");
        }
    }

    @Test
    void withoutATokenTheConsoleIsOffOutsideTheLocalProfile() throws Exception {
        try (PipelineTestApp off = PipelineTestApp.start(work.resolve("off"), Map.of(), stagingConfig(), "staging",
                Map.of())) {
            assertThat(off.camel().getRegistry().lookupByName("consoleApi")).isNull();
            assertThat(off.camel().getRoutes()).noneMatch(r -> r.getRouteId().startsWith("console-api"));
            assertThat(off.camel().hasService(org.apache.camel.component.platform.http.main.MainHttpServer.class))
                    .isNull();
        }
    }

    private static HttpResponse<String> page(String path) throws Exception {
        return new ConsoleClient(app.consoleUrl()).http().send(HttpRequest.newBuilder(URI.create(app.consoleUrl() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** config/ copied, with the local profile's file as application-staging.properties. */
    private static Path stagingConfig() throws Exception {
        Path dir = work.resolve("config");
        if (Files.exists(dir)) {
            return dir;
        }
        Path source = Path.of("config");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        Files.copy(source.resolve("application-local.properties"), dir.resolve("application-staging.properties"));
        return dir;
    }
}
