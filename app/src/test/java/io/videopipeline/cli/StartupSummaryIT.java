package io.videopipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineProcess;
import io.videopipeline.localcloud.LocalCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's start-up lines tell where things really are, as a user sees them: in the aws profile with
 * AWS_ENDPOINT_URL pointing at an emulator (the documented LocalStack set-up; here the local cloud), the AWS
 * clients line named "(AWS default)"; and the management server, bound to camel.management.host 127.0.0.1, was
 * announced by Camel as http://0.0.0.0:PORT.
 */
class StartupSummaryIT {

    @TempDir
    Path work;

    @Test
    void theStartUpLinesNameTheRealAwsEndpointAndTheManagementServersRealAddress() throws Exception {
        try (LocalCloud cloud = LocalCloud.builder().port(0).transientStorage(true).builtInSns().build().start()) {
            String endpoint = cloud.endpoint().toString();
            try (PipelineProcess app = PipelineProcess.start(work, Map.of(
                            "AWS_ENDPOINT_URL", endpoint,
                            "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"),
                    "run", "--profile", "aws", "--routes", Path.of("routes").toAbsolutePath().toString(),
                    "--config", Path.of("config").toAbsolutePath().toString(),
                    "--set", "pipeline.routes.enabled=set-permissions",
                    "--set", "pipeline.provision.on-start=true",
                    "--set", "pipeline.aws.force-path-style=true",
                    "--set", "camel.management.enabled=true",
                    "--set", "camel.management.port=0")) {
                await().atMost(Duration.ofSeconds(90)).until(() -> app.output().contains("Routes started")
                        || !app.isAlive());
                String out = app.output();
                assertThat(out).contains("Routes started");
                assertThat(out).contains("AWS clients: region=us-east-1, endpoint=" + endpoint + " (AWS_ENDPOINT_URL)")
                        .doesNotContain("AWS default");
                assertThat(out).containsPattern("\\| management http://127\\.0\\.0\\.1:[1-9][0-9]*/observe/health")
                        .doesNotContain("0.0.0.0");
            }
        }
    }
}
