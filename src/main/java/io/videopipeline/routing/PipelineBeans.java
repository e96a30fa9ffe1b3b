package io.videopipeline.routing;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.UserError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.metadata.MetadataExtractor;
import io.videopipeline.metadata.MetadataSettings;
import io.videopipeline.notify.EmailNotifier;
import io.videopipeline.notify.JobStateIntake;
import io.videopipeline.notify.LinkMaker;
import io.videopipeline.notify.LinkSettings;
import io.videopipeline.notify.MailLedger;
import io.videopipeline.notify.MailSettings;
import io.videopipeline.notify.MailTemplates;
import io.videopipeline.notify.RenditionMail;
import io.videopipeline.permissions.AclMode;
import io.videopipeline.permissions.AclSettings;
import io.videopipeline.permissions.AclUpdater;
import io.videopipeline.transcode.FfmpegSettings;
import io.videopipeline.transcode.Preset;
import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.transcode.StaleUploadSweeper;
import io.videopipeline.transcode.KeyFilter;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.transcode.PresetCatalog;
import io.videopipeline.transcode.TranscodePlanner;
import io.videopipeline.transcode.cloud.ElasticTranscoderSettings;
import io.videopipeline.transcode.cloud.ElasticTranscoderTranscoder;
import io.videopipeline.transcode.cloud.LambdaSettings;
import io.videopipeline.transcode.cloud.LambdaTranscoder;
import io.videopipeline.transcode.cloud.MediaConvertSettings;
import io.videopipeline.transcode.cloud.MediaConvertTranscoder;
import io.videopipeline.transcode.Transcoder;
import io.videopipeline.transcode.TranscoderProvider;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

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

    private final io.videopipeline.transcode.ProgressListener progress;

    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources) {
        this(config, resources, io.videopipeline.transcode.ProgressListener.NONE);
    }

    /** @param progress told about every ffmpeg job's progress (metrics) */
    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources,
                         io.videopipeline.transcode.ProgressListener progress) {
        this.config = config;
        this.resources = resources;
        this.progress = progress;
    }

    @Override
    public void configure(CamelContext camel) {
        try {
            bindAll(camel);
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            // Bad settings (a missing presets file or template, an unknown mode, no ffmpeg): the user's to fix.
            throw new UserError(UserError.CONFIG, e.getMessage(), e);
        }
    }

    private void bindAll(CamelContext camel) {
        AwsClients aws = new AwsClients(AwsSettings.from(config));
        resources.add(aws);
        LOG.info("AWS clients: {}", aws.settings());
        S3Client s3 = aws.s3();
        bind(camel, "amazonS3Client", s3);
        bind(camel, "amazonSQSClient", aws.sqs());
        bind(camel, "amazonSnsClient", aws.sns());
        // Stop fast: idle consumers sit in 20 s long polls, which Camel's shutdown would wait out.
        camel.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext context) {
                aws.endLongPolls();
            }
        });

        camel.addRoutePolicyFactory(new KameletSourceFollowsItsRoute());
        bind(camel, "failurePolicy", new FailurePolicy(config.getInt("pipeline.retry.max-receives", 5)));
        S3EventIntake intake = new S3EventIntake(S3EventIntake.DEFAULT_MAX_BODY_CHARS,
                config.getInt("pipeline.intake.max-records", S3EventIntake.DEFAULT_MAX_RECORDS));
        bind(camel, "eventIntake", intake);
        ReceivedMessage received = new ReceivedMessage(intake);
        bind(camel, "receivedMessage", received);
        bind(camel, "deadLetters", new DeadLetters(aws.sqs(), received));
        bind(camel, "transcodePlanner", transcodePlanner(s3));
        bind(camel, "transcoder", transcoder(aws, s3));

        S3Presigner presigner = aws.s3Presigner();
        bind(camel, "aclUpdater", new AclUpdater(s3, aclSettings()));
        bind(camel, "metadataExtractor", new MetadataExtractor(s3, presigner, new MetadataSettings(
                config.get("pipeline.ffprobe.path", "ffprobe"),
                Duration.ofSeconds(config.getInt("pipeline.metadata.timeout-seconds", 120)),
                Duration.ofSeconds(config.getInt("pipeline.metadata.presign-seconds", 300)),
                config.require("pipeline.buckets.transcoded"), outputKeys().fixedPrefix(),
                inputLimits(config).maxPixels())));
        bind(camel, "emailNotifier", emailNotifier(s3, presigner));
        bind(camel, "jobStateIntake", new JobStateIntake());
        bind(camel, "mailLedger", new MailLedger(s3));
        configureSmtp(camel);
    }

    /**
     * SMTP credentials and TLS go on the component, not into a route's URI, so they never show in
     * endpoint listings; an empty user name means no authentication.
     */
    private void configureSmtp(CamelContext camel) {
        MailConfiguration mail = camel.getComponent("smtp", MailComponent.class).getConfiguration();
        String user = config.get("pipeline.mail.username", "");
        if (!user.isBlank()) {
            mail.setUsername(user);
            mail.setPassword(config.get("pipeline.mail.password", ""));
        }
        java.util.Properties javaMail = new java.util.Properties();
        javaMail.setProperty("mail.smtp.starttls.enable", String.valueOf(config.getBoolean("pipeline.mail.starttls", false)));
        javaMail.setProperty("mail.smtp.connectiontimeout", "15000");
        javaMail.setProperty("mail.smtp.timeout", "30000");
        mail.setAdditionalJavaMailProperties(javaMail);
    }

    /** set-permissions' settings; notify-email's auto links read them too. */
    private AclSettings aclSettings() {
        return new AclSettings(AclMode.parse(config.get("pipeline.acl.mode", "public-read")),
                config.require("pipeline.buckets.transcoded"), config.get("pipeline.acl.output-prefix", ""));
    }

    private EmailNotifier emailNotifier(S3Client s3, S3Presigner presigner) {
        // auto links follow what set-permissions is configured to do, not the object's ACL of the moment
        LinkMaker links = new LinkMaker(presigner, new LinkSettings(
                LinkSettings.Mode.parse(config.get("pipeline.mail.link.mode", "auto")),
                config.get("pipeline.mail.link.public-base-url", ""),
                config.get("pipeline.aws.region", "us-east-1"),
                Duration.ofHours(config.getInt("pipeline.mail.link.lifetime-hours", 168))), aclSettings());
        RenditionMail mails = new RenditionMail(
                MailTemplates.load(config.configPath("pipeline.mail.templates-dir", "mail")),
                new MailSettings(config.require("pipeline.mail.from"), config.require("pipeline.mail.to")));
        return new EmailNotifier(s3, links, mails, outputKeys(), presetNames(), config.require("pipeline.buckets.transcoded"),
                EmailNotifier.Mode.parse(config.get("pipeline.mail.mode", "per-rendition")));
    }

    private TranscodePlanner transcodePlanner(S3Client s3) {
        OutputKeys keys = outputKeys();
        KeyFilter filter = new KeyFilter(
                KeyFilter.csv(config.get("pipeline.transcode.include-prefixes", "")),
                KeyFilter.csv(config.get("pipeline.transcode.exclude-prefixes", "")),
                KeyFilter.csv(config.get("pipeline.transcode.suffixes", "")));
        return new TranscodePlanner(filter, keys, presets(), config.require("pipeline.buckets.upload"),
                config.require("pipeline.buckets.transcoded"), s3);
    }

    private OutputKeys outputKeys() {
        return new OutputKeys(config.get("pipeline.transcode.output-key-pattern", "{dir}{name}/{name}-{preset}.mp4"));
    }

    private List<Preset> presets() {
        PresetCatalog catalog = PresetCatalog.load(config.configPath("pipeline.presets.file", "presets.yaml"));
        List<String> chosen = KeyFilter.csv(config.get("pipeline.presets", ""));
        return chosen.isEmpty() ? catalog.presets() : catalog.select(chosen);
    }

    private List<String> presetNames() {
        return presets().stream().map(Preset::name).toList();
    }

    private Transcoder transcoder(AwsClients aws, S3Client s3) {
        String backend = config.get("pipeline.transcoder", "ffmpeg");
        try {
            return switch (backend) {
                case "ffmpeg" -> {
                    FfmpegTranscoder ffmpeg = new FfmpegTranscoder(s3, ffmpegSettings(config), progress,
                            io.videopipeline.transcode.KeyCollision.parse(
                                    config.get("pipeline.transcode.on-key-collision", "refuse")));
                    sweepStaleUploads(s3);
                    yield ffmpeg;
                }
                case "elastictranscoder" -> new ElasticTranscoderTranscoder(aws.elasticTranscoder(), s3,
                        new ElasticTranscoderSettings(config.require("pipeline.elastictranscoder.pipeline-id"),
                                config.require("pipeline.buckets.transcoded")));
                case "mediaconvert" -> new MediaConvertTranscoder(aws.mediaConvert(), s3, new MediaConvertSettings(
                        config.require("pipeline.mediaconvert.role-arn"),
                        config.get("pipeline.mediaconvert.queue", ""),
                        config.get("pipeline.mediaconvert.job-template", "")));
                case "lambda" -> new LambdaTranscoder(
                        aws.lambda(Duration.ofSeconds(config.getInt("pipeline.lambda.timeout-seconds", 900))), s3,
                        LambdaSettings.of(config.require("pipeline.lambda.function"),
                                config.get("pipeline.lambda.invocation-type", "RequestResponse"),
                                config.get("pipeline.aws.region", "us-east-1")));
                default -> java.util.ServiceLoader.load(TranscoderProvider.class).stream()
                        .map(java.util.ServiceLoader.Provider::get)
                        .filter(p -> p.name().equals(backend)).findFirst()
                        .map(p -> p.create(s3, config))
                        .orElseThrow(() -> new UserError(UserError.CONFIG, "pipeline.transcoder='" + backend
                                + "' is unknown: choose ffmpeg, elastictranscoder, mediaconvert or lambda"));
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(UserError.CONFIG, "transcoder '" + backend + "': " + e.getMessage(), e);
        }
    }

    /** In the background: a start must not wait on S3 listing a bucket's unfinished uploads. */
    private void sweepStaleUploads(S3Client s3) {
        int hours = config.getInt("pipeline.transcode.abort-stale-uploads-after-hours", 24);
        if (hours <= 0) {
            return;
        }
        StaleUploadSweeper sweeper = new StaleUploadSweeper(s3, config.require("pipeline.buckets.transcoded"),
                Duration.ofHours(hours), java.time.Clock.systemUTC());
        Thread sweep = new Thread(sweeper::sweep, "stale-upload-sweep");
        sweep.setDaemon(true);
        sweep.start();
    }

    public static FfmpegSettings ffmpegSettings(PipelineConfig config) {
        return FfmpegSettings.defaults()
                .withFfmpegPath(config.get("pipeline.ffmpeg.path", "ffmpeg"))
                .withFfprobePath(config.get("pipeline.ffprobe.path", "ffprobe"))
                .withWorkDir(Path.of(config.get("pipeline.ffmpeg.work-dir", System.getProperty("java.io.tmpdir") + "/video-pipeline")))
                .withX264Preset(config.get("pipeline.ffmpeg.x264-preset", "fast"))
                .withThreads(config.getInt("pipeline.ffmpeg.threads", 0))
                .withTimeout(minutes(config.get("pipeline.ffmpeg.timeout-minutes", "120"),
                        "pipeline.ffmpeg.timeout-minutes"))
                .withLimits(inputLimits(config))
                .withMultipartThreshold(config.getInt("pipeline.transcode.multipart-threshold-mb", 64) * 1024L * 1024L)
                .withProgressLogInterval(Duration.ofSeconds(config.getInt("pipeline.ffmpeg.progress-log-seconds", 30)));
    }

    /** {@code pipeline.transcode.max-*}: what one upload may ask for (see config/application.properties). */
    public static io.videopipeline.transcode.InputLimits inputLimits(PipelineConfig config) {
        io.videopipeline.transcode.InputLimits d = io.videopipeline.transcode.InputLimits.DEFAULTS;
        return new io.videopipeline.transcode.InputLimits(
                number(config, "pipeline.transcode.max-input-mb", d.maxBytes() >> 20).longValue() << 20,
                minutes(config.get("pipeline.transcode.max-duration-minutes", String.valueOf(d.maxDuration()
                        .toMinutes())), "pipeline.transcode.max-duration-minutes"),
                number(config, "pipeline.transcode.max-pixels", d.maxPixels()).longValue(),
                number(config, "pipeline.transcode.max-frame-rate", d.maxFrameRate()).doubleValue());
    }

    private static java.math.BigDecimal number(PipelineConfig config, String key, Number defaultValue) {
        String value = config.get(key, "");
        if (value.isBlank()) {
            return new java.math.BigDecimal(defaultValue.toString());
        }
        try {
            return new java.math.BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
        }
    }

    /** A number of minutes, fractions allowed ("0.05" is 3 s: tests use seconds-long timeouts). */
    static Duration minutes(String value, String key) {
        try {
            return Duration.ofMillis(new java.math.BigDecimal(value.trim()).multiply(
                    java.math.BigDecimal.valueOf(60_000)).longValue());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of minutes, got '" + value + "'");
        }
    }

    private static void bind(CamelContext camel, String name, Object bean) {
        camel.getRegistry().bind(name, bean);
    }
}
