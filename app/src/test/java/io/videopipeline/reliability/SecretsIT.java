package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing secret reaches the output: the packaged jar in the aws profile, credentials only from the environment
 * (the default chain), an SMTP password on the command line, presigned URLs in use (ffprobe reads renditions
 * through them, mails carry them), debug logging of our own code on — and the whole output never shows the
 * secret key, the password or a signature.
 *
 * <p>That the local cloud refuses unsigned and wrongly signed requests is tested in
 * {@code localcloud/LocalCloudS3Test}, {@code LocalCloudSqsTest} and {@code LocalCloudAwsCliTest}.
 */
class SecretsIT {
    private static final String ACCESS_KEY = "TESTKEYPIPELINE00001";
    private static final String SECRET_KEY = "wJalrXUtnFEMI-s3cret-K3y-abc123";
    private static final String MAIL_PASSWORD = "S3cr3t-xyz";

    @TempDir
    Path work;

    @Test
    void outputNeverShowsCredentialsPasswordsOrSignatures() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/secret.mov"), 1);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.credentials(ACCESS_KEY, SECRET_KEY).startSeparateCloud(null);
            rig.set("pipeline.mail.username", "robot").set("pipeline.mail.password", MAIL_PASSWORD)
                    .set("pipeline.mail.link.mode", "presigned")
                    .env("PIPELINE_LOG_LEVEL", "DEBUG");
            rig.start();
            rig.upload("secret/secret.mov", clip);
            List<String> json = PipelineRig.expectedKeys(List.of("secret/secret.mov")).stream()
                    .filter(k -> k.endsWith(".json")).toList();
            // metadata read through presigned URLs; mails sent (or, if the SMTP server refuses the login,
            // dead-lettered): either way every code path that handles the secrets has run
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    rig.transcodedKeys().containsAll(json)
                            && rig.queueDepths().get("transcoded-video-email") == 0);
            rig.terminate(Duration.ofSeconds(30));

            String output = rig.allOutput();
            System.out.printf("SECRETS output %d chars, mails %d, DLQs %s%n", output.length(), rig.mailSubjects().size(),
                    rig.queueDepths());
            assertThat(output).isNotEmpty()
                    .doesNotContain(SECRET_KEY)
                    .doesNotContain(MAIL_PASSWORD)
                    .doesNotContain("X-Amz-Signature=")
                    .doesNotContainIgnoringCase("x-amz-signature=");
        }
    }
}
