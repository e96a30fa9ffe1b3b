package io.videopipeline.localcloud;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * JUnit 5 extension running a {@link LocalCloud} on 127.0.0.1, a random port, in memory, with ready AWS SDK v2
 * clients. Register it static to share one local cloud per test class (state is reset after every test:
 * all buckets with their objects, uploads and notification configurations, and all queues):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalCloudExtension CLOUD = new LocalCloudExtension();
 * ...
 * CLOUD.s3().createBucket(b -> b.bucket("video-upload"));
 * }</pre>
 *
 * As an instance field it starts and stops one local cloud per test. Pass a customizer to plug in SNS or change
 * settings: {@code new LocalCloudExtension(b -> b.sns(mySnsService))}.
 */
public class LocalCloudExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Consumer<LocalCloud.Builder> customizer;
    private LocalCloud cloud;
    private Path tempDir;
    private boolean perTest;
    private SdkHttpClient httpClient;
    private S3Client s3;
    private S3Presigner presigner;
    private SqsClient sqs;

    public LocalCloudExtension() {
        this(b -> { });
    }

    public LocalCloudExtension(Consumer<LocalCloud.Builder> customizer) {
        this.customizer = customizer;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (cloud == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        } else {
            reset();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() throws Exception {
        tempDir = Files.createTempDirectory("localcloud-test");
        LocalCloud.Builder builder = LocalCloud.builder()
                .bindAddress("127.0.0.1")
                .port(0)
                .dataDir(tempDir)
                .transientStorage(true);
        customizer.accept(builder);
        cloud = builder.build().start();
        httpClient = ApacheHttpClient.builder().maxConnections(64).socketTimeout(Duration.ofSeconds(60)).build();
        s3 = S3Client.builder()
                .endpointOverride(endpoint())
                .region(region())
                .credentialsProvider(credentials())
                .forcePathStyle(true)
                .httpClient(httpClient)
                .build();
        presigner = S3Presigner.builder()
                .endpointOverride(endpoint())
                .region(region())
                .credentialsProvider(credentials())
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        sqs = SqsClient.builder()
                .endpointOverride(endpoint())
                .region(region())
                .credentialsProvider(credentials())
                .httpClient(httpClient)
                .build();
    }

    private void stop() {
        if (s3 != null) {
            s3.close();
            presigner.close();
            sqs.close();
            httpClient.close();
        }
        if (cloud != null) {
            cloud.stop();
        }
        cloud = null;
        s3 = null;
        if (tempDir != null) {
            try (Stream<Path> files = Files.walk(tempDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** Deletes every bucket (objects, multipart uploads and notification configuration included) and queue. */
    public void reset() {
        for (Bucket bucket : s3.listBuckets().buckets()) {
            String name = bucket.name();
            s3.listMultipartUploadsPaginator(b -> b.bucket(name)).uploads()
                    .forEach(u -> s3.abortMultipartUpload(b -> b.bucket(name).key(u.key()).uploadId(u.uploadId())));
            s3.listObjectsV2Paginator(b -> b.bucket(name)).forEach(page -> {
                if (!page.contents().isEmpty()) {
                    s3.deleteObjects(b -> b.bucket(name).delete(d -> d.objects(
                            page.contents().stream().map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList())));
                }
            });
            s3.deleteBucket(b -> b.bucket(name));
        }
        sqs.listQueuesPaginator(b -> { }).queueUrls().forEach(url -> sqs.deleteQueue(b -> b.queueUrl(url)));
    }

    public LocalCloud localCloud() {
        return cloud;
    }

    /** Where the cloud keeps its data ({@code s3} holds the objects unless storage is transient). */
    public Path dataDir() {
        return tempDir;
    }

    public URI endpoint() {
        return cloud.endpoint();
    }

    public Region region() {
        return Region.of(cloud.region());
    }

    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(cloud.accessKey(), cloud.secretKey()));
    }

    public S3Client s3() {
        return s3;
    }

    public S3Presigner presigner() {
        return presigner;
    }

    public SqsClient sqs() {
        return sqs;
    }

    /** {@code arn:aws:sqs:<region>:<account>:<name>}. */
    public String queueArn(String queueName) {
        return "arn:aws:sqs:" + cloud.region() + ":" + cloud.accountId() + ":" + queueName;
    }

    /**
     * Receives and deletes exactly {@code count} messages from a queue, polling (long polls of 1 s) for at most
     * {@code timeout}; fails if fewer arrive. Does not wait for messages beyond {@code count}.
     */
    public List<Message> receiveMessages(String queueUrl, int count, Duration timeout) {
        List<Message> messages = new ArrayList<>();
        Awaitility.await().atMost(timeout).until(() -> {
            int wanted = Math.min(10, count - messages.size());
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(wanted).waitTimeSeconds(1)).messages();
            for (Message m : batch) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
            messages.addAll(batch);
            return messages.size() >= count;
        });
        return messages;
    }

    /** Creates a queue and returns its URL. */
    public String createQueue(String queueName) {
        return sqs.createQueue(b -> b.queueName(queueName)).queueUrl();
    }
}
