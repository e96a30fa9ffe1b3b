package io.videopipeline.routing;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.UserError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.transcode.FfmpegSettings;
import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.transcode.KeyFilter;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.transcode.PresetCatalog;
import io.videopipeline.transcode.TranscodePlanner;
import io.videopipeline.transcode.Transcoder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The one place where the pipeline's plain-Java beans are built from configuration and bound under
 * the names the YAML routes use. The AWS clients are bound too, so Camel's aws2 components use the
 * same endpoint and credentials as our beans.
 */
public final class PipelineBeans implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineBeans.class);

    private final PipelineConfig config;
    private final List<AutoCloseable> resources;

    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources) {
        this.config = config;
        this.resources = resources;
    }

    @Override
    public void configure(CamelContext camel) {
        AwsClients aws = new AwsClients(AwsSettings.from(config));
        resources.add(aws);
        LOG.info("AWS clients: {}", aws.settings());
        S3Client s3 = aws.s3();
        bind(camel, "amazonS3Client", s3);
        bind(camel, "amazonSQSClient", aws.sqs());
        bind(camel, "amazonSnsClient", aws.sns());

        bind(camel, "failurePolicy", new FailurePolicy(config.getInt("pipeline.retry.max-receives", 5)));
        bind(camel, "eventIntake", new S3EventIntake());
        bind(camel, "transcodePlanner", transcodePlanner());
        bind(camel, "transcoder", transcoder(s3));
    }

    private TranscodePlanner transcodePlanner() {
        OutputKeys keys = new OutputKeys(config.get("pipeline.transcode.output-key-pattern", "{dir}{name}/{name}-{preset}.mp4"));
        KeyFilter filter = new KeyFilter(
                KeyFilter.csv(config.get("pipeline.transcode.include-prefixes", "")),
                KeyFilter.csv(config.get("pipeline.transcode.exclude-prefixes", "")),
                KeyFilter.csv(config.get("pipeline.transcode.suffixes", "")));
        PresetCatalog catalog = PresetCatalog.load(config.configPath("pipeline.presets.file", "presets.yaml"));
        List<String> chosen = KeyFilter.csv(config.get("pipeline.presets", ""));
        return new TranscodePlanner(filter, keys, chosen.isEmpty() ? catalog.presets() : catalog.select(chosen),
                config.require("pipeline.buckets.transcoded"));
    }

    private Transcoder transcoder(S3Client s3) {
        String backend = config.get("pipeline.transcoder", "ffmpeg");
        return switch (backend) {
            case "ffmpeg" -> new FfmpegTranscoder(s3, ffmpegSettings());
            default -> throw new UserError(UserError.CONFIG, "pipeline.transcoder='" + backend
                    + "' is not available: choose ffmpeg");
        };
    }

    FfmpegSettings ffmpegSettings() {
        return FfmpegSettings.defaults()
                .withFfmpegPath(config.get("pipeline.ffmpeg.path", "ffmpeg"))
                .withFfprobePath(config.get("pipeline.ffprobe.path", "ffprobe"))
                .withWorkDir(Path.of(config.get("pipeline.ffmpeg.work-dir", System.getProperty("java.io.tmpdir") + "/video-pipeline")))
                .withX264Preset(config.get("pipeline.ffmpeg.x264-preset", "fast"))
                .withThreads(config.getInt("pipeline.ffmpeg.threads", 0))
                .withTimeout(Duration.ofMinutes(config.getInt("pipeline.ffmpeg.timeout-minutes", 120)))
                .withMultipartThreshold(config.getInt("pipeline.transcode.multipart-threshold-mb", 64) * 1024L * 1024L)
                .withProgressLogInterval(Duration.ofSeconds(config.getInt("pipeline.ffmpeg.progress-log-seconds", 30)));
    }

    private static void bind(CamelContext camel, String name, Object bean) {
        camel.getRegistry().bind(name, bean);
    }
}
