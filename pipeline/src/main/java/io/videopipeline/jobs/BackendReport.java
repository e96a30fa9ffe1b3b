package io.videopipeline.jobs;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a cloud transcoder said about one of its jobs, in the job record's terms: an Elastic Transcoder notification
 * ({@code state} PROGRESSING/COMPLETED/WARNING/ERROR, {@code outputs[]}, {@code errorCode}/{@code messageDetails})
 * or a MediaConvert {@code MediaConvert Job State Change} event ({@code detail.status} PROGRESSING, STATUS_UPDATE
 * with {@code jobProgress.jobPercentComplete}, COMPLETE with {@code outputGroupDetails}, ERROR, CANCELED). Both
 * services echo the job's user metadata, which the backends set at submit ({@code source-bucket},
 * {@code source-key} percent-encoded, {@code source-etag}): that names the upload, hence the record.
 *
 * @param percent 0..100 while progressing, if the service said
 * @param reason  the service's error (or warning) text
 */
public record BackendReport(String backend, String jobId, String pipelineId, JobState state, Double percent,
                            JobRecord.Source source, List<JobRecord.Output> outputs, String reason) {

    /** AWS's own sample events write {@code "code": 000000}; the parser takes them as they are documented. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS).build();

    public BackendReport {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /**
     * The report in {@code body} (bare, or in an SNS envelope), or empty if it is not a cloud transcoder's own job
     * message (the pipeline's job event stream, which names its {@code jobRecordKey}, is not), or it is one that
     * says nothing about the job's state (MediaConvert's INPUT_INFORMATION, NEW_WARNING, QUEUE_HOP), or it does not
     * name its upload.
     *
     * @throws IllegalArgumentException if {@code body} is not JSON
     */
    public static Optional<BackendReport> parse(String body) {
        JsonNode root = read(body);
        if ("Notification".equals(root.path("Type").asText()) && root.hasNonNull("Message")) {
            root = read(root.get("Message").asText());
        }
        if ("aws.mediaconvert".equals(root.path("source").asText())) {
            return mediaConvert(root.path("detail"));
        }
        if (root.hasNonNull("state") && root.hasNonNull("jobId") && !root.has("jobRecordKey")) {
            return elasticTranscoder(root);
        }
        return Optional.empty();
    }

    private static Optional<BackendReport> elasticTranscoder(JsonNode n) {
        JobState state;
        try {
            state = JobState.parse(n.path("state").asText());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String reason = null;
        if (state == JobState.ERROR || state == JobState.WARNING) {
            // ET's details usually begin with the code ("4000 b9b0e7a3: ..."): the code once
            String details = n.path("messageDetails").asText("");
            StringBuilder why = new StringBuilder();
            if (n.hasNonNull("errorCode") && !details.startsWith(n.get("errorCode").asText())) {
                why.append(n.get("errorCode").asText()).append(' ');
            }
            why.append(details);
            for (JsonNode output : n.path("outputs")) {
                if (output.hasNonNull("statusDetail")) {
                    why.append(why.isEmpty() ? "" : "; ").append(output.get("statusDetail").asText());
                    break;
                }
            }
            reason = why.toString().trim();
        }
        List<JobRecord.Output> outputs = state == JobState.COMPLETE || state == JobState.WARNING
                ? elasticTranscoderOutputs(n) : List.of();
        String why = reason;
        return source(n.path("userMetadata"), n.path("input").path("key").asText(null))
                .map(source -> new BackendReport("elastictranscoder", n.path("jobId").asText(),
                        text(n, "pipelineId"), state, state == JobState.COMPLETE ? 100.0 : null, source, outputs,
                        why));
    }

    /**
     * The objects an Elastic Transcoder job wrote, as the ffmpeg backend's record lists its own: each MP4 by its key
     * (ET's output key is the object's), and an HLS playlist by its master, {@code {name}.m3u8}, with preset
     * {@link JobRecord.Output#PACKAGE_MASTER}. An HLS output's own {@code Key} ({@code dir/clip/hls/2m}) names no
     * object — ET writes {@code 2m.m3u8} and {@code 2m00000.ts}… from it — so it is not listed: the master stands for
     * the package, its variants and segments. Outputs ET failed are left out.
     */
    private static List<JobRecord.Output> elasticTranscoderOutputs(JsonNode n) {
        String prefix = n.path("outputKeyPrefix").asText("");
        java.util.Set<String> packaged = new java.util.HashSet<>();
        for (JsonNode playlist : n.path("playlists")) {
            playlist.path("outputKeys").forEach(k -> packaged.add(k.asText()));
        }
        List<JobRecord.Output> outputs = new ArrayList<>();
        Map<String, Double> durations = new LinkedHashMap<>();
        for (JsonNode o : n.path("outputs")) {
            if ("Error".equalsIgnoreCase(o.path("status").asText()) || !o.hasNonNull("key")) {
                continue;
            }
            Double duration = o.has("duration") ? o.get("duration").asDouble() : null;
            String key = o.get("key").asText();
            if (packaged.contains(key)) {
                if (duration != null) {
                    durations.merge(key, duration, Math::max);
                }
                continue;
            }
            outputs.add(new JobRecord.Output(prefix + key, text(o, "presetId"), null, duration, integer(o, "width"),
                    integer(o, "height")));
        }
        for (JsonNode playlist : n.path("playlists")) {
            if ("Error".equalsIgnoreCase(playlist.path("status").asText()) || !playlist.hasNonNull("name")) {
                continue;
            }
            Double duration = null;
            for (JsonNode k : playlist.path("outputKeys")) {
                Double d = durations.get(k.asText());
                duration = d == null ? duration : duration == null ? d : Math.max(duration, d);
            }
            outputs.add(new JobRecord.Output(prefix + playlist.get("name").asText() + ".m3u8",
                    JobRecord.Output.PACKAGE_MASTER, null, duration, null, null));
        }
        return outputs;
    }

    private static Optional<BackendReport> mediaConvert(JsonNode d) {
        String status = d.path("status").asText();
        JobState state;
        Double percent = null;
        String reason = null;
        switch (status) {
            case "PROGRESSING" -> state = JobState.PROGRESSING;
            case "STATUS_UPDATE" -> {
                state = JobState.PROGRESSING;
                JsonNode p = d.path("jobProgress").path("jobPercentComplete");
                percent = p.isNumber() ? p.asDouble() : null;
            }
            case "COMPLETE" -> state = JobState.COMPLETE;
            case "ERROR" -> {
                state = JobState.ERROR;
                reason = ((d.hasNonNull("errorCode") ? d.get("errorCode").asText() + " " : "")
                        + d.path("errorMessage").asText("")).trim();
            }
            case "CANCELED" -> {
                state = JobState.ERROR;
                reason = "the MediaConvert job was canceled";
            }
            default -> {
                return Optional.empty(); // INPUT_INFORMATION, NEW_WARNING, QUEUE_HOP: the state stays
            }
        }
        List<JobRecord.Output> outputs = new ArrayList<>();
        for (JsonNode group : d.path("outputGroupDetails")) {
            for (JsonNode o : group.path("outputDetails")) {
                for (JsonNode path : o.path("outputFilePaths")) {
                    JsonNode video = o.path("videoDetails");
                    outputs.add(new JobRecord.Output(s3Key(path.asText()), null, null,
                            o.has("durationInMs") ? o.get("durationInMs").asLong() / 1000.0 : null,
                            integer(video, "widthInPx"), integer(video, "heightInPx")));
                }
            }
        }
        JobState reported = state;
        Double done = state == JobState.COMPLETE ? Double.valueOf(100.0) : percent;
        String why = reason;
        return source(d.path("userMetadata"), null).map(source -> new BackendReport("mediaconvert",
                d.path("jobId").asText(), text(d, "queue"), reported, done, source, outputs, why));
    }

    /** The upload the job's user metadata names; the job's input key stands in for a key left out as too long. */
    private static Optional<JobRecord.Source> source(JsonNode userMetadata, String inputKey) {
        Map<String, String> values = new LinkedHashMap<>();
        userMetadata.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        Map<String, String> user = SourceMetadata.decode(values);
        String bucket = user.get(RenditionMetadata.SOURCE_BUCKET);
        String key = user.getOrDefault(RenditionMetadata.SOURCE_KEY, inputKey);
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new JobRecord.Source(bucket, key, user.get(RenditionMetadata.SOURCE_ETAG), null));
    }

    /** {@code s3://bucket/a/b.mp4} → {@code a/b.mp4}: MediaConvert writes the paths as given, not URL-encoded. */
    private static String s3Key(String uri) {
        String rest = uri.startsWith("s3://") ? uri.substring("s3://".length()) : uri;
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(slash + 1);
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    private static Integer integer(JsonNode n, String field) {
        return n.path(field).isNumber() ? n.get(field).asInt() : null;
    }

    private static JsonNode read(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
