package io.videopipeline.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.localcloud.sns.SnsService;
import io.videopipeline.localcloud.sns.SnsHttpAdapter;
import com.sun.net.httpserver.HttpServer;
import io.videopipeline.failure.AwsErrors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.videopipeline.localcloud.LocalCloudExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationRequest;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.PutBucketNotificationConfigurationRequest;
import software.amazon.awssdk.services.s3.model.PutBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Provisioner against ElasticMQ, our SNS and S3Proxy, all through the real SDK clients. S3Proxy has no bucket
 * notifications, so {@link #applyCreatesEverythingAndASecondRunChangesNothing} answers the two notification calls
 * from an in-memory stand-in; {@link ThroughTheGateway} does it for real on the local cloud's gateway.
 */
class ProvisionerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private static SQSRestServer elasticMq;
    private static S3Proxy s3Proxy;
    private static SnsService snsService;
    private static SnsHttpAdapter snsEndpoint;
    private static S3Client s3;
    private static SqsClient sqs;
    private static URI sqsEndpoint;
    private static SnsClient sns;

    @BeforeAll
    static void start() throws Exception {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("us-east-1")
                .start();
        int sqsPort = elasticMq.waitUntilStarted().localAddress().getPort();
        BlobStoreContext blobs = ContextBuilder.newBuilder(new TransientApiMetadata()).build(BlobStoreContext.class);
        s3Proxy = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test", "test").ignoreUnknownHeaders(true).build();
        s3Proxy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> "STARTED".equals(s3Proxy.getState()));
        sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
        sqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.create()).build();
        snsService = SnsService.builder().sqsClient(sqs).build();
        snsEndpoint = new SnsHttpAdapter(snsService);
        sns = SnsClient.builder().endpointOverride(snsEndpoint.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.create()).build();
        s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + s3Proxy.getPort()))
                .region(Region.US_EAST_1).forcePathStyle(true).credentialsProvider(CREDENTIALS)
                .httpClient(ApacheHttpClient.create()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        sns.close();
        sqs.close();
        snsEndpoint.close();
        snsService.close();
        s3Proxy.stop();
        elasticMq.stopAndWait();
    }

    /** Default settings with every name prefixed, so tests sharing the servers do not see each other's resources. */
    private static ProvisionSettings settings(String prefix) {
        ProvisionSettings d = ProvisionSettings.defaults();
        return new ProvisionSettings(prefix + d.uploadBucket(), prefix + d.transcodedBucket(), prefix + d.uploadQueue(),
                prefix + d.emailQueue(), prefix + d.aclQueue(), prefix + d.metadataQueue(), prefix + d.topic(),
                d.deadLetterSuffix(), d.maxReceiveCount(), d.maximumMessageSize(), 120, d.transcodedSuffixes(),
                List.of("ops@example.com"), true);
    }

    @Test
    void applyCreatesEverythingAndASecondRunChangesNothing() throws Exception {
        ProvisionSettings settings = settings("a-");
        Map<String, NotificationConfiguration> notifications = new ConcurrentHashMap<>();
        // ElasticMQ drops MaximumMessageSize, MessageRetentionPeriod and Policy: check those in what was sent.
        List<SdkRequest> sent = new CopyOnWriteArrayList<>();
        SqsClient capturingSqs = SqsClient.builder().endpointOverride(sqsEndpoint).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        sent.add(context.request());
                    }
                })).build();
        Provisioner provisioner = new Provisioner(withNotifications(s3, notifications), capturingSqs, sns, settings);

        List<Change> planned = provisioner.plan();
        List<Change> applied = provisioner.apply();

        assertThat(applied).extracting(Change::kind).containsOnly("bucket", "topic", "queue", "subscription",
                "topic-policy", "bucket-notification");
        assertThat(applied).filteredOn(c -> c.kind().equals("queue")).hasSize(8);
        assertThat(applied).filteredOn(c -> c.kind().equals("subscription")).hasSize(4);
        assertThat(planned).extracting(Change::action, Change::kind)
                .containsExactlyElementsOf(applied.stream().map(c -> org.assertj.core.groups.Tuple.tuple(c.action(), c.kind())).toList());

        // buckets
        s3.headBucket(r -> r.bucket("a-video-upload"));
        s3.headBucket(r -> r.bucket("a-video-transcoded"));
        // queues: settings, redrive, policies
        String topicArn = "arn:aws:sns:us-east-1:000000000000:a-transcoded-video-notifications";
        for (String queue : settings.workQueues()) {
            Map<QueueAttributeName, String> attributes = attributes(queue);
            assertThat(attributes).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "120");
            assertThat(sent).filteredOn(CreateQueueRequest.class::isInstance).map(CreateQueueRequest.class::cast)
                    .filteredOn(r -> r.queueName().equals(queue)).singleElement()
                    .satisfies(r -> assertThat(r.attributesAsStrings()).containsEntry("MaximumMessageSize", "65536"));
            String policy = sent.stream().filter(SetQueueAttributesRequest.class::isInstance)
                    .map(SetQueueAttributesRequest.class::cast).filter(r -> r.queueUrl().endsWith("/" + queue))
                    .map(r -> r.attributes().get(QueueAttributeName.POLICY)).findFirst().orElseThrow();
            JsonNode redrive = JSON.readTree(attributes.get(QueueAttributeName.REDRIVE_POLICY));
            assertThat(redrive.get("deadLetterTargetArn").asText()).isEqualTo(attributes(queue + "-dlq")
                    .get(QueueAttributeName.QUEUE_ARN));
            assertThat(redrive.get("maxReceiveCount").asText()).isEqualTo("5");
            JsonNode statement = JSON.readTree(policy).get("Statement").get(0);
            assertThat(statement.get("Action").asText()).isEqualTo("sqs:SendMessage");
            assertThat(statement.get("Resource").asText()).isEqualTo(attributes.get(QueueAttributeName.QUEUE_ARN));
            if (queue.equals(settings.uploadQueue())) {
                assertThat(statement.at("/Principal/Service").asText()).isEqualTo("s3.amazonaws.com");
                assertThat(statement.at("/Condition/ArnLike/aws:SourceArn").asText()).isEqualTo("arn:aws:s3:::a-video-upload");
                assertThat(statement.at("/Condition/StringEquals/aws:SourceAccount").asText()).isEqualTo("000000000000");
            } else {
                assertThat(statement.at("/Principal/Service").asText()).isEqualTo("sns.amazonaws.com");
                assertThat(statement.at("/Condition/ArnEquals/aws:SourceArn").asText()).isEqualTo(topicArn);
            }
        }
        assertThat(sent).filteredOn(CreateQueueRequest.class::isInstance).map(CreateQueueRequest.class::cast)
                .filteredOn(r -> r.queueName().endsWith("-dlq")).hasSize(4)
                .allSatisfy(r -> assertThat(r.attributesAsStrings()).containsEntry("MessageRetentionPeriod", "1209600"));
        // topic, subscriptions, topic policy
        List<Subscription> subscriptions = sns.listSubscriptionsByTopic(r -> r.topicArn(topicArn)).subscriptions();
        assertThat(subscriptions).extracting(Subscription::protocol, Subscription::endpoint).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("sqs", "arn:aws:sqs:us-east-1:000000000000:a-transcoded-video-email"),
                org.assertj.core.groups.Tuple.tuple("sqs", "arn:aws:sqs:us-east-1:000000000000:a-transcoded-video-acl"),
                org.assertj.core.groups.Tuple.tuple("sqs", "arn:aws:sqs:us-east-1:000000000000:a-transcoded-video-metadata"),
                org.assertj.core.groups.Tuple.tuple("email", "ops@example.com"));
        for (Subscription s : subscriptions) {
            assertThat(sns.getSubscriptionAttributes(r -> r.subscriptionArn(s.subscriptionArn())).attributes())
                    .containsEntry("RawMessageDelivery", "false");
        }
        JsonNode topicPolicy = JSON.readTree(sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy"));
        assertThat(topicPolicy.get("Statement")).anySatisfy(st -> {
            assertThat(st.at("/Principal/Service").asText()).isEqualTo("s3.amazonaws.com");
            assertThat(st.get("Action").asText()).isEqualTo("SNS:Publish");
            assertThat(st.at("/Condition/ArnLike/aws:SourceArn").asText()).isEqualTo("arn:aws:s3:::a-video-transcoded");
        });
        assertThat(topicPolicy.get("Statement")).anySatisfy(st -> // the default statement was kept
                assertThat(st.get("Sid").asText()).isEqualTo("__default_statement_ID"));
        // bucket notifications
        QueueConfiguration upload = notifications.get("a-video-upload").queueConfigurations().get(0);
        assertThat(upload.queueArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:a-video-upload-events");
        assertThat(upload.eventsAsStrings()).containsExactly("s3:ObjectCreated:*");
        // one rule per suffix: the renditions and the master playlists, nothing else of a streaming package
        assertThat(notifications.get("a-video-transcoded").topicConfigurations()).allSatisfy(t -> {
            assertThat(t.topicArn()).isEqualTo(topicArn);
            assertThat(t.eventsAsStrings()).containsExactly("s3:ObjectCreated:*");
            assertThat(t.filter().key().filterRules()).hasSize(1);
        }).extracting(t -> t.filter().key().filterRules().get(0).value()).containsExactly(".mp4", ".m3u8");

        assertThat(provisioner.apply()).isEmpty();
        assertThat(provisioner.plan()).isEmpty();
        capturingSqs.close();
    }

    @Test
    void driftIsRepairedAndNothingElse() {
        ProvisionSettings settings = settings("b-");
        Provisioner provisioner = new Provisioner(withNotifications(s3, new ConcurrentHashMap<>()), sqs, sns, settings);
        provisioner.apply();
        String url = sqs.getQueueUrl(r -> r.queueName("b-transcoded-video-acl")).queueUrl();
        sqs.setQueueAttributes(r -> r.queueUrl(url).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "7")));
        String topicArn = "arn:aws:sns:us-east-1:000000000000:b-transcoded-video-notifications";
        String subscription = sns.listSubscriptionsByTopic(r -> r.topicArn(topicArn)).subscriptions().stream()
                .filter(s -> s.endpoint().endsWith(":b-transcoded-video-email")).findFirst().orElseThrow().subscriptionArn();
        sns.setSubscriptionAttributes(r -> r.subscriptionArn(subscription).attributeName("RawMessageDelivery")
                .attributeValue("true"));

        List<Change> changes = provisioner.apply();

        assertThat(changes).extracting(Change::toString).containsExactly(
                "update queue b-transcoded-video-acl: VisibilityTimeout=120",
                "update subscription " + subscription + ": RawMessageDelivery true -> false");
        assertThat(attributes("b-transcoded-video-acl")).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "120");
    }

    @Test
    void dryRunOnlyReads() {
        ProvisionSettings settings = settings("c-");
        List<String> calls = new CopyOnWriteArrayList<>();
        Provisioner provisioner = new Provisioner(recording(S3Client.class, withNotifications(s3, new ConcurrentHashMap<>()), calls),
                recording(SqsClient.class, sqs, calls), recording(SnsClient.class, sns, calls), settings);

        List<Change> plan = provisioner.plan();

        assertThat(plan).isNotEmpty();
        assertThat(calls).isNotEmpty().allMatch(name -> name.matches("(head|get|list|serviceClientConfiguration).*"),
                "a read-only call");
        assertThat(sqs.listQueues(r -> r.queueNamePrefix("c-")).queueUrls()).isEmpty();
        assertThat(sns.listTopics().topics()).noneMatch(t -> t.topicArn().endsWith(":c-transcoded-video-notifications"));
    }

    /**
     * moto's answer to GetQueueUrl for a queue that does not exist, byte for byte as moto 5.x serialises it for SQS's
     * JSON protocol (moto/core/serialize.py: BaseJSONSerializer with the awsQueryCompatible trait; header values as
     * moto's tests/test_sqs/test_sqs.py checks them). SDK 2.40.2 answers it with a plain SqsException, not
     * QueueDoesNotExistException.
     */
    @Test
    void aMissingQueueIsRecognisedInMotosWireAnswer() throws Exception {
        ProvisionSettings settings = settings("m-");
        List<String> rewritten = new CopyOnWriteArrayList<>();
        try (MotoStyleSqs moto = new MotoStyleSqs(sqsEndpoint, rewritten);
             SqsClient motoSqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.create()).build()) {
            Provisioner provisioner = new Provisioner(withNotifications(s3, new ConcurrentHashMap<>()), motoSqs, sns,
                    settings);

            // What the SDK makes of moto's answer: the reason this test exists.
            assertThatThrownBy(() -> motoSqs.getQueueUrl(r -> r.queueName("m-nothing-here")))
                    .isInstanceOf(SqsException.class)
                    .satisfies(e -> assertThat(AwsErrors.isMissing(e)).isTrue());
            assertThat(provisioner.plan()).filteredOn(c -> c.kind().equals("queue")).hasSize(8);
            List<Change> applied = provisioner.apply();

            assertThat(applied).filteredOn(c -> c.kind().equals("queue")).hasSize(8);
            assertThat(rewritten).contains("m-video-upload-events", "m-video-upload-events-dlq");
            assertThat(motoSqs.getQueueUrl(r -> r.queueName("m-video-upload-events")).queueUrl()).isNotBlank();
            assertThat(provisioner.apply()).isEmpty();
        }
    }

    /**
     * SQS in front of ElasticMQ that answers a failed GetQueueUrl the way moto does; everything else passes through
     * unchanged. JDK HTTP server on 127.0.0.1, a random port.
     */
    static final class MotoStyleSqs implements AutoCloseable {
        private static final String MOTO_BODY = "{\"__type\": \"com.amazonaws.sqs#QueueDoesNotExist\", "
                + "\"message\": \"The specified queue does not exist.\", "
                + "\"Message\": \"The specified queue does not exist.\"}";
        private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "expect",
                "upgrade", "transfer-encoding", "keep-alive");
        private final HttpServer server;
        private final HttpClient http = HttpClient.newHttpClient();

        MotoStyleSqs(URI target, List<String> rewritten) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                    exchange.getRequestHeaders().forEach((name, values) -> {
                        if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                            values.forEach(v -> forward.header(name, v));
                        }
                    });
                    HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
                    if ("AmazonSQS.GetQueueUrl".equals(operation) && answer.statusCode() >= 400) {
                        rewritten.add(JSON.readTree(body).path("QueueName").asText());
                        byte[] moto = MOTO_BODY.getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                        exchange.getResponseHeaders().add("X-Amzn-Errortype", "com.amazonaws.sqs#QueueDoesNotExist");
                        exchange.getResponseHeaders().add("x-amzn-query-error",
                                "AWS.SimpleQueueService.NonExistentQueue;Sender");
                        exchange.getResponseHeaders().add("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
                        exchange.sendResponseHeaders(400, moto.length);
                        exchange.getResponseBody().write(moto);
                        return;
                    }
                    answer.headers().map().forEach((name, values) -> {
                        if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
                            values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                        }
                    });
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * The bucket notifications for real, through the local cloud's gateway (S3Proxy plus notifications, which
     * checks that the destination queues and topic exist, so every client points at the local cloud here).
     */
    @Nested
    class ThroughTheGateway {
        @RegisterExtension
        final LocalCloudExtension cloud = new LocalCloudExtension(b -> b.builtInSns().smtp(0));

        @Test
        void bucketNotificationsThroughTheGateway() {
            ProvisionSettings settings = settings("d-");
            try (SnsClient cloudSns = SnsClient.builder().endpointOverride(cloud.endpoint()).region(cloud.region())
                    .credentialsProvider(cloud.credentials()).httpClient(ApacheHttpClient.create()).build()) {
                Provisioner provisioner = new Provisioner(cloud.s3(), cloud.sqs(), cloudSns, settings);
                provisioner.apply();

                GetBucketNotificationConfigurationResponse upload =
                        cloud.s3().getBucketNotificationConfiguration(r -> r.bucket("d-video-upload"));
                assertThat(upload.queueConfigurations()).singleElement().satisfies(q -> {
                    assertThat(q.queueArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:d-video-upload-events");
                    assertThat(q.eventsAsStrings()).containsExactly("s3:ObjectCreated:*");
                });
                GetBucketNotificationConfigurationResponse transcoded =
                        cloud.s3().getBucketNotificationConfiguration(r -> r.bucket("d-video-transcoded"));
                assertThat(transcoded.topicConfigurations()).allSatisfy(t -> {
                    assertThat(t.topicArn()).isEqualTo("arn:aws:sns:us-east-1:000000000000:d-transcoded-video-notifications");
                    assertThat(t.filter().key().filterRules()).hasSize(1);
                }).extracting(t -> t.filter().key().filterRules().get(0).value()).containsExactly(".mp4", ".m3u8");
                assertThat(provisioner.apply()).isEmpty();
            }
        }

        /**
         * A bucket provisioned before streaming has the one .mp4 rule: the next run replaces it by the two rules, and
         * then the local cloud notifies the topic of an MP4 and a master playlist, not of a segment or variant.
         */
        @Test
        void aSingleMp4RuleIsMigratedToTheTwoRulesAndOnlyRenditionsAndMastersNotify() throws Exception {
            ProvisionSettings settings = settings("m-");
            ProvisionSettings old = new ProvisionSettings(settings.uploadBucket(), settings.transcodedBucket(),
                    settings.uploadQueue(), settings.emailQueue(), settings.aclQueue(), settings.metadataQueue(),
                    settings.topic(), settings.deadLetterSuffix(), settings.maxReceiveCount(),
                    settings.maximumMessageSize(), 120, List.of(".mp4"), settings.emailSubscriptions(), true);
            try (SnsClient cloudSns = SnsClient.builder().endpointOverride(cloud.endpoint()).region(cloud.region())
                    .credentialsProvider(cloud.credentials()).httpClient(ApacheHttpClient.create()).build()) {
                new Provisioner(cloud.s3(), cloud.sqs(), cloudSns, old).apply();
                assertThat(cloud.s3().getBucketNotificationConfiguration(r -> r.bucket("m-video-transcoded"))
                        .topicConfigurations()).hasSize(1);

                Provisioner provisioner = new Provisioner(cloud.s3(), cloud.sqs(), cloudSns, settings);
                assertThat(provisioner.apply()).extracting(Change::kind).containsExactly("bucket-notification");
                assertThat(cloud.s3().getBucketNotificationConfiguration(r -> r.bucket("m-video-transcoded"))
                        .topicConfigurations()).extracting(t -> t.id() + " " + t.filter().key().filterRules().get(0).value())
                        .containsExactly("m-transcoded-video-notifications .mp4",
                                "m-transcoded-video-notifications.m3u8 .m3u8");
                assertThat(provisioner.apply()).isEmpty();

                String acl = cloud.sqs().getQueueUrl(r -> r.queueName("m-transcoded-video-acl")).queueUrl();
                for (String key : List.of("c/c/hls/640x360/seg-00000.m4s", "c/c/hls/640x360/index.m3u",
                        "c/c/c-poster.jpg", "c/c/c-720p.json", "c/c/c-720p.mp4", "c/c/c.m3u8")) {
                    cloud.s3().putObject(r -> r.bucket("m-video-transcoded").key(key),
                            software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
                }
                // the local cloud notifies in write order (one dispatcher thread): once the last two arrived, any
                // notification of the parts written before them would have too
                List<String> notified = new java.util.ArrayList<>();
                com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
                while (notified.size() < 2 && System.nanoTime() < deadline) {
                    for (var m : cloud.sqs().receiveMessage(r -> r.queueUrl(acl).maxNumberOfMessages(10)
                            .waitTimeSeconds(1)).messages()) {
                        cloud.sqs().deleteMessage(r -> r.queueUrl(acl).receiptHandle(m.receiptHandle()));
                        var event = json.readTree(json.readTree(m.body()).path("Message").asText());
                        event.path("Records").forEach(rec -> notified.add(rec.at("/s3/object/key").asText()));
                    }
                }
                // a last receive: nothing else arrives (the parts were put before the two that did notify)
                assertThat(cloud.sqs().receiveMessage(r -> r.queueUrl(acl).waitTimeSeconds(1)).messages()).isEmpty();
                assertThat(notified).containsExactlyInAnyOrder("c/c/c-720p.mp4", "c/c/c.m3u8");
            }
        }
    }

    /**
     * CORS rules on both buckets for the configured origins, through the local cloud (which answers preflights from
     * them): a re-run changes nothing, someone else's rule is kept, a changed origin list replaces only ours.
     */
    @Nested
    class CorsThroughTheGateway {
        @RegisterExtension
        final LocalCloudExtension cloud = new LocalCloudExtension(b -> b.builtInSns().smtp(0));

        @Test
        void provisioningSetsTheCorsRulesAndARerunChangesNothing() throws Exception {
            List<String> origins = List.of("http://127.0.0.1:8000", "http://localhost:8000");
            ProvisionSettings settings = settings("c-").withCorsAllowedOrigins(origins);
            try (SnsClient cloudSns = SnsClient.builder().endpointOverride(cloud.endpoint()).region(cloud.region())
                    .credentialsProvider(cloud.credentials()).httpClient(ApacheHttpClient.create()).build()) {
                Provisioner provisioner = new Provisioner(cloud.s3(), cloud.sqs(), cloudSns, settings);
                assertThat(provisioner.plan()).filteredOn(c -> c.kind().equals("bucket-cors")).extracting(Change::resource)
                        .containsExactly("c-video-transcoded", "c-video-upload");

                assertThat(provisioner.apply()).filteredOn(c -> c.kind().equals("bucket-cors")).hasSize(2);

                assertThat(cloud.s3().getBucketCors(r -> r.bucket("c-video-transcoded")).corsRules()).singleElement()
                        .satisfies(rule -> {
                            assertThat(rule.allowedOrigins()).containsExactlyElementsOf(origins);
                            assertThat(rule.allowedMethods()).containsExactly("GET", "HEAD");
                        });
                assertThat(cloud.s3().getBucketCors(r -> r.bucket("c-video-upload")).corsRules()).singleElement()
                        .satisfies(rule -> assertThat(rule.allowedMethods()).containsExactly("PUT", "POST"));
                assertThat(provisioner.apply()).isEmpty();
                HttpResponse<String> preflight = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(cloud.endpoint() + "/c-video-transcoded/a/a-720p.mp4"))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://localhost:8000")
                        .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Headers", "range").build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(preflight.statusCode()).isEqualTo(200);
                assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8000");

                software.amazon.awssdk.services.s3.model.CORSRule theirs = software.amazon.awssdk.services.s3.model.CORSRule
                        .builder().id("theirs").allowedOrigins("https://example.com").allowedMethods("GET").build();
                cloud.s3().putBucketCors(r -> r.bucket("c-video-transcoded").corsConfiguration(c -> c.corsRules(theirs)));
                Provisioner otherOrigin = new Provisioner(cloud.s3(), cloud.sqs(), cloudSns,
                        settings.withCorsAllowedOrigins(List.of("https://video.example.com")));
                assertThat(otherOrigin.apply()).extracting(Change::kind).containsExactly("bucket-cors", "bucket-cors");
                assertThat(cloud.s3().getBucketCors(r -> r.bucket("c-video-transcoded")).corsRules())
                        .extracting(r -> r.id() + " " + r.allowedOrigins())
                        .containsExactly("theirs [https://example.com]", "video-pipeline-playback [https://video.example.com]");
            }
        }
    }

    /**
     * The filter rule names on the wire: lower-case as AWS documents them (moto accepts nothing else), also for the
     * configurations of others that provision sends back; the local cloud takes both spellings and answers S3's
     * "Suffix", and a re-run sees no change.
     */
    @Nested
    class FilterRuleNames {
        @RegisterExtension
        final LocalCloudExtension cloud = new LocalCloudExtension(b -> b.builtInSns().smtp(0));

        @Test
        void filterRulesGoOutLowerCaseAndAReRunChangesNothing() throws Exception {
            ProvisionSettings settings = settings("f-");
            List<String> sentXml = new CopyOnWriteArrayList<>();
            try (SnsClient cloudSns = SnsClient.builder().endpointOverride(cloud.endpoint()).region(cloud.region())
                    .credentialsProvider(cloud.credentials()).httpClient(ApacheHttpClient.create()).build();
                 S3Client capturingS3 = S3Client.builder().endpointOverride(cloud.endpoint()).region(cloud.region())
                         .credentialsProvider(cloud.credentials()).forcePathStyle(true)
                         .httpClient(ApacheHttpClient.create())
                         .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                             @Override
                             public void beforeTransmission(Context.BeforeTransmission context,
                                                            ExecutionAttributes attributes) {
                                 if (context.request() instanceof PutBucketNotificationConfigurationRequest) {
                                     context.requestBody().ifPresent(body -> {
                                         try (var in = body.contentStreamProvider().newStream()) {
                                             sentXml.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                                         } catch (IOException e) {
                                             throw new java.io.UncheckedIOException(e);
                                         }
                                     });
                                 }
                             }
                         })).build()) {
                Provisioner provisioner = new Provisioner(capturingS3, cloud.sqs(), cloudSns, settings);
                provisioner.apply();

                assertThat(sentXml).hasSize(2);
                assertThat(sentXml.get(1)).contains("<Name>suffix</Name><Value>.mp4</Value>")
                        .contains("<Name>suffix</Name><Value>.m3u8</Value>").doesNotContain("Suffix");
                // What the local cloud kept, answered in S3's spelling: a re-run sees the same rules.
                assertThat(cloud.s3().getBucketNotificationConfiguration(r -> r.bucket("f-video-transcoded"))
                        .topicConfigurations()).allSatisfy(t -> assertThat(t.filter().key().filterRules())
                        .singleElement().satisfies(rule -> assertThat(rule.nameAsString()).isEqualTo("Suffix")))
                        .extracting(t -> t.filter().key().filterRules().get(0).value()).containsExactly(".mp4", ".m3u8");
                assertThat(provisioner.apply()).isEmpty();
                assertThat(provisioner.plan()).isEmpty();

                // Someone else's configuration, put with the SDK's "Prefix" (the local cloud takes that spelling
                // too), replaces ours: provision puts ours back and sends theirs with the documented name.
                String otherQueueArn = "arn:aws:sqs:us-east-1:000000000000:f-transcoded-video-acl-dlq";
                cloud.s3().putBucketNotificationConfiguration(r -> r.bucket("f-video-upload").notificationConfiguration(
                        n -> n.queueConfigurations(QueueConfiguration.builder().id("theirs").queueArn(otherQueueArn)
                                .eventsWithStrings("s3:ObjectCreated:Put").filter(f -> f.key(k -> k.filterRules(
                                        FilterRule.builder().name(FilterRuleName.PREFIX).value("incoming/").build())))
                                .build())));
                sentXml.clear();
                assertThat(provisioner.apply()).extracting(Change::kind).containsExactly("bucket-notification");
                assertThat(sentXml).singleElement().satisfies(xml -> assertThat(xml)
                        .contains("<Name>prefix</Name><Value>incoming/</Value>").doesNotContain("<Name>Prefix</Name>"));
                assertThat(cloud.s3().getBucketNotificationConfiguration(r -> r.bucket("f-video-upload"))
                        .queueConfigurations()).extracting(QueueConfiguration::id)
                        .containsExactlyInAnyOrder("theirs", settings.uploadQueue());
                assertThat(provisioner.apply()).isEmpty();
            }
        }
    }

    private static Map<QueueAttributeName, String> attributes(String queue) {
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
    }

    /** The S3 client with Get/PutBucketNotificationConfiguration answered from {@code store}, since S3Proxy lacks them. */
    @SuppressWarnings("unchecked")
    private static S3Client withNotifications(S3Client real, Map<String, NotificationConfiguration> store) {
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getBucketNotificationConfiguration" -> {
                            GetBucketNotificationConfigurationRequest request = args[0] instanceof Consumer<?> c
                                    ? GetBucketNotificationConfigurationRequest.builder()
                                    .applyMutation((Consumer<GetBucketNotificationConfigurationRequest.Builder>) c).build()
                                    : (GetBucketNotificationConfigurationRequest) args[0];
                            NotificationConfiguration n = store.getOrDefault(request.bucket(),
                                    NotificationConfiguration.builder().build());
                            return GetBucketNotificationConfigurationResponse.builder()
                                    .queueConfigurations(n.queueConfigurations())
                                    .topicConfigurations(n.topicConfigurations()).build();
                        }
                        case "putBucketNotificationConfiguration" -> {
                            PutBucketNotificationConfigurationRequest request = args[0] instanceof Consumer<?> c
                                    ? PutBucketNotificationConfigurationRequest.builder()
                                    .applyMutation((Consumer<PutBucketNotificationConfigurationRequest.Builder>) c).build()
                                    : (PutBucketNotificationConfigurationRequest) args[0];
                            store.put(request.bucket(), request.notificationConfiguration());
                            return PutBucketNotificationConfigurationResponse.builder().build();
                        }
                        default -> {
                            return invoke(real, method, args);
                        }
                    }
                });
    }

    /** The client, recording the name of every method called on it. */
    private static <T> T recording(Class<T> type, T target, List<String> calls) {
        InvocationHandler handler = (proxy, method, args) -> {
            calls.add(method.getName());
            return invoke(target, method, args);
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
