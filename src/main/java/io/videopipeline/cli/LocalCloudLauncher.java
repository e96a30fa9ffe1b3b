package io.videopipeline.cli;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.localcloud.LocalCloud;
import io.videopipeline.routing.PipelineBeans;
import io.videopipeline.transcode.PresetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.Notifications;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the embedded local cloud as the configuration describes and answers the configuration the
 * routes then run with: every AWS client and SMTP pointed at it, resources provisioned, and (for the
 * elastictranscoder backend) a local pipeline created.
 */
final class LocalCloudLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCloudLauncher.class);

    private LocalCloudLauncher() {
    }

    static LocalCloud start(PipelineConfig config) {
        LocalCloud.Builder builder = LocalCloud.builder()
                .bindAddress(config.get("pipeline.localcloud.bind-address", "127.0.0.1"))
                .port(config.getInt("pipeline.localcloud.port", 4566))
                .dataDir(Path.of(config.get("pipeline.localcloud.data-dir", "data")))
                .transientStorage(config.getBoolean("pipeline.localcloud.transient", false))
                .credentials(config.get("pipeline.aws.access-key", "test"), config.get("pipeline.aws.secret-key", "test"))
                .region(config.get("pipeline.aws.region", "us-east-1"))
                .builtInSns()
                .smtp(config.getInt("pipeline.localcloud.smtp-port", 2525))
                .elasticTranscoder(PresetCatalog.load(config.configPath("pipeline.presets.file", "presets.yaml")),
                        PipelineBeans.ffmpegSettings(config));
        try {
            return builder.build().start();
        } catch (IllegalStateException e) {
            throw new UserError(UserError.CONFIG, e.getMessage() + " (settings pipeline.localcloud.port / .bind-address / .data-dir)", e);
        }
    }

    /** The configuration with every client pointed at {@code cloud}, after provisioning it if asked to. */
    static PipelineConfig pointAt(LocalCloud cloud, PipelineConfig config) {
        Map<String, String> overrides = new LinkedHashMap<>();
        // Clients may be sent through something in between (a fault-injecting proxy in the reliability tests);
        // the local cloud checks signatures against the Host the client signed, so that works unchanged.
        String clientEndpoint = config.get("pipeline.localcloud.client-endpoint", "");
        overrides.put("pipeline.aws.endpoint-url", clientEndpoint.isBlank() ? cloud.endpoint().toString() : clientEndpoint);
        overrides.put("pipeline.aws.force-path-style", "true");
        overrides.put("pipeline.aws.access-key", cloud.accessKey());
        overrides.put("pipeline.aws.secret-key", cloud.secretKey());
        if (cloud.smtpPort() > 0) {
            overrides.put("pipeline.mail.host", "127.0.0.1");
            overrides.put("pipeline.mail.port", String.valueOf(cloud.smtpPort()));
            overrides.put("pipeline.mail.starttls", "false");
        }
        PipelineConfig pointed = config.withOverrides(overrides);
        if (pointed.getBoolean("pipeline.provision.on-start", false)) {
            ProvisionCommand.run(pointed, AwsSettings.from(pointed), false);
        }
        if ("elastictranscoder".equals(pointed.get("pipeline.transcoder"))
                && pointed.get("pipeline.elastictranscoder.pipeline-id", "").isBlank()) {
            String topicArn = jobEvents(pointed);
            pointed = pointed.withOverrides(Map.of(
                    "pipeline.elastictranscoder.pipeline-id", localPipeline(pointed, topicArn),
                    "pipeline.job-events.enabled", "true"));
        }
        return pointed;
    }

    /**
     * The topic the local pipeline notifies and the queue (with its DLQ) the report-job-state route reads,
     * subscribed to it; every call is idempotent. Returns the topic ARN.
     */
    private static String jobEvents(PipelineConfig config) {
        try (AwsClients clients = new AwsClients(AwsSettings.from(config))) {
            String queue = config.require("pipeline.queues.job-events");
            var sqs = clients.sqs();
            String dlqUrl = sqs.createQueue(b -> b.queueName(queue + "-dlq")).queueUrl();
            String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String url = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":"
                            + config.getInt("pipeline.retry.max-receives", 5) + "}"))).queueUrl();
            String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            var sns = clients.sns();
            String topicArn = sns.createTopic(b -> b.name(config.require("pipeline.topic.job-events"))).topicArn();
            boolean subscribed = sns.listSubscriptionsByTopicPaginator(b -> b.topicArn(topicArn)).subscriptions().stream()
                    .anyMatch(sub -> queueArn.equals(sub.endpoint()));
            if (!subscribed) {
                sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
            }
            return topicArn;
        }
    }

    /** The local Elastic Transcoder pipeline from the upload to the transcoded bucket, created once. */
    private static String localPipeline(PipelineConfig config, String topicArn) {
        String name = "video-pipeline";
        try (AwsClients clients = new AwsClients(AwsSettings.from(config))) {
            ElasticTranscoderClient et = clients.elasticTranscoder();
            return et.listPipelinesPaginator(b -> { }).pipelines().stream()
                    .filter(p -> name.equals(p.name())).findFirst()
                    .map(p -> p.id())
                    .orElseGet(() -> {
                        String id = et.createPipeline(b -> b.name(name)
                                .inputBucket(config.require("pipeline.buckets.upload"))
                                .outputBucket(config.require("pipeline.buckets.transcoded"))
                                .role("arn:aws:iam::000000000000:role/Elastic_Transcoder_Default_Role")
                                .notifications(Notifications.builder().progressing(topicArn).completed(topicArn)
                                        .warning(topicArn).error(topicArn).build())).pipeline().id();
                        LOG.info("Created local Elastic Transcoder pipeline {} ({} -> {})", id,
                                config.get("pipeline.buckets.upload"), config.get("pipeline.buckets.transcoded"));
                        return id;
                    });
        }
    }
}
