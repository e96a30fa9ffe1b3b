package io.videopipeline.media;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the ffmpeg backend ({@code pipeline.ffmpeg.*}).
 *
 * @param ffmpegPath          ffmpeg binary ({@code pipeline.ffmpeg.path}, default {@code ffmpeg} from the PATH)
 * @param ffprobePath         ffprobe binary ({@code pipeline.ffprobe.path}, default {@code ffprobe})
 * @param workDir             where per-job temp dirs go ({@code pipeline.ffmpeg.work-dir}, default the JVM temp dir);
 *                            needs room for the input plus all outputs of the running jobs
 * @param x264Preset          x264 speed/quality trade-off, {@code ultrafast} .. {@code veryslow}
 *                            (default {@code fast})
 * @param threads             encoder threads per output, 0 = ffmpeg decides (default 0)
 * @param timeout             a run taking longer is killed and fails (default 2 h)
 * @param multipartThreshold  outputs larger than this (bytes) are uploaded in parts of this size (default 64 MiB,
 *                            minimum 5 MiB, S3's smallest part)
 * @param uploadConcurrency   files of one job's HLS package uploaded at once (default 4): a package is hundreds of
 *                            small objects, each a round trip ({@code pipeline.transcode.upload-concurrency})
 * @param progressLogInterval how often a running job logs its progress (default 30 s)
 * @param limits              what one upload may ask for ({@code pipeline.transcode.max-*}, {@link InputLimits})
 * @param shutdownGrace       how long a JVM shutdown lets a running ffmpeg finish before killing it (default 0);
 *                            the runner sets it a little above {@code pipeline.shutdown.grace-seconds}, which Camel
 *                            gives in-flight work
 * @param streaming           the HLS ladder and pictures written beside the MP4s ({@link StreamingSettings}); off by
 *                            default
 */
public record FfmpegSettings(String ffmpegPath, String ffprobePath, Path workDir, String x264Preset, int threads,
                             Duration timeout, long multipartThreshold, int uploadConcurrency,
                             Duration progressLogInterval,
                             InputLimits limits, Duration shutdownGrace,
                             StreamingSettings streaming) {

    public static final List<String> X264_PRESETS = List.of("ultrafast", "superfast", "veryfast", "faster", "fast",
            "medium", "slow", "slower", "veryslow", "placebo");
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    public FfmpegSettings {
        Objects.requireNonNull(ffmpegPath, "ffmpegPath");
        Objects.requireNonNull(ffprobePath, "ffprobePath");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(progressLogInterval, "progressLogInterval");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(streaming, "streaming");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("the ffmpeg shutdown grace must not be negative, got " + shutdownGrace);
        }
        if (!X264_PRESETS.contains(x264Preset)) {
            throw new IllegalArgumentException("pipeline.ffmpeg.x264-preset must be one of " + X264_PRESETS
                    + ", got '" + x264Preset + "'");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("pipeline.ffmpeg.threads must be 0 (auto) or more, got " + threads);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("pipeline.ffmpeg.timeout must be positive, got " + timeout);
        }
        if (multipartThreshold < MIN_PART_SIZE) {
            throw new IllegalArgumentException("pipeline.ffmpeg.multipart-threshold must be at least " + MIN_PART_SIZE
                    + " bytes (S3's smallest part), got " + multipartThreshold);
        }
        if (uploadConcurrency < 1) {
            throw new IllegalArgumentException("pipeline.transcode.upload-concurrency must be at least 1, got "
                    + uploadConcurrency);
        }
        if (progressLogInterval.isNegative() || progressLogInterval.isZero()) {
            throw new IllegalArgumentException("pipeline.ffmpeg.progress-log-interval must be positive");
        }
    }

    public static FfmpegSettings defaults() {
        return new FfmpegSettings("ffmpeg", "ffprobe", Path.of(System.getProperty("java.io.tmpdir")), "fast", 0,
                Duration.ofHours(2), 64L * 1024 * 1024, 4, Duration.ofSeconds(30), InputLimits.DEFAULTS, Duration.ZERO,
                StreamingSettings.OFF);
    }

    public FfmpegSettings withFfmpegPath(String path) {
        return new FfmpegSettings(path, ffprobePath, workDir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withFfprobePath(String path) {
        return new FfmpegSettings(ffmpegPath, path, workDir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withWorkDir(Path dir) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, dir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withX264Preset(String preset) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withThreads(int count) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, count, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withTimeout(Duration limit) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, limit, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withMultipartThreshold(long bytes) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, timeout, bytes,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withUploadConcurrency(int count) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, timeout, multipartThreshold,
                count, progressLogInterval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withProgressLogInterval(Duration interval) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, interval, limits, shutdownGrace, streaming);
    }

    public FfmpegSettings withLimits(InputLimits inputLimits) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, inputLimits, shutdownGrace, streaming);
    }

    public FfmpegSettings withStreaming(StreamingSettings settings) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, shutdownGrace, settings);
    }

    public FfmpegSettings withShutdownGrace(Duration grace) {
        return new FfmpegSettings(ffmpegPath, ffprobePath, workDir, x264Preset, threads, timeout, multipartThreshold,
                uploadConcurrency, progressLogInterval, limits, grace, streaming);
    }
}
