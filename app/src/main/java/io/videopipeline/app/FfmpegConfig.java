package io.videopipeline.app;

import io.videopipeline.config.PipelineConfig;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.InputLimits;
import io.videopipeline.media.PresetCatalog;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The ffmpeg encoder's settings ({@code pipeline.ffmpeg.*}) and what one upload may ask for
 * ({@code pipeline.transcode.max-*}, see config/application.properties), read from the configuration. The
 * pipeline's ffmpeg backend and the local cloud's Elastic Transcoder emulator encode with the same settings.
 */
public final class FfmpegConfig {

    private FfmpegConfig() {
    }

    public static FfmpegSettings settings(PipelineConfig config) {
        FfmpegSettings settings = encoder(config);
        // HLS ladder and pictures (config/presets.yaml hls: and pictures:)
        if (config.getBoolean("pipeline.hls.enabled", true)) {
            return settings.withStreaming(config.load("pipeline.presets.file", "presets.yaml",
                    file -> PresetCatalog.loadStreaming(file, true)));
        }
        return settings;
    }

    /** The ffmpeg binary {@code pipeline.ffmpeg.path} names (default: found on the PATH). */
    public static String ffmpegPath(PipelineConfig config) {
        return config.get("pipeline.ffmpeg.path", "ffmpeg");
    }

    /** The ffprobe binary {@code pipeline.ffprobe.path} names (default: found on the PATH). */
    public static String ffprobePath(PipelineConfig config) {
        return config.get("pipeline.ffprobe.path", "ffprobe");
    }

    private static FfmpegSettings encoder(PipelineConfig config) {
        return FfmpegSettings.defaults()
                .withFfmpegPath(ffmpegPath(config))
                .withFfprobePath(ffprobePath(config))
                .withWorkDir(Path.of(config.get("pipeline.ffmpeg.work-dir", System.getProperty("java.io.tmpdir") + "/video-pipeline")))
                .withX264Preset(config.get("pipeline.ffmpeg.x264-preset", "fast"))
                .withThreads(config.getInt("pipeline.ffmpeg.threads", 0))
                .withTimeout(minutes(config, "pipeline.ffmpeg.timeout-minutes", "120"))
                .withLimits(inputLimits(config))
                .withMultipartThreshold(config.getInt("pipeline.transcode.multipart-threshold-mb", 64) * 1024L * 1024L)
                .withUploadConcurrency(config.getInt("pipeline.transcode.upload-concurrency", 4))
                .withProgressLogInterval(Duration.ofSeconds(config.getInt("pipeline.ffmpeg.progress-log-seconds", 30)))
                // a little past the grace Camel gives in-flight work, so a stop does not kill ffmpeg first
                .withShutdownGrace(Duration.ofSeconds(config.getInt("pipeline.shutdown.grace-seconds", 30) + 2L));
    }

    private static InputLimits inputLimits(PipelineConfig config) {
        InputLimits d = InputLimits.DEFAULTS;
        return new InputLimits(
                number(config, "pipeline.transcode.max-input-mb", d.maxBytes() >> 20).longValue() << 20,
                minutes(config, "pipeline.transcode.max-duration-minutes", String.valueOf(d.maxDuration().toMinutes())),
                number(config, "pipeline.transcode.max-pixels", d.maxPixels()).longValue(),
                number(config, "pipeline.transcode.max-frame-rate", d.maxFrameRate()).doubleValue());
    }

    private static BigDecimal number(PipelineConfig config, String key, Number defaultValue) {
        return config.parse(key, defaultValue.toString(), value -> {
            try {
                return new BigDecimal(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
            }
        });
    }

    /** A number of minutes, fractions allowed ("0.05" is 3 s: tests use seconds-long timeouts). */
    private static Duration minutes(PipelineConfig config, String key, String defaultValue) {
        return config.parse(key, defaultValue, value -> {
            try {
                return Duration.ofMillis(new BigDecimal(value.trim()).multiply(BigDecimal.valueOf(60_000)).longValue());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number of minutes, got '" + value + "'");
            }
        });
    }
}
