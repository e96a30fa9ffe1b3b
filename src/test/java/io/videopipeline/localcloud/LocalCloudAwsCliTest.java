package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.model.Message;

/** The AWS CLI (Debian's awscli 2.x at /usr/bin/aws) against the local cloud with only --endpoint-url. */
class LocalCloudAwsCliTest {

    private static final Path AWS = Path.of("/usr/bin/aws");

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    @TempDir
    Path dir;

    @Test
    void cliMultipartCopyProducesExactlyOneNotification() throws Exception {
        assumeTrue(Files.isExecutable(AWS), "no AWS CLI at " + AWS);
        CLOUD.s3().createBucket(b -> b.bucket("video-upload"));
        String queueUrl = CLOUD.createQueue("video-upload-events");
        CLOUD.s3().putBucketNotificationConfiguration(b -> b.bucket("video-upload").notificationConfiguration(n -> n.queueConfigurations(
                q -> q.queueArn(CLOUD.queueArn("video-upload-events")).events(Event.S3_OBJECT_CREATED))));
        assertThat(CLOUD.receiveMessages(queueUrl, 1, Duration.ofSeconds(10)).get(0).body()).contains("s3:TestEvent");

        long size = 17L * 1024 * 1024; // above the CLI's 8 MB multipart threshold
        Path file = dir.resolve("my holiday.mov");
        try (InputStream in = new GeneratedContent(7, size); OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }

        String key = "uploads/비디오 파일 #1.mov";
        ProcessBuilder cli = new ProcessBuilder(AWS.toString(), "--endpoint-url", CLOUD.endpoint().toString(), "s3", "cp",
                file.toString(), "s3://video-upload/" + key, "--no-progress")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("cli.log").toFile())
                .directory(dir.toFile());
        Map<String, String> env = cli.environment();
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        // Nothing from the user's own AWS set-up (profiles, credentials, pager) may leak in.
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        env.put("AWS_PAGER", "");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        env.remove("AWS_ENDPOINT_URL");
        Process process = cli.start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String log = Files.readString(dir.resolve("cli.log"));
        assertThat(finished).as("aws s3 cp finished; output:%n%s", log).isTrue();
        assertThat(process.exitValue()).as("aws s3 cp exit code; output:%n%s", log).isZero();

        List<Message> messages = CLOUD.receiveMessages(queueUrl, 1, Duration.ofSeconds(10));
        S3EventNotificationRecord record = S3EventNotification.fromJson(messages.get(0).body()).getRecords().get(0);
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:CompleteMultipartUpload");
        assertThat(URLDecoder.decode(record.getS3().getObject().getKey(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(size);
        assertThat(CLOUD.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2)).messages()).as("exactly one").isEmpty();

        try (InputStream stored = CLOUD.s3().getObject(b -> b.bucket("video-upload").key(key))) {
            assertThat(GeneratedContent.sha256(stored)).isEqualTo(GeneratedContent.sha256(new GeneratedContent(7, size)));
        }
    }
}
