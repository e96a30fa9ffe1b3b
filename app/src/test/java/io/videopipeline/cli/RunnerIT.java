package io.videopipeline.cli;

import io.videopipeline.PipelineProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged jar as a user runs it: routes from a directory on disk, edited while it runs. */
class RunnerIT {

    @TempDir
    Path work;
    Path routes;
    Path config;
    Path state;

    @BeforeEach
    void layout() throws IOException {
        routes = Files.createDirectories(work.resolve("routes"));
        config = Files.createDirectories(work.resolve("config"));
        state = work.resolve("out/state.txt");
        // The shipped config, with the embedded cloud and the fixed HTTP port off: these tests are about the runner.
        try (var files = Files.walk(Path.of("config"))) {
            for (Path source : files.toList()) {
                Path target = config.resolve(Path.of("config").relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(config.resolve("application.properties"), """

                pipeline.greeting=from-file
                camel.management.enabled=false
                pipeline.console.enabled=false
                """, java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(config.resolve("application-local.properties"), """
                pipeline.routes.live-reload=true
                pipeline.localcloud.enabled=false
                pipeline.provision.on-start=false
                """);
    }

    private void writeRoute(String body) throws IOException {
        Files.writeString(routes.resolve("writer.yaml"), """
                - route:
                    id: writer
                    from:
                      uri: timer:writer
                      parameters: {period: 100}
                      steps:
                        - setBody: {simple: "%s"}
                        - to: "file:%s?fileName=state.txt"
                """.formatted(body, state.getParent()));
    }

    private String state() {
        try {
            return Files.exists(state) ? Files.readString(state) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitState(PipelineProcess app, String expected) {
        try {
            await().atMost(Duration.ofSeconds(60)).failFast(() -> !app.isAlive()).until(() -> state().equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError("expected state '" + expected + "' but was '" + state() + "'; output:\n"
                    + app.output(), e);
        }
    }

    @Test
    void editingARouteFileChangesTheRunningBehaviourAndABrokenEditKeepsThePreviousRoute() throws Exception {
        writeRoute("v1");
        try (PipelineProcess app = PipelineProcess.start(work, Map.of(),
                "--routes", routes.toString(), "--config", config.toString())) {
            awaitState(app, "v1");

            writeRoute("v2");
            await().atMost(Duration.ofSeconds(30)).until(() -> state().equals("v2"));

            Files.writeString(routes.resolve("writer.yaml"), "- route:\n    id: writer\n    from: [\"unclosed\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> app.output().contains("writer.yaml"));
            Files.delete(state);
            await().atMost(Duration.ofSeconds(10)).until(() -> state().equals("v2"));
            assertThat(app.isAlive()).isTrue();
        }
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFiles() throws Exception {
        writeRoute("{{pipeline.greeting}}");
        try (PipelineProcess app = PipelineProcess.start(work, Map.of("PIPELINE_GREETING", "from-env"),
                "--routes", routes.toString(), "--config", config.toString())) {
            awaitState(app, "from-env");
        }
        Files.delete(state);
        try (PipelineProcess app = PipelineProcess.start(work, Map.of("PIPELINE_GREETING", "from-env"),
                "--routes", routes.toString(), "--config", config.toString(), "--set", "pipeline.greeting=from-cli")) {
            awaitState(app, "from-cli");
        }
    }

    @Test
    void userMistakesEndWithOneLineAndTheDocumentedExitCode() throws Exception {
        try (PipelineProcess app = PipelineProcess.start(work, Map.of(), "--bogus")) {
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(UserError.USAGE);
            assertThat(app.output()).contains("unknown option '--bogus'").doesNotContain("\tat ");
        }
        try (PipelineProcess app = PipelineProcess.start(work, Map.of(),
                "--routes", work.resolve("nope").toString(), "--config", config.toString())) {
            assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(UserError.CONFIG);
            assertThat(app.output()).contains("routes directory").contains("nope");
        }
        Files.writeString(routes.resolve("broken.yaml"), "- route:\n    id: broken\n    from: [\"unclosed\n");
        try (PipelineProcess app = PipelineProcess.start(work, Map.of(),
                "--routes", routes.toString(), "--config", config.toString())) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isEqualTo(UserError.CONFIG);
            assertThat(app.output()).contains("broken.yaml").contains("does not parse").doesNotContain("\tat ");
        }
        Files.delete(routes.resolve("broken.yaml"));
        writeRoute("{{pipeline.not-defined}}");
        try (PipelineProcess app = PipelineProcess.start(work, Map.of(),
                "--routes", routes.toString(), "--config", config.toString())) {
            assertThat(app.awaitExit(Duration.ofSeconds(60))).isEqualTo(UserError.CONFIG);
            assertThat(app.output()).contains("property 'pipeline.not-defined' is not defined")
                    .contains("PIPELINE_NOT_DEFINED").doesNotContain("\tat ");
        }
    }
}
