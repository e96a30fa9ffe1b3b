package io.videopipeline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.videopipeline.config.ConfigurationError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.transcode.FfmpegTranscoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wiring the shipped configuration (profile aws) into a Camel context that is not started: building the beans has
 * no side effect, a setting to fix is a {@link ConfigurationError} naming it, and a bug stays a bug. The AWS endpoint
 * is a local HTTP server that records every request and answers 500 to all of them, so nothing reaches AWS.
 */
class PipelineBeansTest {

    @TempDir
    Path work;

    private HttpServer endpoint;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void startEndpoint() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
        endpoint.stop(0);
    }

    @Test
    void wiringStartsNothingAndTheStaleUploadSweepRunsOnceTheContextHasStarted() throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            new PipelineBeans(config(Map.of()), resources).configure(camel);

            assertThat(camel.getRegistry().lookupByName("transcoder")).isInstanceOf(FfmpegTranscoder.class);
            assertThat(requests).as("requests while wiring").isEmpty();
            assertThat(sweepThreads()).as("threads while wiring").isEmpty();

            camel.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> requests.stream()
                    .anyMatch(r -> r.startsWith("GET /video-transcoded?uploads")));
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "pipeline.transcode.output-key-pattern | {nope}.mp4       | property 'pipeline.transcode.output-key-pattern'",
            "pipeline.presets.file                 | missing.yaml     | (set pipeline.presets.file)",
            "pipeline.presets                      | web-9000p        | property 'pipeline.presets': no preset named 'web-9000p'",
            "pipeline.mail.templates-dir           | no-templates     | property 'pipeline.mail.templates-dir'",
            "pipeline.ffmpeg.path                  | /nonexistent/ffmpeg | transcoder 'ffmpeg': ffmpeg not found at '/nonexistent/ffmpeg'",
            "pipeline.transcoder                   | failing          | property 'pipeline.failing.required' is not set",
            "pipeline.jobs.effects-gather-ms       | -1               | property 'pipeline.jobs.effects-gather-ms': the effects' gathering window must not be negative",
            "pipeline.jobs.effects-gather-ms       | soon             | property 'pipeline.jobs.effects-gather-ms'",
    })
    void aSettingToFixIsAConfigurationErrorNamingIt(String key, String value, String message) throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            PipelineBeans beans = new PipelineBeans(config(Map.of(key, value)), resources);

            assertThatThrownBy(() -> beans.configure(camel)).isInstanceOf(ConfigurationError.class)
                    .hasMessageContaining(message);
        }
    }

    @Test
    void aBackendsSettingOfTheWrongShapeIsAConfigurationError() throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            PipelineBeans beans = new PipelineBeans(config(Map.of("pipeline.transcoder", "elastictranscoder",
                    "pipeline.elastictranscoder.pipeline-id", "my-pipeline")), resources);

            assertThatThrownBy(() -> beans.configure(camel)).isInstanceOf(ConfigurationError.class)
                    .hasMessageStartingWith("transcoder 'elastictranscoder': pipeline.elastictranscoder.pipeline-id"
                            + " 'my-pipeline' is not an Elastic Transcoder pipeline id");
        }
    }

    @Test
    void aBugWhileWiringStaysABug() throws IOException {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            PipelineBeans beans = new PipelineBeans(config(Map.of("pipeline.transcoder", "failing",
                    "pipeline.failing.required", "set")), resources);

            assertThatThrownBy(() -> beans.configure(camel)).isExactlyInstanceOf(IllegalStateException.class)
                    .hasMessage(FailingTranscoderProvider.BUG);
        }
    }

    private PipelineConfig config(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("pipeline.aws.endpoint-url", "http://127.0.0.1:" + endpoint.getAddress().getPort());
        settings.put("pipeline.aws.force-path-style", "true");
        settings.put("pipeline.aws.access-key", "test");
        settings.put("pipeline.aws.secret-key", "test");
        settings.put("pipeline.ffmpeg.work-dir", work.resolve("work").toString());
        settings.putAll(overrides);
        return PipelineConfig.load(Path.of("config"), "aws", Map.of(), settings);
    }

    private static List<String> sweepThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.contains("stale-upload-sweep")).toList();
    }
}
