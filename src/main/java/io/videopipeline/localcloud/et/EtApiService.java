package io.videopipeline.localcloud.et;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.aws.S3Objects;
import io.videopipeline.localcloud.gateway.AwsResponse;
import io.videopipeline.localcloud.gateway.AwsRestService;
import io.videopipeline.transcode.FfmpegSettings;
import io.videopipeline.transcode.LogText;
import io.videopipeline.transcode.Preset;
import io.videopipeline.transcode.PresetCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Elastic Transcoder API (version 2012-09-25, REST-JSON) for the local cloud, so the AWS SDKs and the AWS CLI
 * work against it unchanged. AWS shut the service down on 2025-11-13; this keeps the seed's
 * {@code transcode-video} flow runnable locally.
 *
 * <p>Operations: CreatePipeline, ReadPipeline, ListPipelines, UpdatePipelineStatus, UpdatePipelineNotifications,
 * DeletePipeline, CreateJob, ReadJob, CancelJob (only while {@code Submitted}), ListJobsByPipeline,
 * ListJobsByStatus, ReadPreset, ListPresets. Presets are the system presets of the {@link PresetCatalog} (those
 * with an {@code etPresetId}); custom presets, playlists, thumbnails, watermarks, captions, clips and encryption
 * are refused with a {@code ValidationException} that says so.
 *
 * <p>Jobs run asynchronously on a small executor with the ffmpeg backend's parts ({@link EtJobRunner}):
 * {@code Submitted → Progressing → Complete | Error}, with {@code Timing}, {@code Input.DetectedProperties} and
 * per-output {@code Status}/{@code StatusDetail}/size/duration. A {@code Paused} pipeline keeps its jobs
 * {@code Submitted} until it is {@code Active} again (ET's way to hold jobs, e.g. to cancel one). Notifications go
 * to the pipeline's topics through the {@link EtNotifier}, in ET's documented JSON.
 *
 * <p>Differences from AWS, on purpose: the outputs carry the job's user metadata as S3 user metadata (plus
 * {@code preset}), so renditions made here look like the ffmpeg backend's to the rest of the pipeline and the
 * idempotency check can find them; the IAM role is stored, never assumed.
 *
 * <p>Pipelines and jobs live in memory and, with a data dir, in {@code pipelines.json}/{@code jobs.json} there.
 * After a restart, {@code Submitted} jobs run again and jobs that were {@code Progressing} end in {@code Error}.
 * Thread-safe; {@link #close()} stops the workers (a running ffmpeg is killed).
 */
public final class EtApiService implements AwsRestService, AutoCloseable {

    public static final String API_VERSION = "2012-09-25";
    public static final String JSON_TYPE = "application/json";

    static final int PAGE_SIZE = 50;
    private static final Logger LOG = LoggerFactory.getLogger(EtApiService.class);
    private static final String PREFIX = "/" + API_VERSION + "/";
    private static final Pattern OTHER_VERSION = Pattern.compile("/\\d{4}-\\d{2}-\\d{2}/.*");
    private static final Pattern METADATA_TEXT = Pattern.compile("[0-9A-Za-z _.:/=+\\-%@]*");
    /** S3 user metadata names travel as header names: only token characters can be copied onto outputs. */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private static final Set<String> UNSUPPORTED_OUTPUT_FIELDS = Set.of("Watermarks", "AlbumArt", "Composition",
            "Captions", "Encryption", "ThumbnailEncryption", "SegmentDuration");
    private static final Set<String> JOB_STATUSES = Set.of("Submitted", "Progressing", "Complete", "Canceled",
            "Error");
    private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final S3Client s3;
    private final EtSettings settings;
    private final EtNotifier notifier;
    private final EtPresets presets;
    private final EtJobRunner runner;
    private final ObjectMapper json = new ObjectMapper();
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService workers;

    /** Guarded by {@code this}. Stored in the shape ReadPipeline/ReadJob return (without the derived fields). */
    private final Map<String, ObjectNode> pipelines = new LinkedHashMap<>();
    private final Map<String, ObjectNode> jobs = new LinkedHashMap<>();

    /**
     * @param s3       reads inputs from the pipelines' input buckets and writes the outputs
     * @param catalog  the presets; those with an {@code etPresetId} are ET's system presets here
     * @param ffmpeg   how to run ffmpeg (paths, work dir, x264 preset, timeout)
     * @param notifier where job notifications go (the local SNS); {@link EtNotifier#NONE} for none
     * @throws IllegalStateException if the data dir holds unreadable state
     */
    public EtApiService(S3Client s3, PresetCatalog catalog, FfmpegSettings ffmpeg, EtNotifier notifier,
                        EtSettings settings) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.notifier = notifier == null ? EtNotifier.NONE : notifier;
        this.presets = new EtPresets(Objects.requireNonNull(catalog, "catalog"), settings.region(),
                settings.accountId());
        this.runner = new EtJobRunner(s3, Objects.requireNonNull(ffmpeg, "ffmpeg"));
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workers(), r -> {
            Thread t = new Thread(r, "local-elastictranscoder-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        load();
    }

    /**
     * Answers one HTTP request.
     *
     * @param method HTTP method
     * @param path   request path, e.g. {@code /2012-09-25/jobs/1234567890123-abcdef} (a query part is ignored)
     * @param query  decoded query parameters ({@code PageToken}, {@code Ascending}); may be null
     * @param body   request body (JSON) or null/empty
     */
    @Override
    public AwsResponse handle(String method, String path, Map<String, String> query, byte[] body) {
        try {
            return route(method == null ? "" : method.toUpperCase(java.util.Locale.ROOT), normalise(path),
                    query == null ? Map.of() : query, body);
        } catch (EtApiException e) {
            return error(e.status(), e.type(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Local Elastic Transcoder failed on {} {}", method, LogText.safe(path), e);
            return error(500, "InternalServiceException", "internal error: " + e);
        }
    }

    private AwsResponse route(String method, String path, Map<String, String> query, byte[] body) {
        if (!path.startsWith(PREFIX)) {
            if (OTHER_VERSION.matcher(path).matches()) {
                throw new EtApiException(400, "IncompatibleVersionException", "The API version in the request path"
                        + " is not supported; this endpoint speaks " + API_VERSION + ".");
            }
            throw new EtApiException(404, "UnknownOperationException", "No Elastic Transcoder operation at "
                    + LogText.safe(path));
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        String resource = parts[0];
        String id = parts.length > 1 ? parts[1] : null;
        String sub = parts.length > 2 ? parts[2] : null;
        if (parts.length > 3) {
            throw unknown(method, path);
        }
        switch (resource) {
            case "pipelines":
                if (id == null && method.equals("POST")) {
                    return ok(201, createPipeline(body(body)));
                }
                if (id == null && method.equals("GET")) {
                    return ok(200, listPipelines(query));
                }
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, readPipeline(id));
                }
                if (id != null && sub == null && method.equals("DELETE")) {
                    return ok(202, deletePipeline(id));
                }
                if (id != null && "status".equals(sub) && method.equals("POST")) {
                    return ok(200, updatePipelineStatus(id, body(body)));
                }
                if (id != null && "notifications".equals(sub) && method.equals("POST")) {
                    return ok(200, updatePipelineNotifications(id, body(body)));
                }
                if (id != null && sub == null && method.equals("PUT")) {
                    throw EtApiException.validation("UpdatePipeline is not supported by the local Elastic"
                            + " Transcoder; create a new pipeline instead");
                }
                break;
            case "jobs":
                if (id == null && method.equals("POST")) {
                    return ok(201, createJob(body(body)));
                }
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, readJob(id));
                }
                if (id != null && sub == null && method.equals("DELETE")) {
                    return ok(202, cancelJob(id));
                }
                break;
            case "jobsByPipeline":
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, listJobsByPipeline(id, query));
                }
                break;
            case "jobsByStatus":
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, listJobsByStatus(id, query));
                }
                break;
            case "presets":
                if (id == null && method.equals("GET")) {
                    return ok(200, listPresets(query));
                }
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, readPreset(id));
                }
                if (id == null && method.equals("POST")) {
                    throw EtApiException.validation("CreatePreset is not supported by the local Elastic Transcoder:"
                            + " presets come from config/presets.yaml (known: " + presets.ids() + ")");
                }
                if (id != null && sub == null && method.equals("DELETE")) {
                    if (presets.find(id).isPresent()) {
                        throw EtApiException.accessDenied("Deleting system presets is not allowed: account="
                                + settings.accountId() + ", presetId=" + id + ".");
                    }
                    throw EtApiException.notFound("The specified preset was not found: account="
                            + settings.accountId() + ", presetId=" + id + ".");
                }
                break;
            case "roleTests":
                throw EtApiException.validation("TestRole is not supported by the local Elastic Transcoder");
            default:
                break;
        }
        throw unknown(method, path);
    }

    // ---------------------------------------------------------------- pipelines

    private synchronized ObjectNode createPipeline(JsonNode req) {
        String name = requiredText(req, "Name", "name");
        if (name.length() > 40) {
            throw EtApiException.validation("1 validation error detected: Value '" + name + "' at 'name' failed to"
                    + " satisfy constraint: Member must have length less than or equal to 40");
        }
        String input = requiredText(req, "InputBucket", "inputBucket");
        String role = requiredText(req, "Role", "role");
        String output = text(req, "OutputBucket");
        String content = text(req.path("ContentConfig"), "Bucket");
        if (output == null) {
            output = content;
        }
        if (output == null) {
            throw EtApiException.validation("Either OutputBucket or ContentConfig:Bucket must be specified.");
        }
        if (text(req, "AwsKmsKeyArn") != null) {
            LOG.info("Local Elastic Transcoder: pipeline '{}' names a KMS key; outputs are not encrypted here",
                    LogText.safe(name));
        }
        String id = newId();
        ObjectNode p = json.createObjectNode();
        p.put("Id", id);
        p.put("Arn", arn("pipeline", id));
        p.put("Name", name);
        p.put("Status", "Active");
        p.put("InputBucket", input);
        p.put("OutputBucket", output);
        p.put("Role", role);
        if (text(req, "AwsKmsKeyArn") != null) {
            p.put("AwsKmsKeyArn", text(req, "AwsKmsKeyArn"));
        }
        p.set("Notifications", notifications(req.path("Notifications")));
        p.set("ContentConfig", outputConfig(req.path("ContentConfig"), output));
        p.set("ThumbnailConfig", outputConfig(req.path("ThumbnailConfig"), output));
        pipelines.put(id, p);
        persist();
        LOG.info("Local Elastic Transcoder: created pipeline {} '{}' ({} -> {})", id, LogText.safe(name),
                LogText.safe(input), LogText.safe(output));
        ObjectNode res = json.createObjectNode();
        res.set("Pipeline", p.deepCopy());
        res.putArray("Warnings");
        return res;
    }

    private ObjectNode notifications(JsonNode given) {
        ObjectNode n = json.createObjectNode();
        for (String field : List.of("Progressing", "Completed", "Warning", "Error")) {
            String topic = text(given, field);
            n.put(field, topic == null ? "" : topic);
        }
        return n;
    }

    private ObjectNode outputConfig(JsonNode given, String bucket) {
        ObjectNode c = json.createObjectNode();
        String own = text(given, "Bucket");
        c.put("Bucket", own == null ? bucket : own);
        if (text(given, "StorageClass") != null) {
            c.put("StorageClass", text(given, "StorageClass"));
        }
        c.set("Permissions", given.path("Permissions").isArray() ? given.get("Permissions").deepCopy()
                : json.createArrayNode());
        return c;
    }

    private synchronized ObjectNode readPipeline(String id) {
        ObjectNode res = json.createObjectNode();
        res.set("Pipeline", pipeline(id).deepCopy());
        res.putArray("Warnings");
        return res;
    }

    private synchronized ObjectNode listPipelines(Map<String, String> query) {
        ObjectNode res = json.createObjectNode();
        String next = page(new ArrayList<>(pipelines.keySet()), query, res.putArray("Pipelines"),
                id -> pipelines.get(id).deepCopy());
        putNext(res, next);
        return res;
    }

    private synchronized ObjectNode deletePipeline(String id) {
        pipeline(id);
        for (ObjectNode job : jobs.values()) {
            String status = job.path("Status").asText();
            if (id.equals(job.path("PipelineId").asText())
                    && (status.equals("Submitted") || status.equals("Progressing"))) {
                throw EtApiException.inUse("The pipeline " + id + " has jobs that are Submitted or Progressing: "
                        + job.path("Id").asText() + ".");
            }
        }
        pipelines.remove(id);
        persist();
        return json.createObjectNode();
    }

    private ObjectNode updatePipelineStatus(String id, JsonNode req) {
        String status = requiredText(req, "Status", "status");
        if (!status.equals("Active") && !status.equals("Paused")) {
            throw EtApiException.validation("1 validation error detected: Value '" + status + "' at 'status' failed"
                    + " to satisfy constraint: Member must satisfy regular expression pattern: (^Active$)|(^Paused$)");
        }
        List<String> resume = new ArrayList<>();
        ObjectNode res = json.createObjectNode();
        synchronized (this) {
            ObjectNode p = pipeline(id);
            boolean wasPaused = "Paused".equals(p.path("Status").asText());
            p.put("Status", status);
            persist();
            if (wasPaused && status.equals("Active")) {
                for (ObjectNode job : jobs.values()) {
                    if (id.equals(job.path("PipelineId").asText()) && "Submitted".equals(job.path("Status").asText())) {
                        resume.add(job.path("Id").asText());
                    }
                }
            }
            res.set("Pipeline", p.deepCopy());
        }
        resume.forEach(this::schedule);
        return res;
    }

    private synchronized ObjectNode updatePipelineNotifications(String id, JsonNode req) {
        ObjectNode p = pipeline(id);
        if (!req.has("Notifications")) {
            throw EtApiException.validation("1 validation error detected: Value null at 'notifications' failed to"
                    + " satisfy constraint: Member must not be null");
        }
        p.set("Notifications", notifications(req.path("Notifications")));
        persist();
        ObjectNode res = json.createObjectNode();
        res.set("Pipeline", p.deepCopy());
        return res;
    }

    private ObjectNode pipeline(String id) {
        ObjectNode p = pipelines.get(id);
        if (p == null) {
            throw EtApiException.notFound("The specified pipeline was not found: account=" + settings.accountId()
                    + ", pipelineId=" + id + ".");
        }
        return p;
    }

    // ---------------------------------------------------------------- presets

    private ObjectNode readPreset(String id) {
        if (presets.find(id).isEmpty()) {
            throw EtApiException.notFound("The specified preset was not found: account=" + settings.accountId()
                    + ", presetId=" + id + ".");
        }
        ObjectNode res = json.createObjectNode();
        res.set("Preset", presets.json(json, id));
        return res;
    }

    private ObjectNode listPresets(Map<String, String> query) {
        ObjectNode res = json.createObjectNode();
        String next = page(presets.ids(), query, res.putArray("Presets"), id -> presets.json(json, id));
        putNext(res, next);
        return res;
    }

    // ---------------------------------------------------------------- jobs

    private ObjectNode createJob(JsonNode req) {
        String pipelineId = requiredText(req, "PipelineId", "pipelineId");
        String outputBucket;
        synchronized (this) {
            outputBucket = pipeline(pipelineId).path("OutputBucket").asText();
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
        String inputKey = requiredText(input, "Key", "input.key");
        if (inputKey.length() > 1024) {
            throw EtApiException.validation("Input:Key must be at most 1024 characters, got " + inputKey.length());
        }
        for (String field : List.of("Encryption", "TimeSpan", "InputCaptions")) {
            if (input.has(field) && !input.get(field).isNull()) {
                throw unsupported("Input:" + field);
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
        if (req.path("Playlists").isArray() && !req.get("Playlists").isEmpty()) {
            throw unsupported("Playlists");
        }
        String prefix = text(req, "OutputKeyPrefix");
        Map<String, String> userMetadata = userMetadata(req.path("UserMetadata"));

        ArrayNode outputs = json.createArrayNode();
        List<String> fullKeys = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            JsonNode out = requested.get(i);
            String key = requiredText(out, "Key", "outputs." + (i + 1) + ".member.key");
            String presetId = requiredText(out, "PresetId", "outputs." + (i + 1) + ".member.presetId");
            if (presets.find(presetId).isEmpty()) {
                throw EtApiException.validation("The specified preset was not found: presetId=" + presetId
                        + ". Known presets: " + presets.ids());
            }
            for (String field : UNSUPPORTED_OUTPUT_FIELDS) {
                JsonNode value = out.get(field);
                if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                    throw unsupported("Outputs:" + field);
                }
            }
            String thumbnails = text(out, "ThumbnailPattern");
            if (thumbnails != null && !thumbnails.isEmpty()) {
                throw unsupported("Outputs:ThumbnailPattern (thumbnails)");
            }
            String rotate = text(out, "Rotate");
            if (rotate != null && !rotate.equals("auto") && !rotate.equals("0")) {
                throw unsupported("Outputs:Rotate " + rotate);
            }
            String full = (prefix == null ? "" : prefix) + key;
            if (fullKeys.contains(full)) {
                throw EtApiException.validation("Output keys must be unique within a job: " + full);
            }
            fullKeys.add(full);
            ObjectNode o = outputs.addObject();
            o.put("Id", String.valueOf(i + 1));
            o.put("Key", key);
            if (thumbnails != null) {
                o.put("ThumbnailPattern", thumbnails);
            }
            if (rotate != null) {
                o.put("Rotate", rotate);
            }
            o.put("PresetId", presetId);
            o.putArray("Watermarks");
            o.put("Status", "Submitted");
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
        synchronized (this) {
            pipeline(pipelineId); // may have been deleted meanwhile
            id = newId();
            job.put("Id", id);
            job.put("Arn", arn("job", id));
            job.put("PipelineId", pipelineId);
            job.set("Input", input.deepCopy());
            if (prefix != null) {
                job.put("OutputKeyPrefix", prefix);
            }
            job.set("Outputs", outputs);
            job.putArray("Playlists");
            job.put("Status", "Submitted");
            ObjectNode meta = job.putObject("UserMetadata");
            userMetadata.forEach(meta::put);
            job.putObject("Timing").put("SubmitTimeMillis", System.currentTimeMillis());
            jobs.put(id, job);
            persist();
            res.set("Job", render(job)); // as submitted: the worker may start it at once
        }
        LOG.info("Local Elastic Transcoder: job {} submitted on pipeline {}: {} -> {}", id, pipelineId,
                LogText.safe(inputKey), fullKeys.stream().map(LogText::safe).toList());
        schedule(id);
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

    private synchronized ObjectNode readJob(String id) {
        ObjectNode res = json.createObjectNode();
        res.set("Job", render(job(id)));
        return res;
    }

    private ObjectNode cancelJob(String id) {
        synchronized (this) {
            ObjectNode job = job(id);
            String status = job.path("Status").asText();
            if (!status.equals("Submitted")) {
                throw EtApiException.inUse("The job " + id + " cannot be canceled because its status is " + status
                        + "; only Submitted jobs can be canceled.");
            }
            setStatus(job, "Canceled");
            persist();
        }
        LOG.info("Local Elastic Transcoder: job {} canceled", id);
        return json.createObjectNode();
    }

    private synchronized ObjectNode listJobsByPipeline(String pipelineId, Map<String, String> query) {
        pipeline(pipelineId);
        List<String> ids = jobs.values().stream().filter(j -> pipelineId.equals(j.path("PipelineId").asText()))
                .map(j -> j.path("Id").asText()).toList();
        ObjectNode res = json.createObjectNode();
        putNext(res, page(ids, query, res.putArray("Jobs"), id -> render(jobs.get(id))));
        return res;
    }

    private synchronized ObjectNode listJobsByStatus(String status, Map<String, String> query) {
        if (!JOB_STATUSES.contains(status)) {
            throw EtApiException.validation("1 validation error detected: Value '" + status + "' at 'status' failed"
                    + " to satisfy constraint: Member must be one of " + JOB_STATUSES);
        }
        List<String> ids = jobs.values().stream().filter(j -> status.equals(j.path("Status").asText()))
                .map(j -> j.path("Id").asText()).toList();
        ObjectNode res = json.createObjectNode();
        putNext(res, page(ids, query, res.putArray("Jobs"), id -> render(jobs.get(id))));
        return res;
    }

    private ObjectNode job(String id) {
        ObjectNode job = jobs.get(id);
        if (job == null) {
            throw EtApiException.notFound("The specified job was not found: account=" + settings.accountId()
                    + ", jobId=" + id + ".");
        }
        return job;
    }

    /** The stored job plus what ET derives: {@code Inputs} = [Input], {@code Output} = the first output. */
    private ObjectNode render(ObjectNode stored) {
        ObjectNode out = json.createObjectNode();
        stored.fields().forEachRemaining(e -> {
            out.set(e.getKey(), e.getValue().deepCopy());
            if (e.getKey().equals("Input")) {
                out.putArray("Inputs").add(e.getValue().deepCopy());
            }
            if (e.getKey().equals("Outputs") && e.getValue().size() > 0) {
                out.set("Output", e.getValue().get(0).deepCopy());
            }
        });
        return out;
    }

    private static void setStatus(ObjectNode job, String status) {
        job.put("Status", status);
        for (JsonNode o : job.path("Outputs")) {
            ((ObjectNode) o).put("Status", status);
        }
    }

    // ---------------------------------------------------------------- running jobs

    private void schedule(String id) {
        try {
            workers.execute(() -> run(id));
        } catch (RejectedExecutionException e) {
            LOG.warn("Local Elastic Transcoder is shutting down; job {} stays Submitted", id);
        }
    }

    private void run(String id) {
        ObjectNode pipeline;
        ObjectNode snapshot;
        String inputKey;
        String prefix;
        List<EtJobRunner.Out> outs = new ArrayList<>();
        Map<String, String> objectMetadata = new LinkedHashMap<>();
        synchronized (this) {
            ObjectNode job = jobs.get(id);
            if (job == null || !"Submitted".equals(job.path("Status").asText())) {
                return; // canceled meanwhile, or already run
            }
            pipeline = pipelines.get(job.path("PipelineId").asText());
            if (pipeline == null) {
                return; // deleted pipelines have no Submitted jobs; nothing sensible to do
            }
            if ("Paused".equals(pipeline.path("Status").asText())) {
                return; // resumed by UpdatePipelineStatus Active
            }
            pipeline = pipeline.deepCopy();
            setStatus(job, "Progressing");
            ((ObjectNode) job.path("Timing")).put("StartTimeMillis", System.currentTimeMillis());
            persist();
            snapshot = job.deepCopy();
            inputKey = job.path("Input").path("Key").asText();
            prefix = job.path("OutputKeyPrefix").asText("");
            for (JsonNode o : job.path("Outputs")) {
                outs.add(new EtJobRunner.Out(prefix + o.path("Key").asText(),
                        presets.find(o.path("PresetId").asText()).orElseThrow()));
            }
            job.path("UserMetadata").fields().forEachRemaining(e -> {
                if (HEADER_NAME.matcher(e.getKey()).matches()) {
                    objectMetadata.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue().asText());
                }
            });
        }
        notify(pipeline, "Progressing", "PROGRESSING", snapshot, null, null);
        try {
            List<EtJobRunner.Facts> facts = runner.run(id, pipeline.path("InputBucket").asText(), inputKey,
                    pipeline.path("OutputBucket").asText(), outs, objectMetadata, detected -> detected(id, detected));
            synchronized (this) {
                ObjectNode job = jobs.get(id);
                JsonNode outputs = job.path("Outputs");
                for (int i = 0; i < facts.size(); i++) {
                    ObjectNode o = (ObjectNode) outputs.get(i);
                    EtJobRunner.Facts f = facts.get(i);
                    if (f.durationMillis() != null) {
                        o.put("Duration", Math.round(f.durationMillis() / 1000.0));
                        o.put("DurationMillis", f.durationMillis());
                    }
                    putIfNotNull(o, "Width", f.width());
                    putIfNotNull(o, "Height", f.height());
                    if (f.frameRate() != null) {
                        o.put("FrameRate", f.frameRate());
                    }
                    o.put("FileSize", f.fileSize());
                }
                setStatus(job, "Complete");
                ((ObjectNode) job.path("Timing")).put("FinishTimeMillis", System.currentTimeMillis());
                persist();
                snapshot = job.deepCopy();
            }
            LOG.info("Local Elastic Transcoder: job {} complete", id);
            notify(pipeline, "Completed", "COMPLETED", snapshot, null, null);
        } catch (EtJobRunner.Failure f) {
            fail(id, pipeline, f.code(), f.messageDetails(), f.getMessage(), f.getCause());
        } catch (RuntimeException e) {
            fail(id, pipeline, 9000, "Internal Service Error", e.toString(), e);
        }
    }

    private synchronized void detected(String id, EtJobRunner.Facts facts) {
        ObjectNode job = jobs.get(id);
        if (job == null) {
            return;
        }
        ObjectNode d = ((ObjectNode) job.path("Input")).putObject("DetectedProperties");
        putIfNotNull(d, "Width", facts.width());
        putIfNotNull(d, "Height", facts.height());
        if (facts.frameRate() != null) {
            d.put("FrameRate", facts.frameRate());
        }
        d.put("FileSize", facts.fileSize());
        if (facts.durationMillis() != null) {
            d.put("DurationMillis", facts.durationMillis());
        }
    }

    private void fail(String id, ObjectNode pipeline, int code, String messageDetails, String detail,
                      Throwable cause) {
        ObjectNode snapshot;
        String statusDetail = code + " " + id + ": " + messageDetails + ": " + detail;
        synchronized (this) {
            ObjectNode job = jobs.get(id);
            setStatus(job, "Error");
            for (JsonNode o : job.path("Outputs")) {
                ((ObjectNode) o).put("StatusDetail", statusDetail);
            }
            ((ObjectNode) job.path("Timing")).put("FinishTimeMillis", System.currentTimeMillis());
            persist();
            snapshot = job.deepCopy();
        }
        LOG.warn("Local Elastic Transcoder: job {} failed with {}: {}", id, code, LogText.safe(detail),
                code >= 9000 ? cause : null);
        notify(pipeline, "Error", "ERROR", snapshot, code, messageDetails);
    }

    private static void putIfNotNull(ObjectNode node, String field, Integer value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    // ---------------------------------------------------------------- notifications

    /** Publishes ET's notification JSON to the pipeline's topic for {@code topicField}, if one is set. */
    private void notify(ObjectNode pipeline, String topicField, String state, ObjectNode job, Integer errorCode,
                        String messageDetails) {
        String topic = pipeline.path("Notifications").path(topicField).asText("");
        if (topic.isEmpty()) {
            return;
        }
        String id = job.path("Id").asText();
        ObjectNode m = json.createObjectNode();
        m.put("state", state);
        if (errorCode != null) {
            m.put("errorCode", errorCode);
            m.put("messageDetails", messageDetails);
        }
        m.put("version", API_VERSION);
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
        if (job.path("UserMetadata").size() > 0) {
            m.set("userMetadata", job.get("UserMetadata").deepCopy());
        }
        String subject = switch (state) {
            case "PROGRESSING" -> "Amazon Elastic Transcoder has scheduled job " + id + " for transcoding.";
            case "COMPLETED" -> "Amazon Elastic Transcoder has finished transcoding job " + id + ".";
            case "ERROR" -> "The Amazon Elastic Transcoder job " + id + " has failed.";
            default -> "Amazon Elastic Transcoder job " + id + " has a warning.";
        };
        try {
            notifier.publish(topic, subject, json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
        } catch (JsonProcessingException e) {
            LOG.warn("Could not write notification for job {}: {}", id, e.toString());
        } catch (RuntimeException e) {
            LOG.warn("Could not publish {} notification for job {} to {}: {}", state, id, topic, e.toString());
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

    // ---------------------------------------------------------------- helpers

    private String newId() {
        StringBuilder id = new StringBuilder().append(System.currentTimeMillis()).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ID_CHARS[random.nextInt(ID_CHARS.length)]);
        }
        return id.toString();
    }

    private String arn(String type, String id) {
        return "arn:aws:elastictranscoder:" + settings.region() + ":" + settings.accountId() + ":" + type + "/" + id;
    }

    /**
     * ET pages lists by 50 (fixed; the API has no page-size parameter); {@code PageToken} is the id of the first
     * item of the page, {@code Ascending=false} reverses the order (oldest first by default).
     */
    private String page(List<String> ids, Map<String, String> query, ArrayNode into,
                        java.util.function.Function<String, JsonNode> item) {
        List<String> ordered = new ArrayList<>(ids);
        if ("false".equalsIgnoreCase(query.get("Ascending"))) {
            java.util.Collections.reverse(ordered);
        }
        int start = 0;
        String token = query.get("PageToken");
        if (token != null && !token.isEmpty()) {
            start = ordered.indexOf(token);
            if (start < 0) {
                throw EtApiException.validation("The PageToken " + token + " is not valid.");
            }
        }
        int end = Math.min(ordered.size(), start + PAGE_SIZE);
        for (String id : ordered.subList(start, end)) {
            into.add(item.apply(id));
        }
        return end < ordered.size() ? ordered.get(end) : null;
    }

    private static void putNext(ObjectNode res, String next) {
        if (next != null) {
            res.put("NextPageToken", next);
        }
    }

    private JsonNode body(byte[] body) {
        if (body == null || body.length == 0) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw EtApiException.validation("The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw EtApiException.validation("The request body is not valid JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    private static String requiredText(JsonNode node, String field, String memberName) {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw EtApiException.validation("1 validation error detected: Value null at '" + memberName
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static EtApiException unsupported(String what) {
        return EtApiException.validation(what + " is not supported by the local Elastic Transcoder");
    }

    private static EtApiException unknown(String method, String path) {
        return new EtApiException(404, "UnknownOperationException", "No Elastic Transcoder operation for " + method
                + " " + LogText.safe(path));
    }

    private static String normalise(String path) {
        String p = path == null ? "" : path;
        int q = p.indexOf('?');
        if (q >= 0) {
            p = p.substring(0, q);
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private AwsResponse ok(int status, ObjectNode body) {
        try {
            return new AwsResponse(status, JSON_TYPE, json.writeValueAsString(body),
                    Map.of("x-amzn-RequestId", UUID.randomUUID().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private AwsResponse error(int status, String type, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        try {
            return new AwsResponse(status, JSON_TYPE, json.writeValueAsString(body),
                    Map.of("x-amzn-ErrorType", type, "x-amzn-RequestId", UUID.randomUUID().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- persistence

    private void load() {
        Path dir = settings.dataDir();
        if (dir == null) {
            return;
        }
        List<String> resubmit = new ArrayList<>();
        synchronized (this) {
            try {
                Files.createDirectories(dir);
                readInto(dir.resolve("pipelines.json"), pipelines);
                readInto(dir.resolve("jobs.json"), jobs);
            } catch (IOException e) {
                throw new IllegalStateException("local Elastic Transcoder state in " + dir + " cannot be read: " + e,
                        e);
            }
            for (ObjectNode job : jobs.values()) {
                String status = job.path("Status").asText();
                if (status.equals("Progressing")) {
                    setStatus(job, "Error");
                    for (JsonNode o : job.path("Outputs")) {
                        ((ObjectNode) o).put("StatusDetail", "9000 " + job.path("Id").asText()
                                + ": Internal Service Error: the local cloud stopped while the job was running");
                    }
                    ((ObjectNode) job.path("Timing")).put("FinishTimeMillis", System.currentTimeMillis());
                } else if (status.equals("Submitted")) {
                    resubmit.add(job.path("Id").asText());
                }
            }
            persist();
        }
        if (!pipelines.isEmpty() || !jobs.isEmpty()) {
            LOG.info("Local Elastic Transcoder: loaded {} pipelines and {} jobs from {}", pipelines.size(),
                    jobs.size(), dir);
        }
        resubmit.forEach(this::schedule);
    }

    private void readInto(Path file, Map<String, ObjectNode> into) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root = json.readTree(file.toFile());
        if (root == null || !root.isArray()) {
            throw new IOException(file + " is not a JSON array");
        }
        for (JsonNode node : root) {
            into.put(node.path("Id").asText(), (ObjectNode) node);
        }
    }

    /** Writes both files (temp file + atomic rename). Caller holds the lock. */
    private void persist() {
        Path dir = settings.dataDir();
        if (dir == null) {
            return;
        }
        try {
            write(dir.resolve("pipelines.json"), pipelines);
            write(dir.resolve("jobs.json"), jobs);
        } catch (IOException e) {
            LOG.warn("Could not save local Elastic Transcoder state in {}: {}", dir, e.toString());
        }
    }

    private void write(Path file, Map<String, ObjectNode> items) throws IOException {
        ArrayNode array = json.createArrayNode();
        items.values().forEach(array::add);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(array));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Local Elastic Transcoder workers did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For tests and the local cloud's health page: the ids of the system presets served. */
    public List<String> presetIds() {
        return presets.ids();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
