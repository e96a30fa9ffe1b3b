package io.videopipeline.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.event.PoisonMessageException;
import io.videopipeline.media.SourceMetadata;

import java.util.Map;

/**
 * Reads job-state messages of the asynchronous transcoders from an SQS body:
 * <ul>
 *   <li>Elastic Transcoder: the pipeline's {@code Notifications} topics publish JSON with {@code state},
 *       {@code jobId}, {@code input.key}, {@code errorCode}, {@code messageDetails}, {@code outputs[].statusDetail}
 *       and the job's {@code userMetadata}; it arrives wrapped in the SNS envelope.</li>
 *   <li>MediaConvert: an EventBridge rule on {@code source: aws.mediaconvert}, {@code detail-type: MediaConvert Job
 *       State Change} targeting the queue; {@code detail.status}, {@code detail.jobId}, {@code detail.errorMessage},
 *       {@code detail.userMetadata}.</li>
 * </ul>
 * Anything else is a poison message.
 */
public final class JobStateIntake {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JobStateEvent parse(String body) {
        JsonNode root = read(body, "message body");
        if ("Notification".equals(root.path("Type").asText()) && root.hasNonNull("Message")) {
            root = read(root.get("Message").asText(), "SNS Message");
        }
        if ("aws.mediaconvert".equals(root.path("source").asText())) {
            return mediaConvert(root.path("detail"));
        }
        if (root.hasNonNull("state") && root.hasNonNull("jobId")) {
            return elasticTranscoder(root);
        }
        throw new PoisonMessageException("not an Elastic Transcoder notification or a MediaConvert job event");
    }

    private static JobStateEvent elasticTranscoder(JsonNode n) {
        StringBuilder reason = new StringBuilder();
        if (n.hasNonNull("errorCode")) {
            reason.append(n.get("errorCode").asText()).append(' ');
        }
        reason.append(n.path("messageDetails").asText(""));
        for (JsonNode output : n.path("outputs")) {
            if (output.hasNonNull("statusDetail")) {
                reason.append(reason.isEmpty() ? "" : "; ").append(output.get("statusDetail").asText());
                break;
            }
        }
        Map<String, String> user = userMetadata(n.path("userMetadata"));
        String key = user.getOrDefault("source-key", n.path("input").path("key").asText(""));
        // the pipeline's own job event stream (jobs package) has ET's shape and names its backend
        return new JobStateEvent(n.path("backend").asText("elastictranscoder"), n.path("jobId").asText(),
                n.path("state").asText(),
                user.getOrDefault("source-bucket", ""), key, reason.toString().trim());
    }

    private static JobStateEvent mediaConvert(JsonNode d) {
        String status = d.path("status").asText();
        String state = switch (status) {
            case "COMPLETE" -> "COMPLETED";
            case "PROGRESSING", "ERROR" -> status;
            default -> status.isEmpty() ? "UNKNOWN" : status;
        };
        Map<String, String> user = userMetadata(d.path("userMetadata"));
        String reason = d.hasNonNull("errorCode") ? d.get("errorCode").asText() + " " : "";
        return new JobStateEvent("mediaconvert", d.path("jobId").asText(), state, user.getOrDefault("source-bucket", ""),
                user.getOrDefault("source-key", ""), (reason + d.path("errorMessage").asText("")).trim());
    }

    private static Map<String, String> userMetadata(JsonNode node) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return SourceMetadata.decode(values);
    }

    private static JsonNode read(String text, String what) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new PoisonMessageException(what + " is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new PoisonMessageException(what + " is not JSON: " + e.getOriginalMessage());
        }
    }
}
