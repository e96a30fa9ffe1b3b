package io.videopipeline.app;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.ConfigurationError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.metadata.MetadataExtractor;
import io.videopipeline.metadata.MetadataSettings;
import io.videopipeline.notify.EmailNotifier;
import io.videopipeline.notify.JobStateIntake;
import software.amazon.awssdk.services.mediaconvert.model.StatusUpdateInterval;
import io.videopipeline.notify.LinkMaker;
import io.videopipeline.notify.LinkSettings;
import io.videopipeline.notify.MailLedger;
import io.videopipeline.notify.MailSettings;
import io.videopipeline.notify.MailTemplates;
import io.videopipeline.notify.RenditionMail;
import io.videopipeline.permissions.AclMode;
import io.videopipeline.permissions.AclSettings;
import io.videopipeline.permissions.AclUpdater;
import io.videopipeline.routing.DeadLetters;
import io.videopipeline.routing.FailurePolicy;
import io.videopipeline.routing.KameletSourceFollowsItsRoute;
import io.videopipeline.routing.ReceivedMessage;
import io.videopipeline.routing.SqsAcknowledger;
import io.videopipeline.media.EncodeSlots;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.Preset;
import io.videopipeline.transcode.ChunkedJobs;
import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.media.StaleUploadSweeper;
import io.videopipeline.transcode.KeyFilter;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.transcode.TranscodePlanner;
import io.videopipeline.transcode.cloud.ElasticTranscoderSettings;
import io.videopipeline.transcode.cloud.ElasticTranscoderStreaming;
import io.videopipeline.transcode.cloud.ElasticTranscoderTranscoder;
import io.videopipeline.transcode.cloud.LadderTiming;
import io.videopipeline.transcode.cloud.MediaConvertStreaming;
import io.videopipeline.transcode.cloud.LambdaSettings;
import io.videopipeline.transcode.cloud.LambdaTranscoder;
import io.videopipeline.transcode.cloud.MediaConvertSettings;
import io.videopipeline.transcode.cloud.MediaConvertTranscoder;
import io.videopipeline.transcode.Transcoder;
import io.videopipeline.transcode.TranscoderProvider;
import io.videopipeline.console.ConsoleApi;
import io.videopipeline.console.ConsoleEvents;
import io.videopipeline.console.ConsoleSettings;
import io.videopipeline.console.ConsoleStatic;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

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

    private final io.videopipeline.media.ProgressListener progress;
    /** presets.yaml, read once; null until then. */
    private PresetCatalog catalog;
    private final ConsoleSettings console;
    private final AwsClients aws;

    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources) {
        this(config, resources, io.videopipeline.media.ProgressListener.NONE);
    }

    /** @param progress told about every ffmpeg job's progress (metrics) */
    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources,
                         io.videopipeline.media.ProgressListener progress) {
        this(config, resources, progress, null);
    }

    /** @param presets presets.yaml as already read (by the local cloud's start), or null to read it here */
    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources,
                         io.videopipeline.media.ProgressListener progress, PresetCatalog presets) {
        this(config, resources, progress, presets, ConsoleConfig.settings(config, System.getenv()));
    }

    /** @param console the web console's settings (on or off, its token from the environment) */
    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources,
                         io.videopipeline.media.ProgressListener progress, PresetCatalog presets,
                         ConsoleSettings console) {
        this(config, resources, progress, presets, console, null);
    }

    /**
     * @param aws the AWS clients, perhaps still being built ({@link AwsClients#buildAhead(String)}), closed by the
     *            caller; null: built here and added to {@code resources}
     */
    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources,
                         io.videopipeline.media.ProgressListener progress, PresetCatalog presets,
                         ConsoleSettings console, AwsClients aws) {
        this.config = config;
        this.resources = resources;
        this.progress = progress;
        this.catalog = presets;
        this.console = console;
        this.aws = aws;
    }

    /**
     * Builds and binds, and starts nothing: no thread, no call over the network (clients are only created). What
     * is read is what the settings name (presets, mail templates) and, for the ffmpeg backend, a check that its
     * binaries run and its work dir is writable. A setting the user must fix ends as a {@link ConfigurationError}
     * (from {@link PipelineConfig}'s lookups and the checks named below); anything else thrown here is a bug and
     * is left to surface as one.
     */
    @Override
    public void configure(CamelContext camel) {
        AwsClients aws = this.aws != null ? this.aws : ownClients();
        LOG.info("AWS clients: {}", aws.settings());

        // each setting read once, here; the beans below share them. What needs no AWS client comes first: the
        // clients may still be being built on another thread (AwsClients.buildAhead).
        String transcodedBucket = config.require("pipeline.buckets.transcoded");
        String region = config.get("pipeline.aws.region", "us-east-1");
        OutputKeys outputKeys = config.parse("pipeline.transcode.output-key-pattern", OutputKeys.DEFAULT_PATTERN,
                OutputKeys::new);
        List<Preset> presets = presets();
        FfmpegSettings ffmpeg = FfmpegConfig.settings(config);
        AclSettings acl = new AclSettings(config.parse("pipeline.acl.mode", "public-read", AclMode::parse),
                transcodedBucket, config.get("pipeline.acl.output-prefix", ""),
                config.getInt("pipeline.acl.package-max-objects", AclSettings.DEFAULT_PACKAGE_MAX_OBJECTS));
        RenditionMail mails = renditionMail();

        camel.addRoutePolicyFactory(new KameletSourceFollowsItsRoute());
        bind(camel, "failurePolicy", new FailurePolicy(config.getInt("pipeline.retry.max-receives", 5)));
        S3EventIntake intake = new S3EventIntake(S3EventIntake.DEFAULT_MAX_BODY_CHARS,
                config.getInt("pipeline.intake.max-records", S3EventIntake.DEFAULT_MAX_RECORDS));
        bind(camel, "eventIntake", intake);
        ReceivedMessage received = new ReceivedMessage(intake);
        bind(camel, "receivedMessage", received);
        bind(camel, "packagePartGuard", new io.videopipeline.stream.PackagePartGuard());
        configureSmtp(camel);

        S3Client s3 = aws.s3();
        bind(camel, "amazonS3Client", s3);
        bind(camel, "amazonSQSClient", aws.sqs());
        // built when first looked up: only send-mail's aws2-sns endpoint (pipeline.mail.transport=sns) does
        camel.getRegistry().bind("amazonSnsClient", software.amazon.awssdk.services.sns.SnsClient.class, aws::sns);
        // Stop fast: idle consumers sit in 20 s long polls, which Camel's shutdown would wait out.
        camel.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext context) {
                aws.endLongPolls();
            }
        });
        bind(camel, "deadLetters", new DeadLetters(aws.sqs(), received));
        SqsAcknowledger acknowledger = acknowledger(aws);
        bind(camel, "sqsAcknowledger", acknowledger);
        // a service: Camel stops it after the routes (every completed exchange has handed over its delete), and the
        // runner closes the SQS client only after Camel has stopped, so the deletes still queued are flushed first
        addService(camel, acknowledger.service());
        bind(camel, "transcodePlanner", transcodePlanner(s3, outputKeys, presets, transcodedBucket));
        io.videopipeline.jobs.JobMetrics jobMetrics = new io.videopipeline.jobs.JobMetrics();
        JobTracker jobs = JobConfig.tracker(config, aws, jobMetrics);
        // pipeline_jobs{state}, pipeline_job_ready_seconds and pipeline_sqs_acknowledge_failures_total on /observe/metrics, once the registry exists
        io.videopipeline.routing.WhenStarted.run(camel, context -> {
            io.micrometer.core.instrument.MeterRegistry registry = context.getRegistry()
                    .findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
            if (registry != null) {
                jobMetrics.register(registry);
                acknowledger.register(registry);
            }
        });
        io.videopipeline.jobs.ParkedJobs parked = JobConfig.parkedJobs(config, jobs, intake);
        bind(camel, "parkedJobs", parked);
        Transcoder transcoder = transcoder(camel, aws, s3, ffmpeg, transcodedBucket, region, jobs);
        bind(camel, "transcoder", transcoder);
        bind(camel, "chunkedJobs", transcoder instanceof FfmpegTranscoder ffmpegTranscoder
                ? chunkedJobs(aws, s3, ffmpegTranscoder, outputKeys, presets, transcodedBucket, jobs)
                : ChunkedJobs.unavailable(config.get("pipeline.transcoder", "ffmpeg")));

        S3Presigner presigner = aws.s3Presigner();
        bind(camel, "aclUpdater", new AclUpdater(s3, acl));
        bind(camel, "metadataExtractor", new MetadataExtractor(s3, presigner, new MetadataSettings(
                ffmpeg.ffprobePath(),
                Duration.ofSeconds(config.getInt("pipeline.metadata.timeout-seconds", 120)),
                Duration.ofSeconds(config.getInt("pipeline.metadata.presign-seconds", 300)),
                transcodedBucket, outputKeys.fixedPrefix(), ffmpeg.limits().maxPixels(), acl.packageMaxObjects())));
        bind(camel, "emailNotifier", emailNotifier(s3, presigner, acl, outputKeys, presets, transcodedBucket,
                aws.settings(), mails));
        bind(camel, "jobMessages", new io.videopipeline.notify.JobMessages(jobs, new JobStateIntake()));
        bind(camel, "mailLedger", new MailLedger(s3));
        io.videopipeline.jobs.FanoutEffects effects = config.parse("pipeline.jobs.effects-gather-ms", "500",
                ms -> new io.videopipeline.jobs.FanoutEffects(s3, jobs, Duration.ofMillis(Long.parseLong(ms.trim()))));
        bind(camel, "fanoutEffects", effects);
        addService(camel, effects.service()); // stopped after the routes: what they gathered is written
        if (console.enabled()) {
            console(camel, aws, jobs, parked, intake, acl);
        }
    }

    /** How the SQS consumers' messages are deleted once done (pipeline.sqs.*; see config/application.properties). */
    private SqsAcknowledger acknowledger(AwsClients aws) {
        SqsAcknowledger.Mode mode = config.parse("pipeline.sqs.acknowledge", "async", SqsAcknowledger.Mode::parse);
        try {
            return new SqsAcknowledger(aws.sqs(), new SqsAcknowledger.Settings(mode,
                    config.getInt("pipeline.sqs.acknowledge-attempts", 4),
                    Duration.ofMillis(config.getInt("pipeline.sqs.acknowledge-retry-delay-ms", 200)),
                    config.getInt("pipeline.sqs.acknowledge-batch-size", SqsAcknowledger.Settings.MAX_BATCH),
                    Duration.ofMillis(config.getInt("pipeline.sqs.acknowledge-batch-window-ms", 20)),
                    Duration.ofSeconds(config.getInt("pipeline.sqs.acknowledge-flush-seconds", 5)),
                    config.getInt("pipeline.sqs.acknowledge-backlog", 1000)));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(e.getMessage(), e);
        }
    }

    /**
     * The web console: its API bean (routes/console-api.yaml), and once the HTTP server runs, the page, the event
     * stream and the queue feeding it (removed again when Camel stops).
     */
    private void console(CamelContext camel, AwsClients aws, JobTracker jobs, io.videopipeline.jobs.ParkedJobs parked,
                         S3EventIntake intake, AclSettings acl) {
        ConsoleApi api = ConsoleConfig.api(config, console, aws, jobs, parked, intake, acl);
        bind(camel, "consoleApi", api);
        ConsoleHttpEngine engine = new ConsoleHttpEngine(console.port());
        engine.setCamelContext(camel);
        camel.getComponent("platform-http", org.apache.camel.component.platform.http.PlatformHttpComponent.class)
                .setEngine(engine);
        ConsoleEvents events = new ConsoleEvents(aws.sqs(), aws.sns(), JobConfig.settings(config).topic(),
                console.eventsQueue(), console.heartbeat(), api.library()::view);
        camel.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext context) {
                ConsoleHttp.install(context, api, events, new ConsoleStatic(console.staticDir()));
                try {
                    events.start();
                } catch (RuntimeException e) { // the console works without live updates; the page says so
                    LOG.warn("Web console: no live updates, the job event queue could not be set up: {}",
                            io.videopipeline.logging.LogText.safe(e.toString()));
                }
            }

            @Override
            public void onContextStopping(CamelContext context) {
                events.close();
            }
        });
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

    /**
     * notify-email's auto links follow set-permissions' settings ({@code acl}); public links point at the S3 endpoint
     * in use unless a base URL (a CDN) is set, so in the local profile they are the local cloud's URLs.
     */
    private EmailNotifier emailNotifier(S3Client s3, S3Presigner presigner, AclSettings acl, OutputKeys outputKeys,
                                        List<Preset> presets, String transcodedBucket, AwsSettings aws,
                                        RenditionMail mails) {
        String publicBase = config.get("pipeline.mail.link.public-base-url", "");
        if (publicBase.isBlank() && aws.endpoint() != null) {
            publicBase = LinkSettings.bucketUrlAt(aws.endpoint(), aws.forcePathStyle(), transcodedBucket);
        }
        // auto links follow what set-permissions is configured to do, not the object's ACL of the moment
        LinkMaker links = new LinkMaker(presigner, new LinkSettings(
                config.parse("pipeline.mail.link.mode", "auto", LinkSettings.Mode::parse),
                publicBase,
                aws.region(),
                Duration.ofHours(config.getInt("pipeline.mail.link.lifetime-hours", 168))), acl);
        return new EmailNotifier(s3, links, mails, outputKeys, presets.stream().map(Preset::name).toList(),
                transcodedBucket, config.parse("pipeline.mail.mode", "per-rendition", EmailNotifier.Mode::parse),
                streams());
    }

    /** No clients were handed over: built here, closed with the other resources. */
    private AwsClients ownClients() {
        AwsClients own = new AwsClients(AwsSettings.from(config));
        resources.add(own);
        return own;
    }

    /** The mail templates (read from disk) and addresses notify-email's mails use. */
    private RenditionMail renditionMail() {
        return new RenditionMail(config.load("pipeline.mail.templates-dir", "mail", MailTemplates::load),
                new MailSettings(config.require("pipeline.mail.from"), config.require("pipeline.mail.to")));
    }

    /**
     * Whether every source gets a streaming package (then a per-source mail waits for its master playlist). The
     * lambda backend writes whatever its function writes, so its sources never promise one.
     */
    private boolean streams() {
        return config.getBoolean("pipeline.hls.enabled", true)
                && !"lambda".equals(config.get("pipeline.transcoder", "ffmpeg"));
    }

    /** Split-and-stitch for the ffmpeg backend (off unless pipeline.transcode.chunking-min-seconds is set). */
    private ChunkedJobs chunkedJobs(AwsClients aws, S3Client s3, FfmpegTranscoder transcoder, OutputKeys keys,
                                    List<Preset> presets, String transcodedBucket, JobTracker jobs) {
        ChunkedJobs.Settings settings;
        try {
            settings = new ChunkedJobs.Settings(
                    Double.parseDouble(config.get("pipeline.transcode.chunking-min-seconds", "0")),
                    Double.parseDouble(config.get("pipeline.transcode.chunk-seconds", "60")),
                    config.get("pipeline.transcode.chunk-prefix", "_chunks/"),
                    config.require("pipeline.queues.chunks"),
                    JobConfig.settings(config).progressInterval(),
                    Integer.parseInt(config.get("pipeline.transcode.source-cache-size", "1")));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(e.getMessage(), e);
        }
        return new ChunkedJobs(s3, aws.sqs(), transcoder, transcodePlanner(s3, keys, presets, transcodedBucket),
                jobs, settings, java.time.Clock.systemUTC());
    }

    private TranscodePlanner transcodePlanner(S3Client s3, OutputKeys keys, List<Preset> presets,
                                              String transcodedBucket) {
        KeyFilter filter = new KeyFilter(
                config.getList("pipeline.transcode.include-prefixes"),
                config.getList("pipeline.transcode.exclude-prefixes"),
                config.getList("pipeline.transcode.suffixes"));
        return new TranscodePlanner(filter, keys, presets, config.require("pipeline.buckets.upload"),
                transcodedBucket, s3);
    }

    private List<Preset> presets() {
        if (catalog == null) {
            catalog = config.load("pipeline.presets.file", "presets.yaml", PresetCatalog::load);
        }
        PresetCatalog loaded = catalog;
        return config.parse("pipeline.presets", "",
                chosen -> chosen.isBlank() ? loaded.presets() : loaded.select(PipelineConfig.csv(chosen)));
    }

    private Transcoder transcoder(CamelContext camel, AwsClients aws, S3Client s3, FfmpegSettings ffmpeg,
                                  String transcodedBucket, String region, JobTracker jobs) {
        String backend = config.get("pipeline.transcoder", "ffmpeg");
        return switch (backend) {
            case "ffmpeg" -> {
                FfmpegTranscoder transcoder = ffmpegTranscoder(s3, ffmpeg, jobs);
                sweepStaleUploadsOnStart(camel, s3, transcodedBucket);
                yield transcoder;
            }
            case "elastictranscoder" -> new ElasticTranscoderTranscoder(aws.elasticTranscoder(), s3,
                    backendSettings(backend, () -> new ElasticTranscoderSettings(
                            config.require("pipeline.elastictranscoder.pipeline-id"), transcodedBucket,
                            ffmpeg.streaming().enabled() ? new ElasticTranscoderStreaming(
                                    ElasticTranscoderStreaming.parse(config.require(
                                            "pipeline.elastictranscoder.hls-presets")),
                                    LadderTiming.segmentSeconds(ffmpeg.streaming())) : null)), jobs);
            case "mediaconvert" -> new MediaConvertTranscoder(aws.mediaConvert(), s3,
                    backendSettings(backend, () -> new MediaConvertSettings(
                            config.require("pipeline.mediaconvert.role-arn"),
                            config.get("pipeline.mediaconvert.queue", ""),
                            config.get("pipeline.mediaconvert.job-template", ""),
                            ffmpeg.streaming().enabled() ? MediaConvertStreaming.of(ffmpeg.streaming(),
                                    config.getInt("pipeline.mediaconvert.max-captures", 1000)) : null,
                            config.parse("pipeline.mediaconvert.status-update-interval",
                                    MediaConvertSettings.DEFAULT_STATUS_UPDATE_INTERVAL.toString(),
                                    StatusUpdateInterval::fromValue))), jobs);
            case "lambda" -> new LambdaTranscoder(
                    aws.lambda(Duration.ofSeconds(config.getInt("pipeline.lambda.timeout-seconds", 900))), s3,
                    backendSettings(backend, () -> LambdaSettings.of(config.require("pipeline.lambda.function"),
                            config.get("pipeline.lambda.invocation-type", "RequestResponse"), region)));
            default -> java.util.ServiceLoader.load(TranscoderProvider.class).stream()
                    .map(java.util.ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals(backend)).findFirst()
                    .map(p -> p.create(s3, new ProviderSettings(config, backend)))
                    .orElseThrow(() -> new ConfigurationError("pipeline.transcoder='" + backend
                            + "' is unknown: choose ffmpeg, elastictranscoder, mediaconvert or lambda"));
        };
    }

    private FfmpegTranscoder ffmpegTranscoder(S3Client s3, FfmpegSettings ffmpeg, JobTracker jobs) {
        io.videopipeline.transcode.KeyCollision onCollision = config.parse("pipeline.transcode.on-key-collision",
                "refuse", io.videopipeline.transcode.KeyCollision::parse);
        try {
            return new FfmpegTranscoder(s3, ffmpeg, progress, onCollision, jobs,
                    EncodeSlots.of(config.getInt("pipeline.transcode.parallel-encodes", 1)));
        } catch (IllegalStateException e) {
            // what the constructor checks is all settings: ffmpeg and ffprobe run, the work dir is writable
            throw new ConfigurationError("transcoder 'ffmpeg': " + e.getMessage(), e);
        }
    }

    /** A backend's settings record refuses a value (an id or ARN of the wrong shape): the user's to fix. */
    private static <T> T backendSettings(String backend, java.util.function.Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("transcoder '" + backend + "': " + e.getMessage(), e);
        }
    }

    /**
     * Once the context has started, on a thread Camel manages (and stops with it): a start must not wait on S3
     * listing a bucket's unfinished uploads, and building the beans starts nothing.
     */
    private void sweepStaleUploadsOnStart(CamelContext camel, S3Client s3, String transcodedBucket) {
        int hours = config.getInt("pipeline.transcode.abort-stale-uploads-after-hours", 24);
        if (hours <= 0) {
            return;
        }
        StaleUploadSweeper sweeper = new StaleUploadSweeper(s3, transcodedBucket, Duration.ofHours(hours),
                java.time.Clock.systemUTC());
        camel.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStarted(CamelContext context) {
                java.util.concurrent.ExecutorService sweep = context.getExecutorServiceManager()
                        .newSingleThreadExecutor(PipelineBeans.this, "stale-upload-sweep");
                sweep.execute(sweeper::sweep);
                sweep.shutdown(); // its thread ends with the sweep
            }
        });
    }

    /** A service Camel stops with the context (after the routes), started with it rather than now. */
    private static void addService(CamelContext camel, Object service) {
        try {
            camel.addService(service, true, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add " + service + " to " + camel.getName(), e);
        }
    }

    private static void bind(CamelContext camel, String name, Object bean) {
        camel.getRegistry().bind(name, bean);
    }
}
