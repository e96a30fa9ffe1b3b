package io.videopipeline.cli;

import io.videopipeline.FreePorts;
import io.videopipeline.PipelineProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one-shot commands exactly as the README writes them ({@code java -jar target/video-pipeline.jar dlq list}),
 * run from a directory holding the shipped {@code config/} and {@code routes/}, in the default (local) profile:
 * they talk to the local cloud the runner started, say in one line when none is running, and answer a bad command
 * line with one line and exit code 2 before any AWS call. Ports come from the environment (as a user moving the
 * local cloud off 4566 would set them), so the test never needs a fixed port.
 */
class CommandsIT {

    @TempDir
    Path work;
    final Map<String, String> env = new LinkedHashMap<>();
    int managementPort;

    @BeforeEach
    void shippedLayout() throws IOException {
        Path project = Path.of(System.getProperty("pipeline.project.dir", "."));
        for (String dir : new String[] {"config", "routes"}) {
            try (var files = Files.walk(project.resolve(dir))) {
                for (Path source : files.toList()) {
                    Path target = work.resolve(dir).resolve(project.resolve(dir).relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        managementPort = FreePorts.next();
        env.put("PIPELINE_LOCALCLOUD_PORT", String.valueOf(FreePorts.next()));
        env.put("PIPELINE_LOCALCLOUD_SMTP_PORT", String.valueOf(FreePorts.next()));
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("PIPELINE_LOCALCLOUD_TRANSIENT", "true");
        env.put("PIPELINE_ROUTES_LIVE_RELOAD", "false");
        // Real AWS must never be asked; were it asked, these keys would be what it got.
        env.put("AWS_ACCESS_KEY_ID", "AKIDNOTREALNOTREAL00");
        env.put("AWS_SECRET_ACCESS_KEY", "not-a-real-secret");
    }

    private Command command(String... args) throws Exception {
        try (PipelineProcess p = PipelineProcess.start(work, env, args)) {
            int exit = p.awaitExit(Duration.ofSeconds(90));
            return new Command(exit, p.output());
        }
    }

    record Command(int exit, String output) {
        /** What a user sees of a failed command: the error line (logging goes to the same stream). */
        String errorLines() {
            return output.lines().filter(l -> l.startsWith("video-pipeline: error:")).reduce("", (a, b) -> a + b + "\n");
        }
    }

    @Test
    void withTheRunnerGoingDlqListAndProvisionTalkToItsLocalCloud() throws Exception {
        try (PipelineProcess runner = PipelineProcess.start(work, env)) {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                    .failFast("the runner exited", () -> !runner.isAlive())
                    .ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                            + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

            Command list = command("dlq", "list");
            assertThat(list.exit()).as(list.output()).isZero();
            assertThat(list.output()).contains("video-upload-events-dlq: 0 message(s)")
                    .contains("transcoded-video-metadata-dlq: 0 message(s)")
                    .doesNotContain("amazonaws.com").doesNotContain("\tat ");

            Command plan = command("provision", "--dry-run");
            assertThat(plan.exit()).as(plan.output()).isZero();
            assertThat(plan.output()).contains("no changes").doesNotContain("amazonaws.com");

            Command unknownQueue = command("dlq", "redrive", "nosuch");
            assertThat(unknownQueue.exit()).isEqualTo(UserError.USAGE);
            assertThat(unknownQueue.errorLines()).contains("unknown queue 'nosuch'").hasLineCount(1);
            assertThat(unknownQueue.output()).doesNotContain("\tat ");
        }
    }

    @Test
    void withoutARunnerACommandSaysSoInOneLine() throws Exception {
        for (String[] args : new String[][] {{"dlq", "list"}, {"dlq", "redrive", "video-upload-events"}, {"provision"}}) {
            Command c = command(args);
            assertThat(c.exit()).as(c.output()).isEqualTo(UserError.CONFIG);
            assertThat(c.errorLines()).hasLineCount(1)
                    .contains("no local cloud is running at http://127.0.0.1:" + env.get("PIPELINE_LOCALCLOUD_PORT"))
                    .contains("java -jar video-pipeline.jar localcloud");
            assertThat(c.output()).doesNotContain("amazonaws.com").doesNotContain("\tat ");
        }
    }

    @Test
    void aBadCommandLineIsOneLineAndExitCode2BeforeAnyAwsCall() throws Exception {
        for (String[] args : new String[][] {{"dlq", "purge"}, {"dlq", "redrive"}, {"dlq", "list", "extra"},
                {"provision", "everything"}, {"dlq", "list", "--dry-run"}, {"dlq", "--set", "novalue"}}) {
            Command c = command(args);
            assertThat(c.exit()).as(String.join(" ", args) + ": " + c.output()).isEqualTo(UserError.USAGE);
            assertThat(c.errorLines()).as(String.join(" ", args)).hasLineCount(1);
            assertThat(c.output()).doesNotContain("\tat ").doesNotContain("no local cloud");
        }
    }

    @Test
    void aTypoInASettingStopsEveryCommandWithOneLineNamingKeyValueAndChoices() throws Exception {
        for (String[] args : new String[][] {{"--set", "pipeline.mail.transport=smpt"}, {"dlq", "list", "--set",
                "pipeline.mail.transport=smpt"}}) {
            Command c = command(args);
            assertThat(c.exit()).as(c.output()).isEqualTo(UserError.CONFIG);
            assertThat(c.errorLines()).hasLineCount(1)
                    .contains("property 'pipeline.mail.transport' is 'smpt' but must be one of smtp, sns, log");
            assertThat(c.output()).doesNotContain("\tat ");
        }
        // A profile-specific requirement: the aws profile with the mediaconvert backend needs the role.
        Command aws = command("--profile", "aws", "--set", "pipeline.transcoder=mediaconvert");
        assertThat(aws.exit()).as(aws.output()).isEqualTo(UserError.CONFIG);
        assertThat(aws.errorLines()).hasLineCount(1)
                .contains("'pipeline.mediaconvert.role-arn' is empty but required with pipeline.transcoder=mediaconvert")
                .contains("PIPELINE_MEDIACONVERT_ROLE_ARN");
    }
}
