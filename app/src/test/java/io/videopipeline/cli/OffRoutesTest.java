package io.videopipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineTestApp;
import io.videopipeline.config.PipelineConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature that is off has no route: its file is not loaded, so it is neither built nor started (issue 20, start-up),
 * and live reload does not bring it back when the file is saved. A feature that is on has its route, started.
 */
class OffRoutesTest {

    @TempDir
    Path work;

    @Test
    void theRoutesOfFeaturesThatAreOffAreNotThere() throws Exception {
        // the test settings turn the inbox off; job events are off by default
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of())) {
            CamelContext camel = app.camel();
            assertThat(camel.getRoute("inbox-upload")).isNull();
            assertThat(camel.getRoute("report-job-state")).isNull();
            assertThat(camel.getRoutes()).as("nothing of theirs, not even a kamelet's consumer route")
                    .noneMatch(r -> String.valueOf(r.getSourceLocation()).contains("inbox-upload.yaml")
                            || String.valueOf(r.getSourceLocation()).contains("report-job-state.yaml"));
            assertThat(camel.getRouteController().getRouteStatus("set-permissions")).isEqualTo(ServiceStatus.Started);
        }
    }

    @Test
    void theRoutesOfFeaturesThatAreOnAreThereAndStarted() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of("pipeline.inbox.enabled", "true",
                "pipeline.inbox.dir", work.resolve("inbox").toString(), "pipeline.job-events.enabled", "true"))) {
            assertThat(app.camel().getRouteController().getRouteStatus("inbox-upload")).isEqualTo(ServiceStatus.Started);
            assertThat(app.camel().getRouteController().getRouteStatus("report-job-state"))
                    .isEqualTo(ServiceStatus.Started);
        }
    }

    @Test
    void theSummarySaysWhichFeaturesAreOffAndWhy() {
        PipelineConfig config = PipelineConfig.load(Path.of("config"), "aws", Map.of(),
                Map.of("pipeline.job-events.enabled", "true"));
        OffRoutes off = OffRoutes.of(config, false, work);
        assertThat(off.describe()).isEqualTo("console-api (web console off), inbox-upload (pipeline.inbox.enabled=false)");
        assertThat(off.excludePattern()).isEqualTo("file:" + work.resolve("console-api.yaml") + ",file:"
                + work.resolve("inbox-upload.yaml"));
        assertThat(OffRoutes.of(config.withOverrides(Map.of("pipeline.inbox.enabled", "true")), true, work).describe())
                .isEmpty();
    }

    @Test
    void liveReloadDoesNotBringAnOffRouteBack() throws Exception {
        Path routes = copyOfTheRoutes();
        Map<String, String> settings = PipelineTestApp.testSettings(work);
        settings.put("pipeline.routes.live-reload", "true");
        PipelineConfig config = PipelineConfig.load(Path.of("config"), "local", Map.of(), settings);
        PipelineRunner runner = new PipelineRunner(config, routes);
        try {
            runner.prepare();
            Main main = runner.createMain(System.nanoTime());
            main.start();
            try {
                CamelContext camel = main.getCamelContext();
                RouteWatcherReloadStrategy reload = camel.hasService(RouteWatcherReloadStrategy.class);
                assertThat(reload.getFileFilter().accept(routes.resolve("inbox-upload.yaml").toFile())).isFalse();
                assertThat(reload.getFileFilter().accept(routes.resolve("set-permissions.yaml").toFile())).isTrue();

                // the off route's file is saved, then an on route's: once the second is reloaded, the first was seen.
                // Reload adds the new route and then starts it, so wait for both, not just for the new route object.
                Route before = camel.getRoute("set-permissions");
                touch(routes.resolve("inbox-upload.yaml"));
                touch(routes.resolve("set-permissions.yaml"));
                await().atMost(Duration.ofSeconds(60)).until(() -> camel.getRoute("set-permissions") != null
                        && camel.getRoute("set-permissions") != before
                        && camel.getRouteController().getRouteStatus("set-permissions") == ServiceStatus.Started);
                assertThat(camel.getRoute("inbox-upload")).isNull();
            } finally {
                main.stop();
            }
        } finally {
            runner.close();
        }
    }

    private Path copyOfTheRoutes() throws IOException {
        Path copy = Files.createDirectories(work.resolve("routes"));
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /** Saves the file again, as an editor would: the watcher sees a modification. */
    private static void touch(Path file) throws IOException {
        Files.writeString(file, Files.readString(file) + "\n");
        File f = file.toFile();
        assertThat(f.setLastModified(System.currentTimeMillis())).isTrue();
    }
}
