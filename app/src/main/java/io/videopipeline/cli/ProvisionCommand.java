package io.videopipeline.cli;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.provision.Change;
import io.videopipeline.provision.ProvisionSettings;
import io.videopipeline.provision.Provisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * {@code provision}: creates every resource of the pipeline, idempotently, against whatever endpoint
 * the configuration names (the local cloud, LocalStack or AWS).
 */
public final class ProvisionCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ProvisionCommand.class);

    private ProvisionCommand() {
    }

    public static ProvisionSettings settings(PipelineConfig config) {
        return new ProvisionSettings(
                config.require("pipeline.buckets.upload"),
                config.require("pipeline.buckets.transcoded"),
                config.require("pipeline.queues.upload-events"),
                config.require("pipeline.queues.email"),
                config.require("pipeline.queues.acl"),
                config.require("pipeline.queues.metadata"),
                config.require("pipeline.topic.transcoded"),
                "-dlq",
                config.getInt("pipeline.retry.max-receives", 5),
                65_536,
                config.getInt("pipeline.provision.visibility-timeout-seconds", 300),
                config.getList("pipeline.provision.transcoded-suffixes"),
                config.getList("pipeline.provision.email-subscriptions"),
                true)
                // what the optional routes use (send-mail by SNS, report-job-state); MediaConvert's job events come
                // by an EventBridge rule, not a topic
                .withMailTopic("sns".equals(config.get("pipeline.mail.transport", "smtp"))
                        ? config.require("pipeline.mail.sns-topic") : "")
                .withJobEvents(config.getBoolean("pipeline.job-events.enabled", false)
                                ? config.require("pipeline.queues.job-events") : "",
                        config.getBoolean("pipeline.job-events.enabled", false)
                                && !"mediaconvert".equals(config.get("pipeline.transcoder", "ffmpeg"))
                                ? config.require("pipeline.topic.job-events") : "")
                // pages from these origins may play renditions and upload (empty: no CORS rules)
                .withCorsAllowedOrigins(config.getList("pipeline.cors.allowed-origins"))
                // split-and-stitch tasks (routes/transcode-chunk.yaml runs whether chunking is on or not)
                .withChunksQueue(config.get("pipeline.queues.chunks", ""));
    }

    /** The job event stream's topic when job records are kept (pipeline.jobs.*), else empty. */
    static String jobEventTopic(PipelineConfig config) {
        return config.getBoolean("pipeline.jobs.enabled", true) ? config.get("pipeline.jobs.topic", "") : "";
    }

    /** Applies (or, dry, only plans) and logs one line per change; returns the changes. */
    public static List<Change> run(PipelineConfig config, AwsSettings aws, boolean dryRun) {
        try (AwsClients clients = new AwsClients(aws)) {
            Provisioner provisioner = new Provisioner(clients.s3(), clients.sqs(), clients.sns(), settings(config),
                    jobEventTopic(config));
            List<Change> changes = dryRun ? provisioner.plan() : provisioner.apply();
            if (changes.isEmpty()) {
                LOG.info("provision: everything is in place against {} (no changes)", aws);
            }
            if (dryRun) {
                // The provisioner logs what it changes; a dry run only says what it would do.
                changes.forEach(change -> LOG.info("provision: would {}", change));
            }
            return changes;
        }
    }
}
