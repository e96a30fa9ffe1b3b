package io.videopipeline.media;

import io.videopipeline.logging.LogText;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Asks ffprobe what a file holds before transcoding it: whether there is a video stream at all (a cover picture
 * in an audio file does not count), whether there is audio (no audio: video-only outputs), the size, the duration
 * (for progress percentages) and the frame rate. A zero-byte, corrupt or non-video file fails here with an
 * {@link UnusableSourceException} (permanent), before ffmpeg runs and before anything is uploaded; so does a file
 * that is not a video container ffmpeg may open ({@link MediaGuard}: an HLS playlist, an ffconcat script, an SDP
 * file, whatever its name) and one over the {@link InputLimits}.
 */
public final class FfmpegProbe {

    /**
     * What ffprobe found. {@code width}/{@code height} are of the first video stream; duration may be null;
     * {@code frameRate} is its average frame rate, 0 if unknown.
     */
    public record MediaInfo(String formatName, Duration duration, boolean hasVideo, String videoCodec,
                            String videoProfile, int width, int height, boolean hasAudio, String audioCodec,
                            String audioProfile, int sampleRate, int channels, double frameRate) {
    }

    private static final int MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ffprobePath;
    private final FfmpegProcess process;
    private final InputLimits limits;

    public FfmpegProbe(String ffprobePath, FfmpegProcess process, InputLimits limits) {
        this.ffprobePath = Objects.requireNonNull(ffprobePath, "ffprobePath");
        this.process = Objects.requireNonNull(process, "process");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * @param bucket,key the S3 object the file came from, for error messages
     * @throws UnusableSourceException if the file is empty, unreadable by ffprobe, not an allowed container, has
     *                                 no video stream or is over a limit (permanent)
     * @throws TranscodeFailedException if ffprobe could not be run (transient)
     */
    public MediaInfo probe(Path file, String bucket, String key) {
        String object = "s3://" + bucket + "/" + LogText.safe(key);
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot read the downloaded copy of " + object + ": " + e, bucket, key,
                    e);
        }
        if (bytes == 0) {
            throw new UnusableSourceException(object + " is empty (0 bytes): nothing to transcode", bucket, key,
                    List.of(), null);
        }
        limits.checkBytes(bytes, bucket, key);
        String input = "file:" + file.toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(ffprobePath, "-hide_banner", "-v", "error"));
        command.addAll(MediaGuard.inputOptions(MediaGuard.LOCAL_FILE, MediaGuard.VIDEO_DEMUXERS, limits.maxPixels()));
        command.addAll(List.of("-print_format", "json", "-show_format", "-show_streams", input));
        FfmpegProcess.Captured out;
        try {
            out = process.run(command, "ffprobe", bucket, key, MAX_OUTPUT_CHARS);
        } catch (FfmpegProcess.ExitCodeException e) {
            if (MediaGuard.refusedFormat(e.stderrTail())) {
                throw new UnusableSourceException(object + " is refused: ffmpeg detects its format as '"
                        + detectedFormat(input, bucket, key) + "', which is not a video container this pipeline"
                        + " reads (allowed: " + String.join(" ", MediaGuard.VIDEO_DEMUXERS) + ")", bucket, key,
                        e.stderrTail(), e);
            }
            // ffprobe read the whole local copy and refused it: the upload itself is bad (permanent)
            throw new UnusableSourceException(object + " is not a readable video file: " + e.getMessage(), bucket,
                    key, e.stderrTail(), e);
        } catch (TranscodeTimeoutException e) {
            throw new TranscodeTimeoutException(object + " could not be probed: " + e.getMessage(), bucket, key,
                    e.stderrTail());
        } catch (TranscodeFailedException e) {
            // ffprobe did not start or was interrupted: nothing is known about the file (transient)
            throw new TranscodeFailedException(object + " could not be probed: " + e.getMessage(), bucket,
                    key, e.stderrTail(), e);
        }
        MediaInfo info = parse(out.stdout(), bucket, key);
        if (!info.hasVideo()) {
            throw new UnusableSourceException(object + " has no video stream (format " + info.formatName()
                    + "): not a video", bucket, key, List.of(), null);
        }
        if (!MediaGuard.allowed(info.formatName(), MediaGuard.VIDEO_DEMUXERS)) {
            // cannot happen with -format_whitelist; a second fence in case another ffprobe ignores the option
            throw new UnusableSourceException(object + " is refused: its format '" + info.formatName()
                    + "' is not a video container this pipeline reads", bucket, key, List.of(), null);
        }
        limits.checkProbe(info, MediaGuard.oversizedFrame(out.stderrTail()).orElse(null), bucket, key);
        return info;
    }

    /** The demuxer ffmpeg would pick for a refused input, learned by a run that opens nothing ({@link MediaGuard}). */
    private String detectedFormat(String input, String bucket, String key) {
        try {
            process.run(MediaGuard.namingCommand(ffprobePath, MediaGuard.LOCAL_FILE, input), "ffprobe", bucket, key,
                    0);
            return "unknown";
        } catch (TranscodeFailedException e) {
            return MediaGuard.detectedFormat(e.stderrTail());
        }
    }

    public static MediaInfo parse(String json, String bucket, String key) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TranscodeFailedException("ffprobe output for s3://" + bucket + "/" + LogText.safe(key)
                    + " is not JSON: " + e.getOriginalMessage(), bucket, key, e);
        }
        JsonNode video = null;
        JsonNode audio = null;
        for (JsonNode stream : root.path("streams")) {
            String type = stream.path("codec_type").asText();
            boolean picture = stream.path("disposition").path("attached_pic").asInt(0) == 1;
            if (video == null && "video".equals(type) && !picture) {
                video = stream;
            } else if (audio == null && "audio".equals(type)) {
                audio = stream;
            }
        }
        JsonNode format = root.path("format");
        Duration duration = null;
        String seconds = format.path("duration").asText("");
        if (!seconds.isEmpty() && !"N/A".equals(seconds)) {
            try {
                duration = Duration.ofNanos((long) (Double.parseDouble(seconds) * 1e9));
            } catch (NumberFormatException e) {
                duration = null;
            }
        }
        return new MediaInfo(format.path("format_name").asText(null), duration,
                video != null, video == null ? null : video.path("codec_name").asText(null),
                video == null ? null : video.path("profile").asText(null),
                video == null ? 0 : video.path("width").asInt(0), video == null ? 0 : video.path("height").asInt(0),
                audio != null, audio == null ? null : audio.path("codec_name").asText(null),
                audio == null ? null : audio.path("profile").asText(null),
                audio == null ? 0 : audio.path("sample_rate").asInt(0), audio == null ? 0 : audio.path("channels").asInt(0),
                video == null ? 0 : rate(video.path("avg_frame_rate").asText("")));
    }

    /** "30000/1001" gives 29.97; "0/0", "N/A" or garbage give 0 (unknown). */
    public static double rate(String rational) {
        String[] parts = rational.split("/");
        try {
            double value = parts.length == 2 ? Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])
                    : Double.parseDouble(parts[0]);
            return Double.isFinite(value) && value > 0 ? value : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
