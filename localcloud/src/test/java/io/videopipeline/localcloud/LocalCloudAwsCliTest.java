package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * The AWS CLI (Debian's awscli 2.x at /usr/bin/aws, installed by scripts/setup.sh) against the local cloud with
 * only --endpoint-url. Without it these tests are skipped locally and fail under CI=true ({@link ForeignClients}).
 */
class LocalCloudAwsCliTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    @TempDir
    Path dir;

    @Test
    void cliMultipartCopyProducesExactlyOneNotification() throws Exception {
        ForeignClients.awsCli();
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
        Cli result = aws("test", "s3", "cp", file.toString(), "s3://video-upload/" + key, "--no-progress");
        assertThat(result.exitCode()).as("aws s3 cp exit code; output:%n%s", result.output()).isZero();

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

    @Test
    void cliSpeaksSqsQueryProtocolAndBadSecretsAreRefused() throws Exception {
        ForeignClients.awsCli();
        String queueUrl = CLOUD.createQueue("cli-queue");

        Cli send = aws("test", "sqs", "send-message", "--queue-url", queueUrl, "--message-body", "from the cli: ü & <x>");
        assertThat(send.exitCode()).as(send.output()).isZero();
        assertThat(CLOUD.receiveMessages(queueUrl, 1, Duration.ofSeconds(10))).extracting(Message::body)
                .containsExactly("from the cli: ü & <x>");

        Cli wrong = aws("not-the-secret", "sqs", "list-queues");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.output()).contains("SignatureDoesNotMatch");
    }

    @Test
    void cliPutsGetsAndDeletesBucketCors() throws Exception {
        ForeignClients.awsCli();
        CLOUD.s3().createBucket(b -> b.bucket("video-transcoded"));
        Path rules = dir.resolve("cors.json");
        Files.writeString(rules, "{\"CORSRules\": [{\"AllowedOrigins\": [\"http://localhost:8000\"],"
                + " \"AllowedMethods\": [\"GET\", \"HEAD\"], \"AllowedHeaders\": [\"Range\"], \"MaxAgeSeconds\": 600}]}");

        Cli put = aws("test", "s3api", "put-bucket-cors", "--bucket", "video-transcoded", "--cors-configuration", "file://" + rules);
        assertThat(put.exitCode()).as(put.output()).isZero();
        assertThat(CLOUD.s3().getBucketCors(b -> b.bucket("video-transcoded")).corsRules()).singleElement().satisfies(rule -> {
            assertThat(rule.allowedOrigins()).containsExactly("http://localhost:8000");
            assertThat(rule.allowedMethods()).containsExactly("GET", "HEAD");
            assertThat(rule.maxAgeSeconds()).isEqualTo(600);
        });
        Cli get = aws("test", "s3api", "get-bucket-cors", "--bucket", "video-transcoded");
        assertThat(get.exitCode()).as(get.output()).isZero();
        assertThat(get.output()).contains("http://localhost:8000").contains("\"MaxAgeSeconds\": 600");

        Cli delete = aws("test", "s3api", "delete-bucket-cors", "--bucket", "video-transcoded");
        assertThat(delete.exitCode()).as(delete.output()).isZero();
        Cli gone = aws("test", "s3api", "get-bucket-cors", "--bucket", "video-transcoded");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.output()).contains("NoSuchCORSConfiguration");
    }

    record Cli(int exitCode, String output) {
    }

    /** Runs the AWS CLI against the local cloud with test credentials and nothing from the user's AWS set-up. */
    private Cli aws(String secretKey, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ForeignClients.awsCli().toString(), "--endpoint-url", CLOUD.endpoint().toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "cli", ".log");
        ProcessBuilder cli = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).directory(dir.toFile());
        Map<String, String> env = cli.environment();
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        env.put("AWS_PAGER", "");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        env.remove("AWS_ENDPOINT_URL");
        Process process = cli.start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("aws %s finished; output:%n%s", String.join(" ", args), output).isTrue();
        return new Cli(process.exitValue(), output);
    }
}
