package io.videopipeline.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import io.videopipeline.logging.LogText;
import io.videopipeline.media.FfmpegProcess;
import io.videopipeline.media.MediaGuard;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.stream.StreamKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * extract-metadata: runs ffprobe on a rendition and writes {@code {key without .mp4}.json} beside it; for a master
 * playlist ("stream ready") writes the package's summary ({@link PackageSummary}) as {@code {key without .m3u8}.json}.
 *
 * <p>ffprobe reads the object through a short-lived presigned GET instead of a download: a
 * faststart MP4 has its index (moov) first, so ffprobe needs only the first few hundred kilobytes
 * and a couple of range requests, whatever the size of the video.
 *
 * <p>The presigned URL is a bearer credential until it expires: it is passed to ffprobe only, and
 * removed from ffprobe's error output before that goes into an exception or the log.
 *
 * <p>The bytes behind the URL are untrusted (anyone who can write to the bucket or the queue chooses them):
 * ffprobe reads them only as MP4 ({@code -f mp4} and a format allow-list of that one demuxer), may use only the
 * URL's own protocols ({@code http,tcp} or {@code https,tls,tcp}), and refuses frames over the pixel limit. An
 * HLS playlist stored as {@code .mp4} would otherwise make it fetch whatever URLs the playlist names. Only
 * objects in the transcoded bucket (under the output prefix) are touched.
 */
public final class MetadataExtractor {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataExtractor.class);
    private static final Pattern SIGNED_QUERY = Pattern.compile("\\?[^\\s'\"]*X-Amz-[^\\s'\"]*");
    private static final Pattern AMZ_PARAM = Pattern.compile("X-Amz-[A-Za-z-]+=[^&\\s'\"]*");
    private static final int MAX_ERROR_CHARS = 2000;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final MetadataSettings settings;
    private final Clock clock;
    private final PackageSummariser packages;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @throws IllegalStateException if ffprobe cannot be run from {@link MetadataSettings#ffprobe()}
     */
    public MetadataExtractor(S3Client s3, S3Presigner presigner, MetadataSettings settings) {
        this(s3, presigner, settings, Clock.systemUTC());
    }

    MetadataExtractor(S3Client s3, S3Presigner presigner, MetadataSettings settings, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.packages = new PackageSummariser(s3, settings.packageMaxObjects(), clock);
        checkFfprobe(settings.ffprobe());
    }

    /**
     * The key of the metadata document for a rendition or master playlist, beside it: {@code a/b/clip-720p.mp4} →
     * {@code a/b/clip-720p.json}, {@code a/clip/clip.m3u8} → {@code a/clip/clip.json}.
     */
    public static String metadataKeyFor(String videoKey) {
        return videoKey.substring(0, videoKey.lastIndexOf('.')) + ".json";
    }

    /**
     * True for keys this step works on: {@code .mp4}, in any letter case, and master playlists
     * ({@link StreamKeys#isMaster}). Our own {@code .json} is not.
     */
    public static boolean handles(String key) {
        return key != null && (key.toLowerCase(Locale.ROOT).endsWith(".mp4") || StreamKeys.isMaster(key));
    }

    /**
     * Probes {@code s3://bucket/key} and writes its metadata document.
     *
     * @return the result; {@code skipped} for keys that are not {@code .mp4}
     * @throws MetadataExtractionException ffprobe failed (corrupt file: permanent; timeout/5xx: transient)
     * @throws software.amazon.awssdk.core.exception.SdkException S3 failures, e.g. NoSuchKey (see AwsErrors)
     */
    public MetadataResult extract(String bucket, String key) {
        if (bucket == null || bucket.isBlank() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException("extract-metadata: bucket and key are required (got bucket="
                    + bucket + ", key=" + key + ")");
        }
        if (!settings.bucket().equals(bucket) || !key.startsWith(settings.keyPrefix())) {
            throw new io.videopipeline.transcode.ForeignObjectException("extract-metadata refuses s3://"
                    + LogText.safe(bucket) + "/" + LogText.safe(key) + ": only renditions in the transcoded bucket '"
                    + settings.bucket() + "'" + (settings.keyPrefix().isEmpty() ? "" : " under '"
                    + settings.keyPrefix() + "'") + " are probed");
        }
        if (!handles(key)) {
            LOG.debug("extract-metadata: skipping s3://{}/{} (not .mp4)", bucket, key);
            return MetadataResult.skipped(bucket, key);
        }
        if (StreamKeys.isMaster(key)) {
            return writePackageSummary(bucket, key);
        }
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
        URL url = presigner.presignGetObject(p -> p.signatureDuration(settings.presignLifetime())
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url();

        ObjectNode probe = probe(url.toString(), bucket, key);
        // ffprobe reports the URL it read as format.filename: a signature must not end up in a
        // document that may well be public, so the object's S3 address replaces it.
        if (probe.get("format") instanceof ObjectNode format) {
            format.put("filename", "s3://" + bucket + "/" + key);
        }
        RenditionSummary summary = summarise(probe, head, bucket, key);

        ObjectNode document = json.createObjectNode();
        document.set("summary", json.valueToTree(summary));
        document.setAll(probe);
        String metadataKey = metadataKeyFor(key);
        put(bucket, metadataKey, document);
        LOG.info("Wrote s3://{}/{} ({} s, {}x{}, {})", bucket, metadataKey, summary.durationSeconds(),
                summary.width(), summary.height(), summary.videoCodec());
        return new MetadataResult(bucket, key, metadataKey, summary, false);
    }

    /**
     * "Stream ready": the package's summary from its playlists (read as text: ffprobe would fetch whatever the
     * untrusted playlists name), written beside the master.
     */
    private MetadataResult writePackageSummary(String bucket, String master) {
        PackageSummary summary = packages.summarise(bucket, master);
        ObjectNode document = json.createObjectNode();
        document.set("summary", json.valueToTree(summary));
        String metadataKey = metadataKeyFor(master);
        put(bucket, metadataKey, document);
        LOG.info("Wrote s3://{}/{} (stream: {} rung(s), {} s, {} bytes)", bucket, LogText.safe(metadataKey),
                summary.rungs().size(), summary.durationSeconds(), summary.sizeBytes());
        return MetadataResult.packageSummary(bucket, master, metadataKey);
    }

    private void put(String bucket, String key, ObjectNode document) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(body));
    }

    private ObjectNode probe(String url, String bucket, String key) {
        String object = "s3://" + bucket + "/" + LogText.safe(key);
        String protocols = MediaGuard.protocolsFor(url);
        List<String> command = new ArrayList<>(List.of(settings.ffprobe(), "-hide_banner", "-v", "error"));
        command.addAll(MediaGuard.inputOptions(protocols, List.of(MediaGuard.MP4_DEMUXER), settings.maxPixels()));
        command.addAll(List.of("-f", "mp4", "-print_format", "json", "-show_format", "-show_streams", url));
        Run run = run(command, object);
        String errors = redact(new String(run.stderr(), StandardCharsets.UTF_8), url);
        if (run.exit() != 0) {
            if (looksTransient(errors)) {
                throw new MetadataExtractionException("ffprobe could not read " + object + " (exit " + run.exit()
                        + "): " + errors, true);
            }
            throw new MetadataExtractionException("ffprobe could not read " + object + " as MP4 (exit " + run.exit()
                    + "; ffmpeg detects its format as '" + detectedFormat(protocols, url, object) + "'): " + errors,
                    false);
        }
        try {
            JsonNode parsed = json.readTree(run.stdout());
            if (!(parsed instanceof ObjectNode node) || !node.path("streams").isArray()) {
                throw new MetadataExtractionException("ffprobe printed no stream list for " + object + ": " + errors,
                        false);
            }
            return node;
        } catch (IOException e) {
            throw new MetadataExtractionException("Cannot read ffprobe's output for " + object + ": "
                    + e.getMessage(), false);
        }
    }

    /**
     * What the refused bytes are, for the reason: a run that allows no demuxer and logs the probe's verdict
     * ({@link MediaGuard#namingCommand}); it reads the probe buffer and nothing the content names.
     */
    private String detectedFormat(String protocols, String url, String object) {
        try {
            Run run = run(MediaGuard.namingCommand(settings.ffprobe(), protocols, url), object);
            return MediaGuard.detectedFormat(
                    new String(run.stderr(), StandardCharsets.UTF_8).lines().toList());
        } catch (MetadataExtractionException e) {
            return "unknown";
        }
    }

    private record Run(int exit, byte[] stdout, byte[] stderr) {
    }

    /** Runs ffprobe with a closed stdin, killing it (and its children) after the timeout. */
    private Run run(List<String> command, String object) {
        Process process;
        try {
            // the same orphan guard as the transcoder's ffmpeg: an ffprobe never outlives a SIGKILLed JVM
            process = new ProcessBuilder(FfmpegProcess.guarded(command)).start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start ffprobe at '" + settings.ffprobe() + "': " + e.getMessage(), e);
        }
        try { // stdin is unused: close it so ffprobe never waits on it
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // nothing to flush
        }
        CompletableFuture<byte[]> stdout = drain(process.getInputStream());
        CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                // waits (up to 5 s) for the kill to take: the failure is reported with no ffprobe left running
                FfmpegProcess.killTree(process);
                throw new MetadataExtractionException("ffprobe timed out after " + settings.timeout()
                        + " reading " + object + "; killed", true);
            }
            return new Run(process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            FfmpegProcess.killTree(process);
            Thread.currentThread().interrupt();
            throw new MetadataExtractionException("Interrupted while probing " + object, true);
        } catch (ExecutionException e) {
            FfmpegProcess.killTree(process);
            throw new MetadataExtractionException("Cannot read ffprobe's output for " + object + ": "
                    + e.getMessage(), false);
        }
    }

    private RenditionSummary summarise(ObjectNode probe, HeadObjectResponse head, String bucket, String key) {
        JsonNode video = firstStream(probe, "video");
        if (video == null) {
            throw new MetadataExtractionException("s3://" + bucket + "/" + key + " has no video stream", false);
        }
        JsonNode audio = firstStream(probe, "audio");
        JsonNode format = probe.path("format");
        Map<String, String> user = io.videopipeline.media.SourceMetadata.decode(head.metadata());
        return new RenditionSummary(
                number(format.path("duration"), Double::valueOf),
                video.hasNonNull("width") ? video.get("width").asInt() : null,
                video.hasNonNull("height") ? video.get("height").asInt() : null,
                text(video.path("codec_name")),
                audio == null ? null : text(audio.path("codec_name")),
                number(format.path("bit_rate"), Long::valueOf),
                head.contentLength() == null ? 0L : head.contentLength(),
                user.get(RenditionMetadata.SOURCE_BUCKET),
                user.get(RenditionMetadata.SOURCE_KEY),
                user.get(RenditionMetadata.SOURCE_ETAG),
                user.get(RenditionMetadata.PRESET),
                head.lastModified() == null ? null : head.lastModified().toString(),
                clock.instant().toString());
    }

    private static JsonNode firstStream(JsonNode probe, String type) {
        for (JsonNode stream : probe.path("streams")) {
            if (type.equals(stream.path("codec_type").asText())) {
                return stream;
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static <T> T number(JsonNode node, java.util.function.Function<String, T> parse) {
        String value = text(node);
        if (value == null || value.isBlank() || value.equals("N/A")) {
            return null;
        }
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** ffprobe's own wording for failures of the transport rather than the file. */
    private static boolean looksTransient(String errors) {
        String e = errors.toLowerCase(Locale.ROOT);
        return e.contains("server returned 5") || e.contains("server returned 429")
                || e.contains("connection refused") || e.contains("connection reset") || e.contains("timed out");
    }

    /** Removes the signed query string (and any stray X-Amz-* parameter) from ffprobe's messages. */
    static String redact(String text, String url) {
        String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        String cleaned = text.replace(url, base + "?<signature removed>");
        cleaned = SIGNED_QUERY.matcher(cleaned).replaceAll("?<signature removed>");
        cleaned = AMZ_PARAM.matcher(cleaned).replaceAll("X-Amz-<removed>");
        cleaned = cleaned.strip();
        return cleaned.length() > MAX_ERROR_CHARS ? cleaned.substring(0, MAX_ERROR_CHARS) + "…" : cleaned;
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (in) {
                result.complete(in.readAllBytes());
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        }, "ffprobe-output");
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static void checkFfprobe(String ffprobe) {
        if (io.videopipeline.media.FfmpegTools.answered(ffprobe)) {
            return; // the ffmpeg backend's check ran it a moment ago: one process start less at start-up
        }
        String problem;
        try {
            Process p = new ProcessBuilder(ffprobe, "-version").redirectErrorStream(true).start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                problem = "'" + ffprobe + " -version' did not finish within 30 s";
            } else if (p.exitValue() != 0) {
                problem = "'" + ffprobe + " -version' exited with " + p.exitValue() + ": "
                        + new String(out.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            } else {
                return;
            }
        } catch (IOException e) {
            problem = "cannot run '" + ffprobe + "' (" + e.getMessage() + ")";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            problem = "cannot read the output of '" + ffprobe + " -version' (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while checking '" + ffprobe + "'";
        }
        List<String> hint = new ArrayList<>();
        hint.add("ffprobe not usable at '" + ffprobe + "' (pipeline.ffprobe.path): " + problem + ".");
        hint.add("Install it (Debian/Ubuntu: apt-get install ffmpeg) or set pipeline.ffprobe.path to its location.");
        throw new IllegalStateException(String.join(" ", hint));
    }
}
