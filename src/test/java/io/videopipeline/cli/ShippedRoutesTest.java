package io.videopipeline.cli;

import io.videopipeline.config.PipelineConfig;
import org.apache.camel.Route;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads every file in routes/ with the shipped config into a real CamelContext (routes created, not
 * started, so no AWS is needed): a YAML typo, an unknown component or endpoint option, or a property
 * that no config file defines fails the build here rather than at a user's start-up.
 */
class ShippedRoutesTest {

    @Test
    void everyShippedRouteLoadsWithTheShippedConfigInEveryProfile() throws Exception {
        for (String profile : List.of("local", "aws")) {
            PipelineConfig config = PipelineConfig.load(Path.of("config"), profile, Map.of(),
                    Map.of("pipeline.routes.live-reload", "false"));
            Main main = new PipelineRunner(config, Path.of("routes")).createMain(System.nanoTime());
            main.configure().withAutoStartup(false);
            try {
                main.start();
                List<String> ids = main.getCamelContext().getRoutes().stream().map(Route::getRouteId).sorted().toList();
                assertThat(ids).as("route ids in profile " + profile).containsExactlyElementsOf(routeFileNames());
                for (Route route : main.getCamelContext().getRoutes()) {
                    assertThat(route.getSourceLocation()).as("route id = file name")
                            .contains("/" + route.getRouteId() + ".yaml");
                }
            } finally {
                main.stop();
            }
        }
    }

    private static List<String> routeFileNames() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
        }
    }
}
