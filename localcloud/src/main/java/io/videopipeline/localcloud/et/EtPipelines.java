package io.videopipeline.localcloud.et;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.videopipeline.logging.LogText;

/** ET's pipeline operations: Create, Read, List, Delete, UpdatePipelineStatus, UpdatePipelineNotifications. */
final class EtPipelines {

    private static final Logger LOG = LoggerFactory.getLogger(EtPipelines.class);

    private final ObjectMapper json;
    private final EtState state;
    private final EtJobScheduler scheduler;

    EtPipelines(ObjectMapper json, EtState state, EtJobScheduler scheduler) {
        this.json = json;
        this.state = state;
        this.scheduler = scheduler;
    }

    ObjectNode createPipeline(JsonNode req) {
        synchronized (state) {
            String name = EtRequests.requiredText(req, "Name", "name");
            if (name.length() > 40) {
                throw EtApiException.validation("1 validation error detected: Value '" + name + "' at 'name' failed to"
                        + " satisfy constraint: Member must have length less than or equal to 40");
            }
            String input = EtRequests.requiredText(req, "InputBucket", "inputBucket");
            String role = EtRequests.requiredText(req, "Role", "role");
            String output = EtRequests.text(req, "OutputBucket");
            String content = EtRequests.text(req.path("ContentConfig"), "Bucket");
            if (output == null) {
                output = content;
            }
            if (output == null) {
                throw EtApiException.validation("Either OutputBucket or ContentConfig:Bucket must be specified.");
            }
            if (EtRequests.text(req, "AwsKmsKeyArn") != null) {
                LOG.info("Local Elastic Transcoder: pipeline '{}' names a KMS key; outputs are not encrypted here",
                        LogText.safe(name));
            }
            String id = state.newId();
            ObjectNode p = json.createObjectNode();
            p.put("Id", id);
            p.put("Arn", state.arn("pipeline", id));
            p.put("Name", name);
            p.put("Status", "Active");
            p.put("InputBucket", input);
            p.put("OutputBucket", output);
            p.put("Role", role);
            if (EtRequests.text(req, "AwsKmsKeyArn") != null) {
                p.put("AwsKmsKeyArn", EtRequests.text(req, "AwsKmsKeyArn"));
            }
            p.set("Notifications", notifications(req.path("Notifications")));
            p.set("ContentConfig", outputConfig(req.path("ContentConfig"), output));
            p.set("ThumbnailConfig", outputConfig(req.path("ThumbnailConfig"), output));
            state.pipelines.put(id, p);
            state.persist();
            LOG.info("Local Elastic Transcoder: created pipeline {} '{}' ({} -> {})", id, LogText.safe(name),
                    LogText.safe(input), LogText.safe(output));
            ObjectNode res = json.createObjectNode();
            res.set("Pipeline", p.deepCopy());
            res.putArray("Warnings");
            return res;
        }
    }

    private ObjectNode notifications(JsonNode given) {
        ObjectNode n = json.createObjectNode();
        for (EtJobEvent event : EtJobEvent.values()) {
            String field = event.topicField();
            String topic = EtRequests.text(given, field);
            n.put(field, topic == null ? "" : topic);
        }
        return n;
    }

    private ObjectNode outputConfig(JsonNode given, String bucket) {
        ObjectNode c = json.createObjectNode();
        String own = EtRequests.text(given, "Bucket");
        c.put("Bucket", own == null ? bucket : own);
        if (EtRequests.text(given, "StorageClass") != null) {
            c.put("StorageClass", EtRequests.text(given, "StorageClass"));
        }
        c.set("Permissions", given.path("Permissions").isArray() ? given.get("Permissions").deepCopy()
                : json.createArrayNode());
        return c;
    }

    ObjectNode readPipeline(String id) {
        synchronized (state) {
            ObjectNode res = json.createObjectNode();
            res.set("Pipeline", state.pipeline(id).deepCopy());
            res.putArray("Warnings");
            return res;
        }
    }

    ObjectNode listPipelines(Map<String, String> query) {
        synchronized (state) {
            ObjectNode res = json.createObjectNode();
            String next = EtRequests.page(new ArrayList<>(state.pipelines.keySet()), query, res.putArray("Pipelines"),
                    id -> state.pipelines.get(id).deepCopy());
            EtRequests.putNext(res, next);
            return res;
        }
    }

    ObjectNode deletePipeline(String id) {
        synchronized (state) {
            state.pipeline(id);
            for (ObjectNode job : state.jobs.values()) {
                if (id.equals(job.path("PipelineId").asText())
                        && (EtJobStatus.SUBMITTED.of(job) || EtJobStatus.PROGRESSING.of(job))) {
                    throw EtApiException.inUse("The pipeline " + id + " has jobs that are Submitted or Progressing: "
                            + job.path("Id").asText() + ".");
                }
            }
            state.pipelines.remove(id);
            state.persist();
            return json.createObjectNode();
        }
    }

    ObjectNode updatePipelineStatus(String id, JsonNode req) {
        String status = EtRequests.requiredText(req, "Status", "status");
        if (!status.equals("Active") && !status.equals("Paused")) {
            throw EtApiException.validation("1 validation error detected: Value '" + status + "' at 'status' failed"
                    + " to satisfy constraint: Member must satisfy regular expression pattern: (^Active$)|(^Paused$)");
        }
        List<String> resume = new ArrayList<>();
        ObjectNode res = json.createObjectNode();
        synchronized (state) {
            ObjectNode p = state.pipeline(id);
            boolean wasPaused = "Paused".equals(p.path("Status").asText());
            p.put("Status", status);
            state.persist();
            if (wasPaused && status.equals("Active")) {
                for (ObjectNode job : state.jobs.values()) {
                    if (id.equals(job.path("PipelineId").asText()) && EtJobStatus.SUBMITTED.of(job)) {
                        resume.add(job.path("Id").asText());
                    }
                }
            }
            res.set("Pipeline", p.deepCopy());
        }
        resume.forEach(scheduler::schedule);
        return res;
    }

    ObjectNode updatePipelineNotifications(String id, JsonNode req) {
        synchronized (state) {
            ObjectNode p = state.pipeline(id);
            if (!req.has("Notifications")) {
                throw EtApiException.validation("1 validation error detected: Value null at 'notifications' failed to"
                        + " satisfy constraint: Member must not be null");
            }
            p.set("Notifications", notifications(req.path("Notifications")));
            state.persist();
            ObjectNode res = json.createObjectNode();
            res.set("Pipeline", p.deepCopy());
            return res;
        }
    }
}
