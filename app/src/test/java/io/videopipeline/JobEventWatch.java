package io.videopipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What a test sees of the job event stream: a queue of its own subscribed to the {@code transcode-job-events} topic
 * (provisioned at start), beside the pipeline's subscribers; every event read is kept, by the upload it is about.
 */
public final class JobEventWatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String queueUrl;
    private final List<JsonNode> seen = new ArrayList<>();

    public JobEventWatch(PipelineTestApp app) {
        this.sqs = app.sqs();
        this.queueUrl = app.watch("transcode-job-events", "job-event-watch");
    }

    /** The events of one upload seen so far, once at least {@code count} have arrived. */
    public synchronized List<JsonNode> await(String key, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                seen.add(JSON.readTree(JSON.readTree(m.body()).get("Message").asText()));
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
            return of(key).size() >= count;
        });
        return of(key);
    }

    private List<JsonNode> of(String key) {
        return seen.stream().filter(e -> e.path("input").path("key").asText().equals(key)).toList();
    }
}
