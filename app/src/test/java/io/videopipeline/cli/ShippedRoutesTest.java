package io.videopipeline.cli;

import io.videopipeline.PipelineTestApp;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads every file in routes/ with the shipped config into the real application (on a local cloud,
 * since the aws2 endpoints look their queues up when created): a YAML typo, an unknown component or
 * endpoint option, or a property no config file defines fails the build here, not at a user's start.
 */
class ShippedRoutesTest {

    @TempDir
    Path work;

    @Test
    void everyShippedRouteLoadsWithTheShippedConfigAndItsIdIsItsFileName() throws Exception {
        // with every optional feature on: the file of one that is off is not loaded (OffRoutes)
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of("pipeline.inbox.enabled", "true",
                "pipeline.inbox.dir", work.resolve("inbox").toString(), "pipeline.job-events.enabled", "true"))) {
            // the routes the files define (each sqs-source kamelet adds its own route, located in the kamelet file;
            // each REST service of console-api.yaml is a route handing over to the file's route)
            List<Route> routes = app.camel().getRoutes().stream()
                    .filter(r -> !r.isCreatedByKamelet() && !r.isCreatedByRestDsl()).toList();
            assertThat(routes.stream().map(Route::getRouteId).sorted().toList())
                    .containsExactlyElementsOf(routeFilesWithARoute());
            for (Route route : routes) {
                assertThat(route.getSourceLocation()).as("route id = file name")
                        .contains("/" + route.getRouteId() + ".yaml");
            }
            List<Route> rest = app.camel().getRoutes().stream().filter(Route::isCreatedByRestDsl).toList();
            assertThat(rest).hasSize(8);
            for (Route service : rest) {
                assertThat(service.getRouteId()).as("a REST service's route id: its file's, and what it does")
                        .startsWith("console-api-");
                assertThat(service.getEndpoint().getEndpointUri()).startsWith("rest://");
            }
        }
    }

    @Test
    void routeSelectionStartsOnlyTheChosenRoutes() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work,
                Map.of("pipeline.routes.enabled", "transcode-video"))) {
            // the helper routes it calls (direct:) come along; the other consumers do not start
            assertThat(app.camel().getRoutes().stream().filter(r -> !r.isCreatedByKamelet()).map(Route::getRouteId)
                    .sorted().toList())
                    .containsExactly("dead-letter", "send-mail", "transcode-video");
        }
    }

    /** Every YAML file but the route configuration (error-handling.yaml holds no route). */
    private static List<String> routeFilesWithARoute() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .filter(p -> readQuietly(p).contains("- route:"))
                    .map(p -> p.getFileName().toString().replace(".yaml", "")).sorted().toList();
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
