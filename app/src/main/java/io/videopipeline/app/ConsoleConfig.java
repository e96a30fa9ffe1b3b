package io.videopipeline.app;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.config.ConfigurationError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.console.BrowserUploads;
import io.videopipeline.console.ConsoleApi;
import io.videopipeline.console.ConsoleEvents;
import io.videopipeline.console.ConsoleGuard;
import io.videopipeline.console.ConsoleKeys;
import io.videopipeline.console.ConsoleSettings;
import io.videopipeline.console.JobFixes;
import io.videopipeline.console.UploadLibrary;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobSettings;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.jobs.ParkedJobs;
import io.videopipeline.notify.LinkMaker;
import io.videopipeline.notify.LinkSettings;
import io.videopipeline.permissions.AclSettings;
import io.videopipeline.transcode.KeyFilter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The web console's settings ({@code pipeline.console.*}) and beans, from the configuration. */
public final class ConsoleConfig {

    /** The environment variable holding the console's token: never a property, so never in a file. */
    public static final String TOKEN_ENV = "PIPELINE_CONSOLE_TOKEN";

    private ConsoleConfig() {
    }

    public static ConsoleSettings settings(PipelineConfig config, Map<String, String> env) {
        String token = env.get(TOKEN_ENV);
        boolean enabled = ConsoleSettings.decide(config.getBoolean("pipeline.console.enabled", true),
                config.profile(), token);
        String dir = config.get("pipeline.console.static-dir", "").strip();
        Path staticDir = dir.isEmpty() ? null : config.configDir().resolve(dir).normalize();
        try {
            return new ConsoleSettings(enabled, config.get("pipeline.console.host", "127.0.0.1").strip(),
                    config.getInt("pipeline.console.port", 8000), staticDir, token,
                    config.getList("pipeline.cors.allowed-origins"),
                    Duration.ofSeconds(config.getInt("pipeline.console.presign-seconds", 900)),
                    (long) config.getInt("pipeline.console.part-size-mib", 16) << 20,
                    Long.parseLong(config.get("pipeline.transcode.max-input-mb", "20480").strip()) << 20,
                    ConsoleEvents.queueName(config.get("pipeline.console.events-queue-prefix",
                            "video-pipeline-console"), hostName() + "-" + ProcessHandle.current().pid()),
                    Duration.ofSeconds(config.getInt("pipeline.console.heartbeat-seconds", 15)));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(e.getMessage(), e);
        }
    }

    /** The API bean routes/console-api.yaml calls. */
    public static ConsoleApi api(PipelineConfig config, ConsoleSettings settings, AwsClients aws, JobTracker jobs,
                                 ParkedJobs parked, S3EventIntake intake, AclSettings acl) {
        String transcoded = config.require("pipeline.buckets.transcoded");
        String upload = config.require("pipeline.buckets.upload");
        JobSettings jobSettings = JobConfig.settings(config);
        JobRecordStore store = jobs == null ? null : jobs.store();
        String publicBase = config.get("pipeline.mail.link.public-base-url", "");
        if (publicBase.isBlank() && aws.settings().endpoint() != null) {
            publicBase = LinkSettings.bucketUrlAt(aws.settings().endpoint(), aws.settings().forcePathStyle(), transcoded);
        }
        LinkMaker links = new LinkMaker(aws.s3Presigner(), new LinkSettings(LinkSettings.Mode.AUTO, publicBase,
                aws.settings().region(), settings.presignLifetime()), acl);
        KeyFilter filter = new KeyFilter(config.getList("pipeline.transcode.include-prefixes"),
                config.getList("pipeline.transcode.exclude-prefixes"), config.getList("pipeline.transcode.suffixes"));
        List<String> queues = new ArrayList<>(List.of(config.require("pipeline.queues.upload-events"),
                config.require("pipeline.queues.email"), config.require("pipeline.queues.acl"),
                config.require("pipeline.queues.metadata"),
                // split-and-stitch tasks: a poison chunk parks its upload's job in this queue's DLQ
                config.require("pipeline.queues.chunks")));
        if (config.getBoolean("pipeline.job-events.enabled", false)) {
            queues.add(config.require("pipeline.queues.job-events"));
        }
        return new ConsoleApi(new ConsoleGuard(settings),
                new UploadLibrary(store, aws.s3(), links),
                new BrowserUploads(aws.s3(), aws.s3Presigner(), upload, new ConsoleKeys(filter), settings),
                new JobFixes(aws.s3(), aws.sqs(), intake, parked, upload, transcoded, queues,
                        jobSettings.recordKeys(), config.require("pipeline.transcode.chunk-prefix")));
    }

    private static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "runner";
            }
        }
        return host;
    }
}
