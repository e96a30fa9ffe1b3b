package io.videopipeline.localcloud.et;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.videopipeline.s3.S3Objects;
import io.videopipeline.logging.LogText;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** ET's job operations: CreateJob (checked as ET checks it), ReadJob, CancelJob, ListJobsByPipeline/ByStatus. */
final class EtJobs {

    private static final Logger LOG = LoggerFactory.getLogger(EtJobs.class);
    private static final Pattern METADATA_TEXT = Pattern.compile("[0-9A-Za-z _.:/=+\\-%@]*");
    private static final Set<String> UNSUPPORTED_OUTPUT_FIELDS = Set.of("Watermarks", "AlbumArt", "Composition",
            "Captions", "Encryption", "ThumbnailEncryption");

    private final S3Client s3;
    private final ObjectMapper json;
    private final EtPresets presets;
    private final EtState state;
    private final EtJobScheduler scheduler;

    EtJobs(S3Client s3, ObjectMapper json, EtPresets presets, EtState state, EtJobScheduler scheduler) {
        this.s3 = s3;
        this.json = json;
        this.presets = presets;
        this.state = state;
        this.scheduler = scheduler;
    }

    ObjectNode createJob(JsonNode req) {
        String pipelineId = EtRequests.requiredText(req, "PipelineId", "pipelineId");
        String outputBucket;
        synchronized (state) {
            outputBucket = state.pipeline(pipelineId).path("OutputBucket").asText();
        }
        JsonNode input = req.get("Input");
        if (input == null && req.path("Inputs").isArray()) {
            if (req.get("Inputs").size() != 1) {
                throw EtApiException.validation("Jobs with " + req.get("Inputs").size() + " Inputs (clip stitching)"
                        + " are not supported by the local Elastic Transcoder; give exactly one Input.");
            }
            input = req.get("Inputs").get(0);
        }
        if (input == null || !input.isObject()) {
            throw EtApiException.validation("1 validation error detected: Value null at 'input' failed to satisfy"
                    + " constraint: Member must not be null");
        }
        String inputKey = EtRequests.requiredText(input, "Key", "input.key");
        if (inputKey.length() > 1024) {
            throw EtApiException.validation("Input:Key must be at most 1024 characters, got " + inputKey.length());
        }
        for (String field : List.of("Encryption", "TimeSpan", "InputCaptions")) {
            if (input.has(field) && !input.get(field).isNull()) {
                throw EtApiException.unsupported("Input:" + field);
            }
        }
        List<JsonNode> requested = new ArrayList<>();
        if (req.path("Outputs").isArray()) {
            req.get("Outputs").forEach(requested::add);
        } else if (req.path("Output").isObject()) {
            requested.add(req.get("Output"));
        }
        if (requested.isEmpty()) {
            throw EtApiException.validation("A job must have at least one output: specify Outputs.");
        }
        if (requested.size() > 30) {
            throw EtApiException.validation("A job can have at most 30 outputs, got " + requested.size() + ".");
        }
        String prefix = EtRequests.text(req, "OutputKeyPrefix");
        Map<String, String> userMetadata = userMetadata(req.path("UserMetadata"));

        ArrayNode outputs = json.createArrayNode();
        List<String> fullKeys = new ArrayList<>();
        Map<String, String> segmentDurations = new LinkedHashMap<>();
        for (int i = 0; i < requested.size(); i++) {
            JsonNode out = requested.get(i);
            String key = EtRequests.requiredText(out, "Key", "outputs." + (i + 1) + ".member.key");
            String presetId = EtRequests.requiredText(out, "PresetId", "outputs." + (i + 1) + ".member.presetId");
            if (presets.find(presetId).isEmpty()) {
                throw EtApiException.validation("The specified preset was not found: presetId=" + presetId
                        + ". Known presets: " + presets.ids());
            }
            for (String field : UNSUPPORTED_OUTPUT_FIELDS) {
                JsonNode value = out.get(field);
                if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                    throw EtApiException.unsupported("Outputs:" + field);
                }
            }
            String segment = EtRequests.text(out, "SegmentDuration");
            EtPlaylists.checkSegment(key, presetId, EtPresets.segmented(presets.find(presetId).orElseThrow()),
                    segment);
            String thumbnails = EtRequests.text(out, "ThumbnailPattern");
            if (thumbnails != null && !thumbnails.isEmpty()) {
                EtPlaylists.checkThumbnailPattern(key, thumbnails);
            }
            String rotate = EtRequests.text(out, "Rotate");
            if (rotate != null && !rotate.equals("auto") && !rotate.equals("0")) {
                throw EtApiException.unsupported("Outputs:Rotate " + rotate);
            }
            String full = (prefix == null ? "" : prefix) + key;
            if (fullKeys.contains(full) || segmentDurations.containsKey(key)) {
                throw EtApiException.validation("Output keys must be unique within a job: " + full);
            }
            // a segmented output's Key starts its file names: its variant playlist is the object that must be new
            fullKeys.add(segment == null || segment.isEmpty() ? full : full + ".m3u8");
            segmentDurations.put(key, segment == null || segment.isEmpty() ? null : segment);
            ObjectNode o = outputs.addObject();
            o.put("Id", String.valueOf(i + 1));
            o.put("Key", key);
            if (thumbnails != null) {
                o.put("ThumbnailPattern", thumbnails);
            }
            if (segment != null) {
                o.put("SegmentDuration", segment);
            }
            if (rotate != null) {
                o.put("Rotate", rotate);
            }
            o.put("PresetId", presetId);
            o.putArray("Watermarks");
            o.put("Status", EtJobStatus.SUBMITTED.wireName());
        }
        ArrayNode playlists = EtPlaylists.check(json, req.get("Playlists"), segmentDurations);
        for (JsonNode p : playlists) {
            String master = (prefix == null ? "" : prefix) + p.path("Name").asText() + ".m3u8";
            if (fullKeys.contains(master)) {
                throw EtApiException.validation("Playlist '" + p.path("Name").asText() + "' would write " + master
                        + ", which another output or playlist of this job writes too.");
            }
            fullKeys.add(master);
        }
        for (String key : fullKeys) {
            if (objectExists(outputBucket, key)) {
                throw EtApiException.validation("The specified object could not be saved in the specified bucket"
                        + " because an object by that name already exists: bucket=" + outputBucket + ", key=" + key
                        + ".");
            }
        }

        ObjectNode job = json.createObjectNode();
        ObjectNode res = json.createObjectNode();
        String id;
        synchronized (state) {
            state.pipeline(pipelineId); // may have been deleted meanwhile
            id = state.newId();
            job.put("Id", id);
            job.put("Arn", state.arn("job", id));
            job.put("PipelineId", pipelineId);
            job.set("Input", input.deepCopy());
            if (prefix != null) {
                job.put("OutputKeyPrefix", prefix);
            }
            job.set("Outputs", outputs);
            job.set("Playlists", playlists);
            job.put("Status", EtJobStatus.SUBMITTED.wireName());
            ObjectNode meta = job.putObject("UserMetadata");
            userMetadata.forEach(meta::put);
            job.putObject("Timing").put("SubmitTimeMillis", System.currentTimeMillis());
            state.jobs.put(id, job);
            state.persist();
            res.set("Job", state.render(job)); // as submitted: the worker may start it at once
        }
        LOG.info("Local Elastic Transcoder: job {} submitted on pipeline {}: {} -> {}", id, pipelineId,
                LogText.safe(inputKey), fullKeys.stream().map(LogText::safe).toList());
        scheduler.schedule(id);
        return res;
    }

    private Map<String, String> userMetadata(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return metadata;
        }
        if (!node.isObject()) {
            throw EtApiException.validation("UserMetadata must be a map of strings");
        }
        if (node.size() > 10) {
            throw EtApiException.validation("UserMetadata can have at most 10 key/value pairs, got " + node.size());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String value = e.getValue().asText();
            if (key.isEmpty() || key.length() > 128 || !METADATA_TEXT.matcher(key).matches()) {
                throw EtApiException.validation("UserMetadata key '" + key + "' must be 1-128 characters from"
                        + " 0-9, A-Z, a-z, space and _.:/=+-%@");
            }
            if (value.length() > 256 || !METADATA_TEXT.matcher(value).matches()) {
                throw EtApiException.validation("UserMetadata value of '" + key + "' must be 0-256 characters from"
                        + " 0-9, A-Z, a-z, space and _.:/=+-%@");
            }
            metadata.put(key, value);
        }
        return metadata;
    }

    private boolean objectExists(String bucket, String key) {
        try {
            // ET answers a missing bucket with a validation error of its own, so that one is not "no such object"
            return S3Objects.headOrNullInExistingBucket(s3, bucket, key) != null;
        } catch (SdkException e) {
            if (S3Objects.isNoSuchBucket(e)) {
                throw EtApiException.validation("The specified S3 bucket does not exist: bucket=" + bucket + ".");
            }
            throw EtApiException.internal("cannot check output bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage());
        }
    }

    ObjectNode readJob(String id) {
        synchronized (state) {
            ObjectNode res = json.createObjectNode();
            res.set("Job", state.render(state.job(id)));
            return res;
        }
    }

    ObjectNode cancelJob(String id) {
        synchronized (state) {
            ObjectNode job = state.job(id);
            if (!EtJobStatus.SUBMITTED.of(job)) {
                throw EtApiException.inUse("The job " + id + " cannot be canceled because its status is "
                        + job.path("Status").asText()
                        + "; only Submitted jobs can be canceled.");
            }
            EtState.setStatus(job, EtJobStatus.CANCELED);
            state.persist();
        }
        LOG.info("Local Elastic Transcoder: job {} canceled", id);
        return json.createObjectNode();
    }

    ObjectNode listJobsByPipeline(String pipelineId, Map<String, String> query) {
        synchronized (state) {
            state.pipeline(pipelineId);
            List<String> ids = state.jobs.values().stream().filter(j -> pipelineId.equals(j.path("PipelineId").asText()))
                    .map(j -> j.path("Id").asText()).toList();
            ObjectNode res = json.createObjectNode();
            EtRequests.putNext(res, EtRequests.page(ids, query, res.putArray("Jobs"), id -> state.render(state.jobs.get(id))));
            return res;
        }
    }

    ObjectNode listJobsByStatus(String status, Map<String, String> query) {
        synchronized (state) {
            EtJobStatus wanted = EtJobStatus.fromWire(status);
            if (wanted == null) {
                throw EtApiException.validation("1 validation error detected: Value '" + status + "' at 'status' failed"
                        + " to satisfy constraint: Member must be one of "
                        + Arrays.stream(EtJobStatus.values()).map(EtJobStatus::wireName).toList());
            }
            List<String> ids = state.jobs.values().stream().filter(wanted::of)
                    .map(j -> j.path("Id").asText()).toList();
            ObjectNode res = json.createObjectNode();
            EtRequests.putNext(res, EtRequests.page(ids, query, res.putArray("Jobs"), id -> state.render(state.jobs.get(id))));
            return res;
        }
    }
}
