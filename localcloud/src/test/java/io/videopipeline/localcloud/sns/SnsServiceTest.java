package io.videopipeline.localcloud.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.videopipeline.localcloud.mail.MailServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import jakarta.mail.internet.MimeMessage;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sns.model.Topic;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** SnsService through the real SDK v2 SnsClient, delivering to ElasticMQ, GreenMail and a local HTTP server. */
class SnsServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private static SQSRestServer elasticMq;
    private static SqsClient sqs;
    private static MailServer mail;
    private static Path mailRoot;

    @TempDir
    Path dataDir;

    private SnsService service;
    private SnsHttpAdapter adapter;
    private SnsClient sns;

    @BeforeAll
    static void startBackends() throws IOException {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = elasticMq.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.create()).build();
        mailRoot = Files.createTempDirectory("sns-mail");
        mail = new MailServer("127.0.0.1", 0, mailRoot);
        mail.start();
    }

    @AfterAll
    static void stopBackends() {
        sqs.close();
        elasticMq.stopAndWait();
        mail.stop();
    }

    @BeforeEach
    void startSns() throws IOException {
        startSns(null);
    }

    private void startSns(Path stateDir) throws IOException {
        service = SnsService.builder().sqsClient(sqs).smtp("127.0.0.1", mail.port()).dataDir(stateDir)
                .retryDelays(List.of(Duration.ofMillis(50), Duration.ofMillis(100))).build();
        adapter = new SnsHttpAdapter(service);
        sns = SnsClient.builder().endpointOverride(adapter.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS).httpClient(ApacheHttpClient.create()).build();
    }

    @AfterEach
    void stopSns() {
        sns.close();
        adapter.close();
        service.close();
    }

    private String queue(String name) {
        return sqs.createQueue(r -> r.queueName(name)).queueUrl();
    }

    private static String queueArn(String name) {
        return "arn:aws:sqs:us-east-1:000000000000:" + name;
    }

    private List<Message> receive(String queueUrl, int count) {
        List<Message> messages = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            messages.addAll(sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages());
            return messages.size() >= count;
        });
        return messages;
    }

    @Test
    void createTopicIsIdempotentAndListed() {
        String arn = sns.createTopic(r -> r.name("orders")).topicArn();
        assertThat(arn).isEqualTo("arn:aws:sns:us-east-1:000000000000:orders");
        assertThat(sns.createTopic(r -> r.name("orders")).topicArn()).isEqualTo(arn);
        assertThat(sns.listTopics().topics()).extracting(Topic::topicArn).containsExactly(arn);

        sns.setTopicAttributes(r -> r.topicArn(arn).attributeName("DisplayName").attributeValue("Orders"));
        Map<String, String> attributes = sns.getTopicAttributes(r -> r.topicArn(arn)).attributes();
        assertThat(attributes).containsEntry("DisplayName", "Orders").containsEntry("TopicArn", arn)
                .containsEntry("Owner", "000000000000").containsEntry("SubscriptionsConfirmed", "0")
                .containsKey("Policy");
        assertThatThrownBy(() -> sns.createTopic(r -> r.name("orders").attributes(Map.of("DisplayName", "Other"))))
                .isInstanceOf(InvalidParameterException.class);

        sns.tagResource(r -> r.resourceArn(arn).tags(t -> t.key("team").value("video"), t -> t.key("env").value("dev")));
        sns.untagResource(r -> r.resourceArn(arn).tagKeys("env"));
        assertThat(sns.listTagsForResource(r -> r.resourceArn(arn)).tags())
                .extracting(t -> t.key() + "=" + t.value()).containsExactly("team=video");

        sns.deleteTopic(r -> r.topicArn(arn));
        sns.deleteTopic(r -> r.topicArn(arn)); // idempotent, as in AWS
        assertThat(sns.listTopics().topics()).isEmpty();
    }

    @Test
    void publishDeliversTheSnsEnvelopeToSqs() throws Exception {
        String queueUrl = queue("envelope-q");
        String topicArn = sns.createTopic(r -> r.name("envelope")).topicArn();
        String subscriptionArn = sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("envelope-q"))
                .returnSubscriptionArn(true)).subscriptionArn();
        assertThat(subscriptionArn).startsWith(topicArn + ":");
        assertThat(sns.listSubscriptionsByTopic(r -> r.topicArn(topicArn)).subscriptions())
                .extracting(Subscription::subscriptionArn, Subscription::protocol, Subscription::endpoint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(subscriptionArn, "sqs", queueArn("envelope-q")));
        assertThat(sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes())
                .containsEntry("SubscriptionsConfirmed", "1");

        String messageId = sns.publish(r -> r.topicArn(topicArn).subject("Hello").message("{\"k\":\"v\"}")
                .messageAttributes(Map.of("color", MessageAttributeValue.builder().dataType("String")
                        .stringValue("red").build()))).messageId();

        Message received = receive(queueUrl, 1).get(0);
        JsonNode envelope = JSON.readTree(received.body());
        List<String> fields = new ArrayList<>();
        envelope.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes");
        assertThat(envelope.get("Type").asText()).isEqualTo("Notification");
        assertThat(envelope.get("MessageId").asText()).isEqualTo(messageId);
        assertThat(envelope.get("TopicArn").asText()).isEqualTo(topicArn);
        assertThat(envelope.get("Subject").asText()).isEqualTo("Hello");
        assertThat(envelope.get("Message").asText()).isEqualTo("{\"k\":\"v\"}");
        assertThat(envelope.get("Timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(envelope.get("SignatureVersion").asText()).isEqualTo("1");
        assertThat(envelope.get("Signature").asText()).matches("[A-Za-z0-9+/=]{100,}");
        assertThat(envelope.get("UnsubscribeURL").asText())
                .endsWith("/?Action=Unsubscribe&SubscriptionArn=" + subscriptionArn);
        assertThat(envelope.get("MessageAttributes").get("color").get("Type").asText()).isEqualTo("String");
        assertThat(envelope.get("MessageAttributes").get("color").get("Value").asText()).isEqualTo("red");
        assertThat(received.body()).startsWith("{\n  \"Type\" : \"Notification\",\n");

        sns.publish(r -> r.topicArn(topicArn).message("no subject"));
        JsonNode second = JSON.readTree(receive(queueUrl, 1).get(0).body());
        assertThat(second.has("Subject")).isFalse();
        assertThat(second.has("MessageAttributes")).isFalse();
        assertThat(second.get("Message").asText()).isEqualTo("no subject");
    }

    @Test
    void rawMessageDeliveryAndFilterPolicies() {
        String rawUrl = queue("raw-q");
        String filteredUrl = queue("filtered-q");
        String topicArn = sns.createTopic(r -> r.name("raw")).topicArn();
        String rawArn = sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("raw-q"))
                .attributes(Map.of("RawMessageDelivery", "true"))).subscriptionArn();
        String filteredArn = sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("filtered-q")))
                .subscriptionArn();
        sns.setSubscriptionAttributes(r -> r.subscriptionArn(filteredArn).attributeName("FilterPolicy")
                .attributeValue("{\"color\":[\"blue\",{\"prefix\":\"gr\"}]}"));
        assertThat(sns.getSubscriptionAttributes(r -> r.subscriptionArn(rawArn)).attributes())
                .containsEntry("RawMessageDelivery", "true").containsEntry("PendingConfirmation", "false")
                .containsEntry("Protocol", "sqs");
        assertThat(sns.getSubscriptionAttributes(r -> r.subscriptionArn(filteredArn)).attributes())
                .containsEntry("FilterPolicyScope", "MessageAttributes");

        sns.publish(r -> r.topicArn(topicArn).message("red one").messageAttributes(Map.of("color",
                MessageAttributeValue.builder().dataType("String").stringValue("red").build())));
        sns.publish(r -> r.topicArn(topicArn).message("green one").messageAttributes(Map.of("color",
                MessageAttributeValue.builder().dataType("String").stringValue("green").build())));

        List<Message> raw = receive(rawUrl, 2);
        assertThat(raw).extracting(Message::body).containsExactlyInAnyOrder("red one", "green one");
        assertThat(raw.get(0).messageAttributes().get("color").dataType()).isEqualTo("String");
        List<Message> filtered = receive(filteredUrl, 1);
        assertThat(filtered).hasSize(1);
        assertThat(filtered.get(0).body()).contains("\"Message\" : \"green one\"");
        // the red message was filtered out, not merely late: a raw-delivered copy exists, no wrapped one
        assertThat(sqs.receiveMessage(r -> r.queueUrl(filteredUrl).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void publishBatchReportsSuccessesAndFailures() throws Exception {
        String queueUrl = queue("batch-q");
        String topicArn = sns.createTopic(r -> r.name("batch")).topicArn();
        sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("batch-q")));

        PublishBatchResponse response = sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("a").message("first").subject("One").build(),
                PublishBatchRequestEntry.builder().id("b").message("second").messageAttributes(Map.of("n",
                        MessageAttributeValue.builder().dataType("Number").stringValue("42").build())).build(),
                PublishBatchRequestEntry.builder().id("bad").message("third").subject("line\nbreak").build()));

        assertThat(response.successful()).extracting(e -> e.id()).containsExactly("a", "b");
        assertThat(response.successful()).allSatisfy(e -> assertThat(e.messageId()).isNotBlank());
        assertThat(response.failed()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEqualTo("bad");
            assertThat(f.code()).isEqualTo("InvalidParameter");
            assertThat(f.senderFault()).isTrue();
        });
        assertThat(adapter.lastParams).containsEntry("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Name", "n")
                .containsEntry("PublishBatchRequestEntries.member.2.MessageAttributes.entry.1.Value.DataType", "Number");

        List<String> messages = new ArrayList<>();
        for (Message m : receive(queueUrl, 2)) {
            messages.add(JSON.readTree(m.body()).get("Message").asText());
        }
        assertThat(messages).containsExactlyInAnyOrder("first", "second");

        assertThatThrownBy(() -> sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(
                PublishBatchRequestEntry.builder().id("x").message("1").build(),
                PublishBatchRequestEntry.builder().id("x").message("2").build())))
                .isInstanceOf(BatchEntryIdsNotDistinctException.class);
    }

    @Test
    void emailSubscriptionsSendMail() throws Exception {
        String topicArn = sns.createTopic(r -> r.name("mails").attributes(Map.of("DisplayName", "Video Pipeline")))
                .topicArn();
        String arn = sns.subscribe(r -> r.topicArn(topicArn).protocol("email").endpoint("ops@example.com"))
                .subscriptionArn();
        assertThat(arn).startsWith(topicArn + ":"); // confirmed at once: an ARN, not "pending confirmation"
        sns.subscribe(r -> r.topicArn(topicArn).protocol("email-json").endpoint("robot@example.com"));
        int before = mail.receivedMails().size();

        sns.publish(r -> r.topicArn(topicArn).subject("Rendition ready").message("clip-720p.mp4 is ready"));

        // SNS mails asynchronously, and the mail server files its .eml copy just before GreenMail stores the
        // message: wait for both views, not for one and then read the other.
        await().atMost(Duration.ofSeconds(10)).until(() -> mail.receivedMails().size() >= before + 2
                && recipients(mail.receivedMessages()).containsAll(List.of("ops@example.com", "robot@example.com")));
        List<MimeMessage> messages = new ArrayList<>();
        Collections.addAll(messages, mail.receivedMessages());
        MimeMessage plain = messages.stream().filter(m -> recipient(m).equals("ops@example.com")).findFirst().orElseThrow();
        assertThat(plain.getSubject()).isEqualTo("Rendition ready");
        assertThat(plain.getFrom()[0].toString()).contains("Video Pipeline").contains("no-reply@sns.amazonaws.com");
        assertThat(((String) plain.getContent())).startsWith("clip-720p.mp4 is ready").contains(arn);
        MimeMessage json = messages.stream().filter(m -> recipient(m).equals("robot@example.com")).findFirst().orElseThrow();
        assertThat(JSON.readTree((String) json.getContent()).get("Message").asText()).isEqualTo("clip-720p.mp4 is ready");

        List<Path> files = mail.receivedMails().subList(before, before + 2);
        assertThat(files).allSatisfy(f -> {
            assertThat(f.getParent()).isEqualTo(mailRoot.resolve("mail"));
            assertThat(f.getFileName().toString()).matches("\\d{8}-\\d{6}-\\d{3}-rendition-ready(-\\d+)?\\.eml");
            assertThat(Files.readString(f)).contains("Subject: Rendition ready");
        });

        int count = mail.receivedMails().size();
        sns.publish(r -> r.topicArn(topicArn).message("no subject given"));
        await().atMost(Duration.ofSeconds(10)).until(() -> mail.receivedMails().size() >= count + 2);
        assertThat(mail.receivedMails().get(count).getFileName().toString()).contains("aws-notification-message");
    }

    private static List<String> recipients(MimeMessage[] messages) {
        return Arrays.stream(messages).map(SnsServiceTest::recipient).toList();
    }

    private static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void httpSubscriptionsArePostedAndRetried() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/hook", exchange -> {
            // the first attempt fails: the delivery must be retried
            int status = calls.incrementAndGet() == 1 ? 500 : 200;
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            types.add(exchange.getRequestHeaders().getFirst("x-amz-sns-message-type"));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        endpoint.start();
        try {
            String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hook";
            String topicArn = sns.createTopic(r -> r.name("hooks")).topicArn();
            sns.subscribe(r -> r.topicArn(topicArn).protocol("http").endpoint(url));

            sns.publish(r -> r.topicArn(topicArn).message("ping"));

            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() >= 2);
            assertThat(types).containsOnly("Notification");
            JsonNode envelope = JSON.readTree(bodies.get(1));
            assertThat(envelope.get("Type").asText()).isEqualTo("Notification");
            assertThat(envelope.get("Message").asText()).isEqualTo("ping");
            assertThat(bodies.get(0)).isEqualTo(bodies.get(1));
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    void errorsUseAwsCodesAndStatuses() throws Exception {
        String missing = "arn:aws:sns:us-east-1:000000000000:missing";
        assertThatThrownBy(() -> sns.getTopicAttributes(r -> r.topicArn(missing)))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFound");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Topic does not exist");
                });
        assertThatThrownBy(() -> sns.publish(r -> r.topicArn(missing).message("x")))
                .isInstanceOf(NotFoundException.class);

        String topicArn = sns.createTopic(r -> r.name("errors")).topicArn();
        assertThatThrownBy(() -> sns.subscribe(r -> r.topicArn(topicArn).protocol("carrier-pigeon").endpoint("x")))
                .isInstanceOfSatisfying(InvalidParameterException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        assertThatThrownBy(() -> sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint("not-an-arn")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sns.subscribe(r -> r.topicArn(topicArn).protocol("email").endpoint("a@b.c")
                .attributes(Map.of("RawMessageDelivery", "true"))))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sns.publish(r -> r.topicArn(topicArn).message("")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> sns.getSubscriptionAttributes(r -> r.subscriptionArn(topicArn + ":nope")))
                .isInstanceOf(NotFoundException.class);

        HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(adapter.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Action=FlyToTheMoon&Version=2010-03-31")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("<Type>Sender</Type><Code>InvalidAction</Code>");
        assertThatThrownBy(() -> sns.listPhoneNumbersOptedOut())
                .isInstanceOfSatisfying(SnsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidAction"));
    }

    @Test
    void unsubscribeStopsDelivery() {
        String queueUrl = queue("unsub-q");
        String topicArn = sns.createTopic(r -> r.name("unsub")).topicArn();
        String arn = sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("unsub-q")))
                .subscriptionArn();
        // subscribing again with the same endpoint returns the same subscription
        assertThat(sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("unsub-q")))
                .subscriptionArn()).isEqualTo(arn);
        sns.unsubscribe(r -> r.subscriptionArn(arn));
        assertThat(sns.listSubscriptions().subscriptions()).extracting(Subscription::subscriptionArn).doesNotContain(arn);
        sns.publish(r -> r.topicArn(topicArn).message("nobody listens"));
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
    }

    @Test
    void stateSurvivesARestart() throws Exception {
        stopSns();
        startSns(dataDir);
        String queueUrl = queue("restart-q");
        String topicArn = sns.createTopic(r -> r.name("restart")).topicArn();
        String arn = sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("restart-q"))
                .attributes(Map.of("RawMessageDelivery", "true"))).subscriptionArn();
        sns.setTopicAttributes(r -> r.topicArn(topicArn).attributeName("DisplayName").attributeValue("Kept"));
        assertThat(dataDir.resolve("sns/state.json")).exists();

        stopSns();
        startSns(dataDir);

        assertThat(sns.listTopics().topics()).extracting(Topic::topicArn).containsExactly(topicArn);
        assertThat(sns.getTopicAttributes(r -> r.topicArn(topicArn)).attributes()).containsEntry("DisplayName", "Kept");
        assertThat(sns.getSubscriptionAttributes(r -> r.subscriptionArn(arn)).attributes())
                .containsEntry("RawMessageDelivery", "true");
        sns.publish(r -> r.topicArn(topicArn).message("after restart"));
        assertThat(receive(queueUrl, 1).get(0).body()).isEqualTo("after restart");
    }

    @Test
    void internalPublishFansOutLikeTheApi() {
        String queueUrl = queue("internal-q");
        String topicArn = sns.createTopic(r -> r.name("internal")).topicArn();
        sns.subscribe(r -> r.topicArn(topicArn).protocol("sqs").endpoint(queueArn("internal-q")));

        assertThat(service.topicExists(topicArn)).isTrue();
        assertThat(service.topicExists(topicArn + "-not")).isFalse();
        String messageId = service.publish(topicArn, "Amazon S3 Notification", "{\"Records\":[]}");

        assertThat(receive(queueUrl, 1).get(0).body()).contains("\"MessageId\" : \"" + messageId + "\"")
                .contains("\"Subject\" : \"Amazon S3 Notification\"");
        assertThatThrownBy(() -> service.publish("arn:aws:sns:us-east-1:000000000000:nope", null, "x"))
                .isInstanceOf(io.videopipeline.localcloud.sns.SnsException.class).hasMessage("Topic does not exist");
    }
}
