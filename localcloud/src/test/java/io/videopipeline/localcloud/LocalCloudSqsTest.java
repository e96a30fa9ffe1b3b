package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** SQS through the gateway (ElasticMQ behind it), with the AWS SDK v2 and plain HTTP. */
class LocalCloudSqsTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    @Test
    void redrivesToTheDeadLetterQueueAfterMaxReceiveCount() {
        SqsClient sqs = CLOUD.sqs();
        String dlq = CLOUD.createQueue("jobs-dlq");
        String queue = sqs.createQueue(b -> b.queueName("jobs").attributes(Map.of(
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + CLOUD.queueArn("jobs-dlq") + "\",\"maxReceiveCount\":\"2\"}"))).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("poison"));

        for (int receive = 1; receive <= 2; receive++) {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(2)
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
            assertThat(got).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("poison"));
            // A failed consumer: make it visible again at once instead of waiting for the visibility timeout.
            sqs.changeMessageVisibility(b -> b.queueUrl(queue).receiptHandle(got.get(0).receiptHandle()).visibilityTimeout(0));
        }

        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();
        assertThat(sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(2)).messages())
                .extracting(Message::body).containsExactly("poison");
        assertThat(sqs.listDeadLetterSourceQueues(b -> b.queueUrl(dlq)).queueUrls()).containsExactly(queue);
    }

    @Test
    void aReceivedMessageStaysInvisibleUntilItsVisibilityTimeoutIsChanged() {
        SqsClient sqs = CLOUD.sqs();
        String queue = CLOUD.createQueue("visibility");
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("work"));

        Message first = sqs.receiveMessage(b -> b.queueUrl(queue).visibilityTimeout(30)).messages().get(0);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages()).isEmpty();

        sqs.changeMessageVisibility(b -> b.queueUrl(queue).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
        Message again = sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(2)).messages().get(0);
        assertThat(again.messageId()).isEqualTo(first.messageId());

        sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(again.receiptHandle()));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.ALL)).attributes())
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                .containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
    }

    @Test
    void answeringRequestsStartsNoThreadPerRequest() {
        SqsClient sqs = CLOUD.sqs();
        String queue = CLOUD.createQueue("no-thread-per-request");
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody("warm-up")); // pools and connections exist after this
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();
        for (int i = 0; i < 100; i++) {
            int n = i;
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody("m" + n));
        }
        // on 2 cores the common pool runs each task on a new thread: 200 threads here when a stage used it
        assertThat(threads.getTotalStartedThreadCount() - before).as("threads started for 100 requests")
                .isLessThan(10);
    }

    @Test
    void longPollingReturnsAMessageSentWhileWaiting() {
        String queue = CLOUD.createQueue("long-poll");
        var poll = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> CLOUD.sqs().receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(10)).messages());
        CLOUD.sqs().sendMessageBatch(b -> b.queueUrl(queue).entries(e -> e.id("1").messageBody("late")));
        assertThat(poll.join()).extracting(Message::body).containsExactly("late");
    }

    @Test
    void unknownQueueIsQueueDoesNotExist() {
        assertThatThrownBy(() -> CLOUD.sqs().getQueueUrl(b -> b.queueName("no-such-queue")))
                .isInstanceOf(QueueDoesNotExistException.class);
        assertThatThrownBy(() -> CLOUD.sqs().sendMessage(b -> b.queueUrl(CLOUD.endpoint() + "/000000000000/no-such-queue").messageBody("x")))
                .isInstanceOf(QueueDoesNotExistException.class);
    }

    @Test
    void badSignaturesAndUnknownKeysAreRefusedWithAwsErrors() {
        try (SqsClient wrongSecret = client("test", "wrong"); SqsClient unknownKey = client("nobody", "test")) {
            assertThatThrownBy(() -> wrongSecret.listQueues()).isInstanceOfSatisfying(SqsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
            });
            assertThatThrownBy(() -> unknownKey.listQueues()).isInstanceOfSatisfying(SqsException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
            });
        }
    }

    @Test
    void unsignedRequestsGetMissingAuthenticationToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> json = http.send(HttpRequest.newBuilder(CLOUD.endpoint())
                .header("X-Amz-Target", "AmazonSQS.ListQueues")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(403);
        assertThat(json.headers().firstValue("x-amzn-query-error")).hasValue("MissingAuthenticationToken;Sender");
        assertThat(json.body()).contains("\"__type\":\"com.amazon.coral.service#MissingAuthenticationToken\"");

        HttpResponse<String> query = http.send(HttpRequest.newBuilder(URI.create(CLOUD.endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Action=ListQueues&Version=2012-11-05")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(query.statusCode()).isEqualTo(403);
        assertThat(query.body()).contains("<Code>MissingAuthenticationToken</Code>").contains("<ErrorResponse");
    }

    @Test
    void snsRequestsWithoutAnSnsServiceGetAnAwsError() {
        try (var sns = software.amazon.awssdk.services.sns.SnsClient.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(CLOUD.credentials())
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create()).build()) {
            assertThatThrownBy(() -> sns.listTopics()).isInstanceOfSatisfying(
                    software.amazon.awssdk.services.sns.model.SnsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
                    });
        }
    }

    private static SqsClient client(String accessKey, String secretKey) {
        return SqsClient.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(software.amazon.awssdk.http.apache.ApacheHttpClient.create())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)))
                .build();
    }

}
