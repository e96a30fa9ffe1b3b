package io.videopipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.localcloud.LocalCloudExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * On the local cloud's SQS through the real SDK: a 20 s long poll in flight ends at once with no messages when
 * {@link EndableLongPolls#end()} is called, later receives answer at once without asking the server, and other
 * calls are untouched: a message sent afterwards reaches the queue.
 */
class EndableLongPollsTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    @Test
    void endingAnswersTheLongPollInFlightAndLaterOnesAtOnceAndLeavesOtherCallsAlone() throws Exception {
        String queueUrl = CLOUD.createQueue("long-polls");
        EndableLongPolls http = new EndableLongPolls(ApacheHttpClient.builder().build());
        try (SqsClient sqs = SqsClient.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(CLOUD.credentials()).httpClient(http).build()) {
            CompletableFuture<List<Message>> poll = CompletableFuture.supplyAsync(() ->
                    sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(20)).messages());
            await().atMost(Duration.ofSeconds(10)).until(() -> http.inFlight() == 1);

            long started = System.nanoTime();
            http.end();
            List<Message> answered = poll.get(5, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;

            assertThat(answered).isEmpty();
            assertThat(seconds).as("the 20 s long poll ended at once").isLessThan(3);
            assertThat(http.inFlight()).isZero();

            // Sends still work; a receive after end() answers at once and takes nothing.
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("for the next runner"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(20)).messages()).isEmpty();
        } finally {
            http.close();
        }
        // The message is there: visible, or handed to the abandoned receive the server still holds until its 20 s
        // are up, and then invisible for the visibility timeout (late, not lost: README, Reliability).
        Map<QueueAttributeName, String> counts = CLOUD.sqs().getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        assertThat(counts.values().stream().mapToInt(Integer::parseInt).sum()).isEqualTo(1);
    }
}
