package io.videopipeline.media;

import io.videopipeline.logging.LogText;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How much work one upload may ask for ({@code pipeline.transcode.max-*}). Checked after ffprobe and before any
 * encode, so a hostile or mistaken upload is refused in seconds instead of holding a worker for hours: the bytes
 * (also before the download, from the object's size), the duration, the pixels of one frame and the frame rate.
 * Exceeding one is permanent ({@link InputLimitException}): the same upload exceeds it on every receive.
 * {@code maxPixels} is also given to ffmpeg/ffprobe as {@code -max_pixels}, so a frame declaring more is refused
 * by the decoder before it allocates it, whatever the container claims.
 *
 * @param maxBytes     largest upload in bytes
 * @param maxDuration  longest duration
 * @param maxPixels    most pixels in one frame (width x height)
 * @param maxFrameRate highest average frame rate, frames per second
 */
public record InputLimits(long maxBytes, Duration maxDuration, long maxPixels, double maxFrameRate) {

    /** 20 GiB, 4 h, 7680x4320 (8K UHD), 240 fps; see config/application.properties for why. */
    public static final InputLimits DEFAULTS = new InputLimits(20L << 30, Duration.ofHours(4), 7680L * 4320,
            240);

    public InputLimits {
        Objects.requireNonNull(maxDuration, "maxDuration");
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("pipeline.transcode.max-input-mb must be positive, got " + maxBytes);
        }
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("pipeline.transcode.max-duration-minutes must be positive, got "
                    + maxDuration);
        }
        if (maxPixels <= 0 || maxPixels > Integer.MAX_VALUE) {
            // ffmpeg's max_pixels is an int
            throw new IllegalArgumentException("pipeline.transcode.max-pixels must be between 1 and "
                    + Integer.MAX_VALUE + ", got " + maxPixels);
        }
        if (!(maxFrameRate > 0) || Double.isInfinite(maxFrameRate)) {
            throw new IllegalArgumentException("pipeline.transcode.max-frame-rate must be positive, got "
                    + maxFrameRate);
        }
    }

    /** Refuses an object whose size alone is over the limit, before anything is downloaded. */
    public void checkBytes(long bytes, String bucket, String key) {
        if (bytes > maxBytes) {
            throw refuse(bucket, key, "its size " + bytes + " bytes exceeds pipeline.transcode.max-input-mb ("
                    + maxBytes + " bytes)");
        }
    }

    /**
     * Refuses what ffprobe found, before the encode. A frame size of 0x0 means the decoder could not open a frame
     * (ffprobe had {@code -max_pixels}; {@code oversized} then holds the size it refused, if it said one).
     */
    public void checkProbe(FfmpegProbe.MediaInfo info, long[] oversized, String bucket, String key) {
        if (oversized != null) {
            throw refuse(bucket, key, "its frame size " + oversized[0] + "x" + oversized[1] + " ("
                    + oversized[0] * oversized[1] + " pixels) exceeds pipeline.transcode.max-pixels (" + maxPixels
                    + ")");
        }
        long pixels = (long) info.width() * info.height();
        if (pixels > maxPixels) {
            throw refuse(bucket, key, "its frame size " + info.width() + "x" + info.height() + " (" + pixels
                    + " pixels) exceeds pipeline.transcode.max-pixels (" + maxPixels + ")");
        }
        if (pixels == 0) {
            throw refuse(bucket, key, "its video frames could not be decoded (frame size "
                    + info.width() + "x" + info.height() + ")");
        }
        if (info.duration() != null && info.duration().compareTo(maxDuration) > 0) {
            throw refuse(bucket, key, "its duration " + hms(info.duration())
                    + " exceeds pipeline.transcode.max-duration-minutes (" + hms(maxDuration) + ")");
        }
        if (info.frameRate() > maxFrameRate) {
            throw refuse(bucket, key, "its frame rate " + String.format(Locale.ROOT, "%.3f", info.frameRate())
                    + " fps exceeds pipeline.transcode.max-frame-rate (" + maxFrameRate + " fps)");
        }
    }

    private static InputLimitException refuse(String bucket, String key, String why) {
        return new InputLimitException("s3://" + bucket + "/" + LogText.safe(key) + " is refused: " + why, bucket,
                key);
    }

    /** 36001 s as "10:00:01". */
    static String hms(Duration d) {
        long s = d.getSeconds();
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    /** An upload over one of the limits: permanent, dead-lettered with the limit and the value. */
    public static final class InputLimitException extends UnusableSourceException {
        private static final long serialVersionUID = 1L;

        InputLimitException(String message, String bucket, String key) {
            super(message, bucket, key, List.of(), null);
        }
    }
}
