package io.videopipeline.transcode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Asks ffprobe what a file holds before transcoding it: whether there is a video stream at all (a cover picture
 * in an audio file does not count), whether there is audio (no audio: video-only outputs), the size and the
 * duration (for progress percentages). A zero-byte, corrupt or non-video file fails here with an
 * {@link UnusableSourceException} (permanent), before ffmpeg runs and before anything is uploaded.
 */
public final class FfmpegProbe {

    /** What ffprobe found. {@code width}/{@code height} are of the first video stream; duration may be null. */
    public record MediaInfo(String formatName, Duration duration, boolean hasVideo, String videoCodec,
                            String videoProfile, int width, int height, boolean hasAudio, String audioCodec,
                            String audioProfile, int sampleRate, int channels) {
    }

    private static final int MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String ffprobePath;
    private final FfmpegProcess process;

    public FfmpegProbe(String ffprobePath, FfmpegProcess process) {
        this.ffprobePath = Objects.requireNonNull(ffprobePath, "ffprobePath");
        this.process = Objects.requireNonNull(process, "process");
    }

    /**
     * @param bucket,key the S3 object the file came from, for error messages
     * @throws TranscodeFailedException if the file is empty, unreadable by ffprobe or has no video stream
     */
    public MediaInfo probe(Path file, String bucket, String key) {
        String object = "s3://" + bucket + "/" + LogText.safe(key);
        try {
            if (Files.size(file) == 0) {
                throw new UnusableSourceException(object + " is empty (0 bytes): nothing to transcode", bucket, key,
                        List.of(), null);
            }
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot read the downloaded copy of " + object + ": " + e, bucket, key,
                    e);
        }
        String json;
        try {
            json = process.capture(List.of(ffprobePath, "-v", "error", "-print_format", "json", "-show_format",
                    "-show_streams", "file:" + file.toAbsolutePath()), "ffprobe", bucket, key, MAX_OUTPUT_CHARS);
        } catch (FfmpegProcess.ExitCodeException e) {
            // ffprobe read the whole local copy and refused it: the upload itself is bad (permanent)
            throw new UnusableSourceException(object + " is not a readable video file: " + e.getMessage(), bucket,
                    key, e.stderrTail(), e);
        } catch (TranscodeFailedException e) {
            // ffprobe did not start, timed out or was interrupted: nothing is known about the file (transient)
            throw new TranscodeFailedException(object + " could not be probed: " + e.getMessage(), bucket,
                    key, e.stderrTail(), e);
        }
        MediaInfo info = parse(json, bucket, key);
        if (!info.hasVideo()) {
            throw new UnusableSourceException(object + " has no video stream (format " + info.formatName()
                    + "): not a video", bucket, key, List.of(), null);
        }
        return info;
    }

    static MediaInfo parse(String json, String bucket, String key) {
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
                audio == null ? 0 : audio.path("sample_rate").asInt(0), audio == null ? 0 : audio.path("channels").asInt(0));
    }
}
