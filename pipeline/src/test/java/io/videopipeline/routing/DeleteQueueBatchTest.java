package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.localcloud.LocalCloudExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * How {@link DeleteQueue} gathers deletes into DeleteMessageBatch requests, on the local cloud's SQS: a delete that
 * finds none waiting waits out the batch window for others, a full batch goes at once, and
 * {@link DeleteQueue#sendWaiting()} (a stop's flush) does not wait for the window. The window is an hour here, so
 * nothing is sent by its running out while a test looks: what goes out went for the reason under test.
 */
class DeleteQueueBatchTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final Duration HOUR = Duration.ofHours(1);

    /** Entries of each delete request the client sent, in order: 1 for a DeleteMessage. */
    private final List<Integer> requests = new CopyOnWriteArrayList<>();
    private final List<String> gaveUp = new CopyOnWriteArrayList<>();
    private SqsClient sqs;
    private String queueUrl;
    private DeleteQueue deletes;

    @BeforeEach
    void aQueueAndAClientThatCountsDeletes() {
        queueUrl = CLOUD.createQueue("delete-batches-" + System.nanoTime());
        sqs = SqsClient.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(CLOUD.credentials())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof DeleteMessageRequest) {
                            requests.add(1);
                        } else if (context.request() instanceof DeleteMessageBatchRequest batch) {
                            requests.add(batch.entries().size());
                        }
                    }
                })).build();
    }

    @AfterEach
    void stop() {
        if (deletes != null) {
            deletes.close();
        }
        sqs.close();
    }

    @Test
    void deletesThatFindOthersWaitingGoOutTogetherInOneBatch() throws Exception {
        deletes = new DeleteQueue(sqs, Function.identity(), 1, Duration.ZERO, 10, HOUR, (d, why) -> gaveUp.add(why));
        receive(5).forEach(deletes::add);
        assertThat(deletes.awaitIdle(Duration.ofMillis(300))).as("waiting for the window").isFalse();
        assertThat(requests).isEmpty();

        deletes.sendWaiting();

        assertThat(deletes.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(requests).containsExactly(5);
        assertThat(gaveUp).isEmpty();
        assertThat(messagesLeft()).as("all five deleted").isZero();
    }

    @Test
    void aFullBatchGoesAtOnceWithoutWaitingForTheWindow() throws Exception {
        deletes = new DeleteQueue(sqs, Function.identity(), 1, Duration.ZERO, 10, HOUR, (d, why) -> gaveUp.add(why));
        List<DeleteQueue.Delete> twelve = receive(12);
        twelve.subList(0, 10).forEach(deletes::add);

        // an hour's window: only the full batch can have made these go
        assertThat(deletes.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(requests).containsExactly(10);

        twelve.subList(10, 12).forEach(deletes::add);
        assertThat(deletes.awaitIdle(Duration.ofMillis(300))).as("two wait for the window").isFalse();
        deletes.sendWaiting();

        assertThat(deletes.awaitIdle(Duration.ofSeconds(30))).isTrue();
        assertThat(requests).containsExactly(10, 2);
        assertThat(gaveUp).isEmpty();
        assertThat(messagesLeft()).isZero();
    }

    @Test
    void withoutAWindowEachDeleteGoesAtOnce() throws Exception {
        deletes = new DeleteQueue(sqs, Function.identity(), 1, Duration.ZERO, 10, Duration.ZERO,
                (d, why) -> gaveUp.add(why));
        for (DeleteQueue.Delete d : receive(3)) {
            deletes.add(d);
            assertThat(deletes.awaitIdle(Duration.ofSeconds(30))).isTrue();
        }

        assertThat(requests).containsExactly(1, 1, 1);
        assertThat(messagesLeft()).isZero();
    }

    /** {@code n} messages sent and received (hidden for a minute): what a consumer would hand over for deletion. */
    private List<DeleteQueue.Delete> receive(int n) {
        IntStream.range(0, n).forEach(i -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("m" + i)));
        List<DeleteQueue.Delete> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(60)
                    .waitTimeSeconds(1)).messages()) {
                received.add(new DeleteQueue.Delete(queueUrl, m.receiptHandle(), m.messageId(), 1));
            }
            return received.size() >= n;
        });
        assertThat(received).hasSize(n);
        return received;
    }

    /** Messages still on the queue, visible or not. */
    private int messagesLeft() {
        var attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }
}
