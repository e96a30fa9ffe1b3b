package io.videopipeline.cli;

import io.videopipeline.app.FfmpegConfig;
import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.emulator.EmulatedCloud;
import io.videopipeline.emulator.LocalCloudRequest;
import io.videopipeline.emulator.LocalCloudStarter;
import io.videopipeline.media.PresetCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.Notifications;

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

    static EmulatedCloud start(PipelineConfig config) {
        return start(config, config.load("pipeline.presets.file", "presets.yaml", PresetCatalog::load));
    }

    /** @param presets the catalog the pipeline uses too, read once */
    static EmulatedCloud start(PipelineConfig config, PresetCatalog presets) {
        // The worker jar (profile aws only) leaves the local cloud out: say so instead of failing on a missing class.
        LocalCloudStarter starter = LocalCloudStarter.find().orElseThrow(() -> new UserError(UserError.CONFIG,
                "this jar has no local cloud (the worker jar runs the aws profile only): use --profile aws,"
                        + " or video-pipeline.jar for the local profile"));
        LocalCloudRequest request = new LocalCloudRequest(
                config.get("pipeline.localcloud.bind-address", "127.0.0.1"),
                config.getInt("pipeline.localcloud.port", 4566),
                Path.of(config.get("pipeline.localcloud.data-dir", "data")),
                config.getBoolean("pipeline.localcloud.transient", false),
                config.get("pipeline.aws.access-key", "test"), config.get("pipeline.aws.secret-key", "test"),
                config.get("pipeline.aws.region", "us-east-1"),
                config.getInt("pipeline.localcloud.smtp-port", 2525),
                presets, FfmpegConfig.settings(config));
        try {
            return starter.start(request);
        } catch (IllegalStateException e) {
            throw new UserError(UserError.CONFIG, e.getMessage() + " (settings pipeline.localcloud.port / .bind-address / .data-dir)", e);
        }
    }

    /** The configuration with every client pointed at {@code cloud}, after provisioning it if asked to. */
    static PipelineConfig pointAt(EmulatedCloud cloud, PipelineConfig config) {
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
        // The local Elastic Transcoder pipeline notifies the job-events topic: report-job-state runs, and provision
        // makes its queue, dead-letter queue and topic as it would in the aws profile with the route enabled.
        boolean localEtPipeline = "elastictranscoder".equals(pointed.get("pipeline.transcoder"))
                && pointed.get("pipeline.elastictranscoder.pipeline-id", "").isBlank();
        if (localEtPipeline) {
            pointed = pointed.withOverrides(Map.of("pipeline.job-events.enabled", "true"));
        }
        if (pointed.getBoolean("pipeline.provision.on-start", false) || localEtPipeline) {
            ProvisionCommand.run(pointed, AwsSettings.from(pointed), false);
        }
        if (localEtPipeline) {
            pointed = pointed.withOverrides(Map.of(
                    "pipeline.elastictranscoder.pipeline-id", localPipeline(pointed, jobEventsTopicArn(pointed))));
        }
        return pointed;
    }

    /** The ARN of the job-events topic provision made. */
    private static String jobEventsTopicArn(PipelineConfig config) {
        String name = config.require("pipeline.topic.job-events");
        try (AwsClients clients = new AwsClients(AwsSettings.from(config))) {
            return clients.sns().listTopicsPaginator(b -> { }).topics().stream().map(t -> t.topicArn())
                    .filter(arn -> arn.endsWith(":" + name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("topic " + name + " was not provisioned"));
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
