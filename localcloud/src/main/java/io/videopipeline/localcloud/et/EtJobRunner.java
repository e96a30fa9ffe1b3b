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
import io.videopipeline.media.TranscodeFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
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

    /** One output to write. */
    record Out(String key, Preset preset) {
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

    EtJobRunner(S3Client s3, FfmpegSettings settings) {
        this.s3 = s3;
        this.settings = settings;
        this.encoder = new MediaEncoder(s3, settings, KIND);
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
        List<MediaEncoder.Output> renditions = outputs.stream()
                .map(out -> new MediaEncoder.Output(out.key(), out.preset(), metadata)).toList();
        EtSteps steps = new EtSteps(inputBucket, inputKey, outputBucket, outputs, onInput);
        encoder.encode(new MediaEncoder.Request(KIND + "-" + jobId, inputBucket, inputKey, null, outputBucket,
                renditions, ProgressListener.NONE), steps);
        return steps.outputFacts;
    }

    /** ET's checks and facts between the encoder's steps, and its error codes for the encoder's failures. */
    private final class EtSteps implements MediaEncoder.Steps {
        private final String inputBucket;
        private final String inputKey;
        private final String outputBucket;
        private final List<Out> outputs;
        private final Consumer<Facts> onInput;
        private final List<Facts> outputFacts = new ArrayList<>();

        EtSteps(String inputBucket, String inputKey, String outputBucket, List<Out> outputs,
                Consumer<Facts> onInput) {
            this.inputBucket = inputBucket;
            this.inputKey = inputKey;
            this.outputBucket = outputBucket;
            this.outputs = outputs;
            this.onInput = onInput;
        }

        @Override
        public void probed(Path input, FfmpegProbe.MediaInfo info) {
            onInput.accept(localFacts(input));
            for (Out out : outputs) {
                if (exists(outputBucket, out.key())) {
                    throw new Failure(EtJobError.OUTPUT_ALREADY_EXISTS, "The specified object could not be saved in the"
                            + " specified bucket because an object by that name already exists: bucket="
                            + outputBucket + ", key=" + out.key() + ".", null);
                }
            }
        }

        @Override
        public void encoded(List<Path> files) {
            for (Path file : files) {
                outputFacts.add(localFacts(file));
            }
        }

        @Override
        public Duration renditionDuration(int index, Duration input) {
            // not something ET itself writes; the emulator knows it, and notify-email's mail shows it
            Long millis = outputFacts.get(index).durationMillis();
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

        private RuntimeException uploadFailure(String key, Throwable cause) {
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
