package io.videopipeline.localcloud.et;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.videopipeline.localcloud.gateway.AwsResponse;
import io.videopipeline.localcloud.gateway.AwsRestService;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.logging.LogText;
import io.videopipeline.media.PresetCatalog;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Elastic Transcoder API (version 2012-09-25, REST-JSON) for the local cloud, so the AWS SDKs and the AWS CLI
 * work against it unchanged. AWS shut the service down on 2025-11-13; this keeps the seed's
 * {@code transcode-video} flow runnable locally.
 *
 * <p>Operations: CreatePipeline, ReadPipeline, ListPipelines, UpdatePipelineStatus, UpdatePipelineNotifications,
 * DeletePipeline, CreateJob, ReadJob, CancelJob (only while {@code Submitted}), ListJobsByPipeline,
 * ListJobsByStatus, ReadPreset, ListPresets. Presets are the system presets of the {@link PresetCatalog} (those
 * with an {@code etPresetId}) and ET's HLS system presets ({@link EtHlsPresets}). HLS works as on ET: outputs with
 * an MPEG-TS preset and a {@code SegmentDuration} become {@code {Key}.m3u8} + {@code {Key}00000.ts}…, an
 * {@code HLSv3} playlist writes the master {@code {OutputKeyPrefix}{Name}.m3u8}, a {@code ThumbnailPattern} with
 * {@code {count}} writes the preset's thumbnails ({@link EtHlsPackage}, {@link EtPlaylists}). Custom presets, HLSv4,
 * Smooth and DASH playlists, watermarks, captions, clips and encryption are refused with a
 * {@code ValidationException} that says so.
 *
 * <p>Jobs run asynchronously on a small executor with the ffmpeg backend's parts ({@link EtJobRunner}):
 * {@code Submitted → Progressing → Complete | Error}, with {@code Timing}, {@code Input.DetectedProperties} and
 * per-output and per-playlist {@code Status}/{@code StatusDetail}, outputs' size/duration. A {@code Paused} pipeline keeps its jobs
 * {@code Submitted} until it is {@code Active} again (ET's way to hold jobs, e.g. to cancel one). Notifications go
 * to the pipeline's topics through the {@link EtNotifier}, in ET's documented JSON.
 *
 * <p>Differences from AWS, on purpose: the outputs carry the job's user metadata as S3 user metadata (plus
 * {@code preset}), so renditions made here look like the ffmpeg backend's to the rest of the pipeline and the
 * idempotency check can find them; thumbnails go to the output bucket, not the pipeline's ThumbnailConfig bucket;
 * the IAM role is stored, never assumed.
 *
 * <p>Pipelines and jobs live in memory and, with a data dir, in {@code pipelines.json}/{@code jobs.json} there.
 * After a restart, {@code Submitted} jobs run again and jobs that were {@code Progressing} end in {@code Error}.
 * Thread-safe; {@link #close()} stops the workers (a running ffmpeg is killed).
 *
 * <p>This class routes requests and writes answers; {@link EtPipelines} and {@link EtJobs} are the operations,
 * {@link EtState} the state (the one lock), {@link EtJobScheduler} runs jobs, {@link EtJobNotifications} tells
 * the topics.
 */
public final class EtApiService implements AwsRestService, AutoCloseable {

    public static final String API_VERSION = "2012-09-25";
    public static final String JSON_TYPE = "application/json";

    private static final Logger LOG = LoggerFactory.getLogger(EtApiService.class);
    private static final String PREFIX = "/" + API_VERSION + "/";
    private static final Pattern OTHER_VERSION = Pattern.compile("/\\d{4}-\\d{2}-\\d{2}/.*");

    private final EtSettings settings;
    private final EtPresets presets;
    private final ObjectMapper json = new ObjectMapper();
    private final EtJobScheduler scheduler;
    private final EtPipelines pipelines;
    private final EtJobs jobs;

    /**
     * @param s3       reads inputs from the pipelines' input buckets and writes the outputs
     * @param catalog  the presets; those with an {@code etPresetId} are ET's system presets here
     * @param ffmpeg   how to run ffmpeg (paths, work dir, x264 preset, timeout)
     * @param notifier where job notifications go (the local SNS); {@link EtNotifier#NONE} for none
     * @throws IllegalStateException if the data dir holds unreadable state
     */
    public EtApiService(S3Client s3, PresetCatalog catalog, FfmpegSettings ffmpeg, EtNotifier notifier,
                        EtSettings settings) {
        Objects.requireNonNull(s3, "s3");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.presets = new EtPresets(Objects.requireNonNull(catalog, "catalog"), settings.region(),
                settings.accountId());
        EtState state = new EtState(json, settings);
        this.scheduler = new EtJobScheduler(state, presets, new EtJobRunner(s3, Objects.requireNonNull(ffmpeg, "ffmpeg")),
                new EtJobNotifications(json, notifier == null ? EtNotifier.NONE : notifier), settings.workers());
        this.pipelines = new EtPipelines(json, state, scheduler);
        this.jobs = new EtJobs(s3, json, presets, state, scheduler);
        state.load().forEach(scheduler::schedule);
    }

    @Override
    public AwsResponse handle(String method, String path, Map<String, String> query, byte[] body) {
        try {
            return route(method == null ? "" : method.toUpperCase(Locale.ROOT), normalise(path),
                    query == null ? Map.of() : query, body);
        } catch (EtApiException e) {
            return error(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Local Elastic Transcoder failed on {} {}", method, LogText.safe(path), e);
            return error(EtErrorCode.INTERNAL_SERVICE, "internal error: " + e);
        }
    }

    private AwsResponse route(String method, String path, Map<String, String> query, byte[] body) {
        if (!path.startsWith(PREFIX)) {
            if (OTHER_VERSION.matcher(path).matches()) {
                throw new EtApiException(EtErrorCode.INCOMPATIBLE_VERSION, "The API version in the request path"
                        + " is not supported; this endpoint speaks " + API_VERSION + ".");
            }
            throw new EtApiException(EtErrorCode.UNKNOWN_OPERATION, "No Elastic Transcoder operation at "
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
                    return ok(201, pipelines.createPipeline(EtRequests.body(json, body)));
                }
                if (id == null && method.equals("GET")) {
                    return ok(200, pipelines.listPipelines(query));
                }
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, pipelines.readPipeline(id));
                }
                if (id != null && sub == null && method.equals("DELETE")) {
                    return ok(202, pipelines.deletePipeline(id));
                }
                if (id != null && "status".equals(sub) && method.equals("POST")) {
                    return ok(200, pipelines.updatePipelineStatus(id, EtRequests.body(json, body)));
                }
                if (id != null && "notifications".equals(sub) && method.equals("POST")) {
                    return ok(200, pipelines.updatePipelineNotifications(id, EtRequests.body(json, body)));
                }
                if (id != null && sub == null && method.equals("PUT")) {
                    throw EtApiException.validation("UpdatePipeline is not supported by the local Elastic"
                            + " Transcoder; create a new pipeline instead");
                }
                break;
            case "jobs":
                if (id == null && method.equals("POST")) {
                    return ok(201, jobs.createJob(EtRequests.body(json, body)));
                }
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, jobs.readJob(id));
                }
                if (id != null && sub == null && method.equals("DELETE")) {
                    return ok(202, jobs.cancelJob(id));
                }
                break;
            case "jobsByPipeline":
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, jobs.listJobsByPipeline(id, query));
                }
                break;
            case "jobsByStatus":
                if (id != null && sub == null && method.equals("GET")) {
                    return ok(200, jobs.listJobsByStatus(id, query));
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
        String next = EtRequests.page(presets.ids(), query, res.putArray("Presets"), id -> presets.json(json, id));
        EtRequests.putNext(res, next);
        return res;
    }

    private static EtApiException unknown(String method, String path) {
        return new EtApiException(EtErrorCode.UNKNOWN_OPERATION, "No Elastic Transcoder operation for " + method
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

    private AwsResponse error(EtErrorCode code, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("__type", code.type());
        body.put("message", message);
        try {
            return new AwsResponse(code.status(), JSON_TYPE, json.writeValueAsString(body),
                    Map.of("x-amzn-ErrorType", code.type(), "x-amzn-RequestId", UUID.randomUUID().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        scheduler.close();
    }

    /** For tests and the local cloud's health page: the ids of the system presets served. */
    public List<String> presetIds() {
        return presets.ids();
    }
}
