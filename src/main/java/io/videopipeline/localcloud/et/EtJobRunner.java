package io.videopipeline.localcloud.et;

import io.videopipeline.aws.S3Objects;
import io.videopipeline.transcode.TempFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.transcode.FfmpegCommand;
import io.videopipeline.transcode.FfmpegProbe;
import io.videopipeline.transcode.FfmpegProcess;
import io.videopipeline.transcode.FfmpegSettings;
import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.transcode.LogText;
import io.videopipeline.transcode.MediaGuard;
import io.videopipeline.transcode.Preset;
import io.videopipeline.transcode.S3FileUpload;
import io.videopipeline.transcode.TranscodeFailedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Does the media work of one local Elastic Transcoder job with the ffmpeg backend's parts: download the input
 * from the pipeline's input bucket to a temp dir, {@link FfmpegProbe} it (corrupt or non-video input, a playlist or
 * script that is no video container ({@link MediaGuard}), or input over the limits fails here),
 * one {@link FfmpegCommand} run for all outputs, ffprobe the outputs (ET reports their size, duration and frame
 * rate), upload them ({@link S3FileUpload}: multipart when large). Failures come out as {@link Failure} with ET's
 * job error codes (3001 input does not exist, 3002 output already exists, 4000 bad input file, ...).
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
        private final int code;
        private final String messageDetails;

        Failure(int code, String messageDetails, String detail, Throwable cause) {
            super(detail, cause);
            this.code = code;
            this.messageDetails = messageDetails;
        }

        int code() {
            return code;
        }

        String messageDetails() {
            return messageDetails;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(EtJobRunner.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final FfmpegSettings settings;
    private final FfmpegProcess process;
    private final FfmpegProbe probe;
    private final FfmpegCommand command;
    private final S3FileUpload uploader;

    EtJobRunner(S3Client s3, FfmpegSettings settings) {
        this.s3 = s3;
        this.settings = settings;
        this.process = new FfmpegProcess(settings.timeout(), settings.progressLogInterval());
        this.probe = new FfmpegProbe(settings.ffprobePath(), process, settings.limits());
        this.command = new FfmpegCommand(settings);
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
        String object = "s3://" + inputBucket + "/" + LogText.safe(inputKey);
        Path dir;
        try {
            Files.createDirectories(settings.workDir());
            dir = Files.createTempDirectory(settings.workDir(), "et-" + jobId + "-");
        } catch (IOException e) {
            throw new Failure(9000, "Internal Service Error", "cannot create a temp dir in " + settings.workDir()
                    + ": " + e, e);
        }
        try {
            Path input = dir.resolve("source" + TempFiles.extension(inputKey));
            download(inputBucket, inputKey, input);
            FfmpegProbe.MediaInfo info;
            try {
                info = probe.probe(input, inputBucket, inputKey);
            } catch (TranscodeFailedException e) {
                throw new Failure(4000, "Bad Input File", "Elastic Transcoder could not interpret the media file: "
                        + firstLine(e.getMessage()), e);
            }
            onInput.accept(facts(input, inputBucket, inputKey));
            for (Out out : outputs) {
                if (exists(outputBucket, out.key())) {
                    throw new Failure(3002, "Output Already Exists", "The specified object could not be saved in the"
                            + " specified bucket because an object by that name already exists: bucket="
                            + outputBucket + ", key=" + out.key() + ".", null);
                }
            }
            Path outDir = Files.createDirectory(dir.resolve("out"));
            List<FfmpegCommand.Output> files = new ArrayList<>();
            for (int i = 0; i < outputs.size(); i++) {
                files.add(new FfmpegCommand.Output(outputs.get(i).preset(),
                        outDir.resolve(i + "-" + outputs.get(i).preset().name() + ".mp4")));
            }
            try {
                process.transcode(command.build(input, info.formatName(), files, info.hasAudio()), inputBucket,
                        inputKey, jobId,
                        info.duration(), progress -> { });
            } catch (TranscodeFailedException e) {
                throw new Failure(4000, "Bad Input File", "Elastic Transcoder could not transcode the input file: "
                        + firstLine(e.getMessage()), e);
            }
            List<Facts> result = new ArrayList<>();
            for (FfmpegCommand.Output file : files) {
                if (!Files.isRegularFile(file.file()) || Files.size(file.file()) == 0) {
                    throw new Failure(9000, "Internal Service Error", "ffmpeg wrote no " + file.preset().name()
                            + " output for " + object, null);
                }
                result.add(facts(file.file(), inputBucket, inputKey));
            }
            for (int i = 0; i < outputs.size(); i++) {
                Map<String, String> objectMetadata = new LinkedHashMap<>(metadata);
                objectMetadata.put(FfmpegTranscoder.META_PRESET, outputs.get(i).preset().name());
                if (result.get(i).durationMillis() != null) {
                    // not something ET itself writes; the emulator knows it, and notify-email's mail shows it
                    objectMetadata.put(FfmpegTranscoder.META_DURATION,
                            io.videopipeline.transcode.SourceMetadata.encodeDuration(
                                    java.time.Duration.ofMillis(result.get(i).durationMillis())));
                }
                upload(files.get(i).file(), outputBucket, outputs.get(i).key(), objectMetadata);
            }
            return result;
        } catch (IOException e) {
            throw new Failure(9000, "Internal Service Error", "local file error: " + e, e);
        } finally {
            TempFiles.deleteRecursively(dir);
        }
    }

    private void download(String bucket, String key, Path file) {
        try {
            s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(file));
        } catch (NoSuchKeyException e) {
            throw new Failure(3001, "Input Does Not Exist", "The specified input file does not exist: bucket="
                    + bucket + ", key=" + key + ".", e);
        } catch (NoSuchBucketException e) {
            throw new Failure(3005, "Bucket Does Not Exist", "The specified S3 bucket does not exist: bucket="
                    + bucket + ".", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new Failure(3001, "Input Does Not Exist", "The specified input file does not exist: bucket="
                        + bucket + ", key=" + key + ".", e);
            }
            if (e.statusCode() == 403) {
                throw new Failure(3003, "Does Not Have Read Permission", "Elastic Transcoder could not read bucket="
                        + bucket + ", key=" + key + ": " + e.getMessage(), e);
            }
            throw new Failure(3000, "Unclassified Storage Error", "reading bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage(), e);
        } catch (SdkException e) {
            throw new Failure(3000, "Unclassified Storage Error", "reading bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean exists(String bucket, String key) {
        try {
            // ET has an error of its own for a missing bucket, so that one is not "no such object"
            return S3Objects.headOrNullInExistingBucket(s3, bucket, key) != null;
        } catch (SdkException e) {
            if (S3Objects.isNoSuchBucket(e)) {
                throw new Failure(3005, "Bucket Does Not Exist", "The specified S3 bucket does not exist: bucket="
                        + bucket + ".", e);
            }
            throw new Failure(3000, "Unclassified Storage Error", "checking bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage(), e);
        }
    }

    private void upload(Path file, String bucket, String key, Map<String, String> metadata) {
        try {
            uploader.upload(file, bucket, key, FfmpegTranscoder.CONTENT_TYPE, metadata);
        } catch (NoSuchBucketException e) {
            throw new Failure(3005, "Bucket Does Not Exist", "The specified S3 bucket does not exist: bucket="
                    + bucket + ".", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                throw new Failure(3004, "Does Not Have Write Permission", "Elastic Transcoder could not write bucket="
                        + bucket + ", key=" + key + ": " + e.getMessage(), e);
            }
            throw new Failure(3000, "Unclassified Storage Error", "writing bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage(), e);
        } catch (IOException | SdkException e) {
            throw new Failure(3000, "Unclassified Storage Error", "writing bucket=" + bucket + ", key=" + key + ": "
                    + e.getMessage(), e);
        }
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
        String json = process.capture(command, "ffprobe", bucket, key, 4 * 1024 * 1024);
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
