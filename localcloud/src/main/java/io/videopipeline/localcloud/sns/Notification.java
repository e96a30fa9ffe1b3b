package io.videopipeline.localcloud.sns;

import java.time.Instant;
import java.util.Map;

/**
 * One published message, before it is shaped for a subscription. {@code perProtocol} holds the messages of a
 * {@code MessageStructure=json} publish ("sqs", "email", …), empty otherwise.
 */
record Notification(String messageId, String topicArn, String subject, String message,
                    Map<String, String> perProtocol, Map<String, MessageAttribute> attributes, Instant timestamp) {

    String messageFor(String protocol) {
        return perProtocol.getOrDefault(protocol, message);
    }
}
