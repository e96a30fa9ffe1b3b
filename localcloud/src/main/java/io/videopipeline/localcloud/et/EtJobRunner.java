package io.videopipeline.localcloud.et;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.media.FfmpegProbe;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.MediaEncoder;
import io.videopipeline.media.MediaGuard;
import io.videopipeline.media.Preset;
import io.videopipeline.media.ProgressListener;
import io.videopipeline.media.S3FileUpload;
import io.videopipeline.media.StreamingSettings;
import io.videopipeline.media.TranscodeFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Does the media work of one local Elastic Transcoder job with the pipeline's {@link MediaEncoder} (temp dir
 * locked for the job and swept after a crash, download, {@link FfmpegProbe} with {@link MediaGuard}'s allow-lists
 * and the input limits, one ffmpeg run for all outputs, upload) and adds what is ET's own: ffprobe facts of the
 * input and outputs (ET reports their size, duration and frame rate), the "output already exists" refusal, and
 * failures as {@link Failure} with ET's job error codes (3001 input does not exist, 3002 output already exists,
 * 4000 bad input file, ...).
 */
final class EtJobRunner {

    /** What ffprobe says about a file, in ET's terms. {@code frameRate} like "29.97"; any field may be null. */
    record Facts(Integer width, Integer height, String frameRate, long fileSize, Long durationMillis) {
    }

    /**
     * One output to write.
     *
     * @param key              full key; for a segmented output what the variant and segment names start with
     * @param segmentSeconds   the output's {@code SegmentDuration} (its preset has container ts), or null for a file
     * @param thumbnailPattern full {@code ThumbnailPattern} (with {@code {count}}), or null for no thumbnails
     * @param thumbnails       the preset's thumbnail settings (used with a pattern)
     */
    record Out(String key, Preset preset, Integer segmentSeconds, String thumbnailPattern, EtThumbnails thumbnails) {
        Out(String key, Preset preset) {
            this(key, preset, null, null, null);
        }

        boolean segmented() {
            return segmentSeconds != null;
        }
    }

    /** A master playlist to write: its full key and the segmented outputs it lists (indexes into the outputs). */
    record Playlist(String masterKey, List<Integer> outputs) {
    }

    /** A job failure with ET's error code and a detail for Outputs:StatusDetail. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final EtJobError error;

        Failure(EtJobError error, String detail, Throwable cause) {
            super(detail, cause);
            this.error = error;
        }

        EtJobError error() {
            return error;
        }

        int code() {
            return error.code();
        }

        String messageDetails() {
            return error.messageDetails();
        }
    }

    /** What the temp dirs of ET jobs start with; the encoder sweeps dead ones at start-up. */
    static final String KIND = "et";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final FfmpegSettings settings;
    private final MediaEncoder encoder;
    private final S3FileUpload uploader;

    EtJobRunner(S3Client s3, FfmpegSettings settings) {
        this.s3 = s3;
        // ET writes what the job asks for: never the ffmpeg backend's own HLS package
        this.settings = settings.withStreaming(StreamingSettings.OFF);
        this.encoder = new MediaEncoder(s3, this.settings, KIND);
        this.uploader = new S3FileUpload(s3, settings.multipartThreshold());
    }

    /**
     * @param onInput    receives the input's detected properties as soon as they are known (also for jobs that
     *                   fail later)
     * @param metadata   S3 user metadata for every output (the job's user metadata); {@code preset} is added
     * @return the facts of each output, in order
     * @throws Failure with ET's error code
     */
    List<Facts> run(String jobId, String inputBucket, String inputKey, String outputBucket, List<Out> outputs,
                    Map<String, String> metadata, Consumer<Facts> onInput) {
        return run(jobId, inputBucket, inputKey, outputBucket, outputs, List.of(), metadata, onInput);
    }

    /**
     * As above, with HLS: segmented outputs and thumbnails come from a second ffmpeg run over the same downloaded
     * input ({@link EtHlsPackage}), uploaded before the MP4 files; the master playlists are uploaded last.
     *
     * @param playlists master playlists over segmented outputs
     */
    List<Facts> run(String jobId, String inputBucket, String inputKey, String outputBucket, List<Out> outputs,
                    List<Playlist> playlists, Map<String, String> metadata, Consumer<Facts> onInput) {
        List<MediaEncoder.Output> renditions = outputs.stream().filter(out -> !out.segmented())
                .map(out -> new MediaEncoder.Output(out.key(), out.preset(), metadata)).toList();
        EtSteps steps = new EtSteps(jobId, inputBucket, inputKey, outputBucket, outputs, playlists, metadata, onInput);
        encoder.encode(new MediaEncoder.Request(KIND + "-" + jobId, inputBucket, inputKey, null, outputBucket,
                renditions, ProgressListener.NONE), steps);
        for (Map.Entry<String, String> master : steps.masters.entrySet()) {
            try {
                s3.putObject(b -> b.bucket(outputBucket).key(master.getKey()).contentType(EtHlsPackage.PLAYLIST_TYPE)
                        .metadata(metadata), RequestBody.fromString(master.getValue(), StandardCharsets.UTF_8));
            } catch (SdkException e) {
                throw steps.uploadFailure(master.getKey(), e);
            }
        }
        return Arrays.asList(steps.outputFacts);
    }

    /** ET's checks and facts between the encoder's steps, and its error codes for the encoder's failures. */
    private final class EtSteps implements MediaEncoder.Steps {
        private final String jobId;
        private final String inputBucket;
        private final String inputKey;
        private final String outputBucket;
        private final List<Out> outputs;
        private final List<Playlist> playlists;
        private final Map<String, String> metadata;
        private final Consumer<Facts> onInput;
        /** Indexes of the MP4 outputs (the encoder's renditions) among the job's outputs. */
        private final List<Integer> files = new ArrayList<>();
        private final Facts[] outputFacts;
        /** Master playlist key → text, uploaded after everything else. */
        private final Map<String, String> masters = new LinkedHashMap<>();
        private Path input;
        private FfmpegProbe.MediaInfo info;

        EtSteps(String jobId, String inputBucket, String inputKey, String outputBucket, List<Out> outputs,
                List<Playlist> playlists, Map<String, String> metadata, Consumer<Facts> onInput) {
            this.jobId = jobId;
            this.inputBucket = inputBucket;
            this.inputKey = inputKey;
            this.outputBucket = outputBucket;
            this.outputs = outputs;
            this.playlists = playlists;
            this.metadata = metadata;
            this.onInput = onInput;
            this.outputFacts = new Facts[outputs.size()];
            for (int i = 0; i < outputs.size(); i++) {
                if (!outputs.get(i).segmented()) {
                    files.add(i);
                }
            }
        }

        @Override
        public void probed(Path input, FfmpegProbe.MediaInfo info) {
            this.input = input;
            this.info = info;
            onInput.accept(localFacts(input));
            List<String> keys = new ArrayList<>();
            outputs.forEach(out -> keys.add(out.segmented() ? out.key() + ".m3u8" : out.key()));
            playlists.forEach(p -> keys.add(p.masterKey()));
            for (String key : keys) {
                if (exists(outputBucket, key)) {
                    throw new Failure(EtJobError.OUTPUT_ALREADY_EXISTS, "The specified object could not be saved in the"
                            + " specified bucket because an object by that name already exists: bucket="
                            + outputBucket + ", key=" + key + ".", null);
                }
            }
        }

        @Override
        public void encoded(List<Path> encoded) {
            for (int i = 0; i < encoded.size(); i++) {
                outputFacts[files.get(i)] = localFacts(encoded.get(i));
            }
            try {
                streams();
            } catch (IOException e) {
                throw new Failure(EtJobError.INTERNAL_SERVICE_ERROR, "local file error: " + e, e);
            }
        }

        /** Segmented outputs and thumbnails: one more ffmpeg run, their uploads, the masters' text. */
        private void streams() throws IOException {
            List<EtHlsPackage.Segmented> segmented = new ArrayList<>();
            List<EtHlsPackage.Thumbnails> thumbnails = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) {
                Out out = outputs.get(i);
                if (out.segmented()) {
                    segmented.add(new EtHlsPackage.Segmented(i, out.key(), out.preset(), out.segmentSeconds()));
                }
                if (out.thumbnailPattern() != null) {
                    thumbnails.add(new EtHlsPackage.Thumbnails(i, out.thumbnailPattern(), out.thumbnails()));
                }
            }
            if (segmented.isEmpty() && thumbnails.isEmpty()) {
                return;
            }
            EtHlsPackage pkg = new EtHlsPackage(input.getParent().resolve("et-hls"), segmented, thumbnails);
            try {
                encoder.process().transcode(pkg.command(settings, input, info.formatName(), info.hasAudio()),
                        inputBucket, inputKey, KIND + "-" + jobId, info.duration(), ProgressListener.NONE);
            } catch (TranscodeFailedException e) {
                throw badInput("transcode the input file", e);
            }
            List<EtHlsPackage.Variant> variants = new ArrayList<>();
            List<EtHlsPackage.Upload> uploads = pkg.uploads(info.hasAudio(), variants);
            Map<Integer, EtHlsPackage.Variant> byOutput = new LinkedHashMap<>();
            for (int v = 0; v < segmented.size(); v++) {
                int index = segmented.get(v).output();
                Facts first = localFacts(pkg.firstSegment(v));
                EtHlsPackage.Variant variant = variants.get(v);
                outputFacts[index] = new Facts(first.width(), first.height(), first.frameRate(), variant.bytes(),
                        variant.durationMillis());
                byOutput.put(index, variant);
            }
            for (EtHlsPackage.Upload upload : uploads) {
                try {
                    uploader.upload(upload.file(), outputBucket, upload.key(), upload.contentType(), metadata);
                } catch (IOException | SdkException e) {
                    throw uploadFailure(upload.key(), e);
                }
            }
            for (Playlist playlist : playlists) {
                List<EtHlsPackage.Variant> listed = new ArrayList<>();
                List<int[]> sizes = new ArrayList<>();
                for (int index : playlist.outputs()) {
                    listed.add(byOutput.get(index));
                    Facts f = outputFacts[index];
                    sizes.add(f.width() == null ? null : new int[]{f.width(), f.height()});
                }
                masters.put(playlist.masterKey(), EtHlsPackage.master(playlist.masterKey(), listed, sizes));
            }
        }

        @Override
        public Duration renditionDuration(int index, Duration input) {
            // not something ET itself writes; the emulator knows it, and notify-email's mail shows it
            Long millis = outputFacts[files.get(index)].durationMillis();
            return millis == null ? null : Duration.ofMillis(millis);
        }

        private Facts localFacts(Path file) {
            try {
                return facts(file, inputBucket, inputKey);
            } catch (IOException e) {
                throw new Failure(EtJobError.INTERNAL_SERVICE_ERROR, "local file error: " + e, e);
            }
        }

        @Override
        public RuntimeException failed(MediaEncoder.Step step, MediaEncoder.Output output, RuntimeException failure) {
            return switch (step) {
                case LOCAL_FILES, OUTPUTS -> new Failure(EtJobError.INTERNAL_SERVICE_ERROR, failure.getMessage(), failure);
                case DOWNLOAD -> downloadFailure(failure);
                case PROBE -> failure instanceof TranscodeFailedException ? badInput("interpret the media file", failure)
                        : failure;
                case ENCODE -> failure instanceof TranscodeFailedException
                        ? badInput("transcode the input file", failure) : failure;
                case UPLOAD -> uploadFailure(output.key(), failure.getCause() == null ? failure : failure.getCause());
            };
        }

        private RuntimeException downloadFailure(RuntimeException failure) {
            Throwable cause = failure.getCause();
            String bucket = inputBucket;
            String key = inputKey;
            if (cause instanceof NoSuchKeyException) {
                return inputMissing(cause);
            }
            if (cause instanceof NoSuchBucketException) {
                return bucketMissing(bucket, cause);
            }
            if (cause instanceof S3Exception e && e.statusCode() == 404) {
                return inputMissing(cause);
            }
            if (cause instanceof S3Exception e && e.statusCode() == 403) {
                return new Failure(EtJobError.NO_READ_PERMISSION, "Elastic Transcoder could not read bucket="
                        + bucket + ", key=" + key + ": " + e.getMessage(), e);
            }
            if (cause instanceof SdkException || cause instanceof IOException) {
                return new Failure(EtJobError.UNCLASSIFIED_STORAGE_ERROR, "reading bucket=" + bucket + ", key=" + key
                        + ": " + cause.getMessage(), cause);
            }
            // over the input limits before or during the download, as the probe would have found it
            return failure instanceof TranscodeFailedException ? badInput("interpret the media file", failure) : failure;
        }

        private Failure inputMissing(Throwable cause) {
            return new Failure(EtJobError.INPUT_DOES_NOT_EXIST, "The specified input file does not exist: bucket="
                    + inputBucket + ", key=" + inputKey + ".", cause);
        }

        RuntimeException uploadFailure(String key, Throwable cause) {
            if (cause instanceof NoSuchBucketException) {
                return bucketMissing(outputBucket, cause);
            }
            if (cause instanceof S3Exception e && e.statusCode() == 403) {
                return new Failure(EtJobError.NO_WRITE_PERMISSION, "Elastic Transcoder could not write bucket="
                        + outputBucket + ", key=" + key + ": " + e.getMessage(), e);
            }
            return new Failure(EtJobError.UNCLASSIFIED_STORAGE_ERROR, "writing bucket=" + outputBucket + ", key=" + key
                    + ": " + cause.getMessage(), cause);
        }
    }

    private boolean exists(String bucket, String key) {
        try {
            // ET has an error of its own for a missing bucket, so that one is not "no such object"
            return S3Objects.headOrNullInExistingBucket(s3, bucket, key) != null;
        } catch (SdkException e) {
            if (S3Objects.isNoSuchBucket(e)) {
                throw bucketMissing(bucket, e);
            }
            throw new Failure(EtJobError.UNCLASSIFIED_STORAGE_ERROR, "checking bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage(), e);
        }
    }

    private static Failure bucketMissing(String bucket, Throwable cause) {
        return new Failure(EtJobError.BUCKET_DOES_NOT_EXIST, "The specified S3 bucket does not exist: bucket="
                + bucket + ".", cause);
    }

    private static Failure badInput(String what, RuntimeException failure) {
        return new Failure(EtJobError.BAD_INPUT_FILE, "Elastic Transcoder could not " + what + ": "
                + firstLine(failure.getMessage()), failure);
    }

    /**
     * Size, duration and frame rate of a local file (ffprobe); file size from the file system. The input was
     * vetted by {@link FfmpegProbe} already; this run gets the same allow-lists all the same ({@link MediaGuard}).
     */
    private Facts facts(Path file, String bucket, String key) throws IOException {
        long size = Files.size(file);
        List<String> command = new ArrayList<>(List.of(settings.ffprobePath(), "-hide_banner", "-v", "error"));
        command.addAll(MediaGuard.inputOptions(MediaGuard.LOCAL_FILE, MediaGuard.VIDEO_DEMUXERS,
                settings.limits().maxPixels()));
        command.addAll(List.of("-print_format", "json", "-show_format", "-show_streams",
                "file:" + file.toAbsolutePath()));
        String json = encoder.process().capture(command, "ffprobe", bucket, key, 4 * 1024 * 1024);
        JsonNode root = JSON.readTree(json);
        JsonNode video = null;
        for (JsonNode stream : root.path("streams")) {
            if ("video".equals(stream.path("codec_type").asText())
                    && stream.path("disposition").path("attached_pic").asInt(0) == 0) {
                video = stream;
                break;
            }
        }
        Long durationMillis = null;
        String seconds = root.path("format").path("duration").asText("");
        if (!seconds.isEmpty() && !"N/A".equals(seconds)) {
            try {
                durationMillis = Math.round(Double.parseDouble(seconds) * 1000);
            } catch (NumberFormatException e) {
                durationMillis = null;
            }
        }
        if (video == null) {
            return new Facts(null, null, null, size, durationMillis);
        }
        return new Facts(video.path("width").asInt(), video.path("height").asInt(),
                frameRate(video.path("avg_frame_rate").asText(video.path("r_frame_rate").asText(""))), size,
                durationMillis);
    }

    /** "30000/1001" → "29.97", "30/1" → "30"; null if unknown. */
    static String frameRate(String rational) {
        String[] parts = rational.split("/");
        try {
            double fps = parts.length == 2 ? Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])
                    : Double.parseDouble(parts[0]);
            if (!Double.isFinite(fps) || fps <= 0) {
                return null;
            }
            String text = String.format(java.util.Locale.ROOT, "%.3f", fps);
            text = text.replaceAll("0+$", "");
            return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

}
