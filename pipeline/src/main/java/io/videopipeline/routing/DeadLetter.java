package io.videopipeline.routing;

import java.util.Map;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * One message to park: where, the body (the original SQS body, or its envelope holding only the failed record),
 * and exactly the attributes it carries ({@code pipeline-error}, {@code pipeline-route}, the original's own).
 */
public record DeadLetter(String queue, String body, Map<String, MessageAttributeValue> attributes) {

    public DeadLetter {
        attributes = Map.copyOf(attributes);
    }

    /** The reason recorded in {@code pipeline-error}. */
    public String reason() {
        MessageAttributeValue reason = attributes.get(DeadLetters.ERROR);
        return reason == null ? "" : reason.stringValue();
    }
}
