package io.videopipeline.localcloud.et;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A job's notifications to its pipeline's topics, in the JSON and with the subjects ET documented. */
final class EtJobNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(EtJobNotifications.class);

    private final ObjectMapper json;
    private final EtNotifier notifier;

    EtJobNotifications(ObjectMapper json, EtNotifier notifier) {
        this.json = json;
        this.notifier = notifier;
    }

    /** Publishes ET's notification JSON to the pipeline's topic for {@code event}, if one is set; {@code error} only with ERROR. */
    void publish(ObjectNode pipeline, EtJobEvent event, ObjectNode job, EtJobError error) {
        String topic = pipeline.path("Notifications").path(event.topicField()).asText("");
        if (topic.isEmpty()) {
            return;
        }
        String id = job.path("Id").asText();
        ObjectNode m = json.createObjectNode();
        m.put("state", event.name());
        if (error != null) {
            m.put("errorCode", error.code());
            m.put("messageDetails", error.messageDetails());
        }
        m.put("version", EtApiService.API_VERSION);
        m.put("jobId", id);
        m.put("pipelineId", job.path("PipelineId").asText());
        m.set("input", lowerCamel(job.path("Input")));
        if (job.has("OutputKeyPrefix")) {
            m.put("outputKeyPrefix", job.path("OutputKeyPrefix").asText());
        }
        ArrayNode outputs = m.putArray("outputs");
        for (JsonNode o : job.path("Outputs")) {
            ObjectNode n = outputs.addObject();
            n.put("id", o.path("Id").asText());
            n.put("presetId", o.path("PresetId").asText());
            n.put("key", o.path("Key").asText());
            n.put("status", o.path("Status").asText());
            if (o.hasNonNull("StatusDetail")) {
                n.put("statusDetail", o.path("StatusDetail").asText());
            }
            for (String field : List.of("Duration", "Width", "Height")) {
                if (o.has(field)) {
                    n.set(Character.toLowerCase(field.charAt(0)) + field.substring(1), o.get(field));
                }
            }
        }
        if (job.path("Playlists").size() > 0) {
            ArrayNode playlists = m.putArray("playlists");
            for (JsonNode p : job.path("Playlists")) {
                ObjectNode n = playlists.addObject();
                n.put("name", p.path("Name").asText());
                n.put("format", p.path("Format").asText());
                n.set("outputKeys", p.path("OutputKeys").deepCopy());
                n.put("status", p.path("Status").asText());
                if (p.hasNonNull("StatusDetail")) {
                    n.put("statusDetail", p.path("StatusDetail").asText());
                }
            }
        }
        if (job.path("UserMetadata").size() > 0) {
            m.set("userMetadata", job.get("UserMetadata").deepCopy());
        }
        try {
            notifier.publish(topic, event.subject(id), json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        } catch (JsonProcessingException e) {
            LOG.warn("Could not write notification for job {}: {}", id, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {} notification for job {} to {}: {}", event, id, topic, e.toString());
        }
    }

    /** {@code {"Key": ..., "DetectedProperties": {"Width": ...}}} → {@code {"key": ..., "detectedProperties": ...}}. */
    private ObjectNode lowerCamel(JsonNode node) {
        ObjectNode out = json.createObjectNode();
        node.fields().forEachRemaining(e -> {
            String name = Character.toLowerCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            out.set(name, e.getValue().isObject() ? lowerCamel(e.getValue()) : e.getValue().deepCopy());
        });
        return out;
    }
}
