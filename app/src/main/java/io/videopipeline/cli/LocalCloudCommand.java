package io.videopipeline.cli;

import io.videopipeline.config.PipelineConfig;
import io.videopipeline.emulator.EmulatedCloud;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * {@code localcloud}: only the local cloud (provisioned, as the local profile does), until the JVM is
 * asked to stop — for an IDE, the AWS CLI, or a container beside it.
 */
public final class LocalCloudCommand {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCloudCommand.class);

    private LocalCloudCommand() {
    }

    public static void run(PipelineConfig config) {
        EmulatedCloud cloud = LocalCloudLauncher.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }, "localcloud-shutdown"));
        LocalCloudLauncher.pointAt(cloud, config.withOverrides(java.util.Map.of("pipeline.provision.on-start",
                config.get("pipeline.provision.on-start", "true"))));
        LOG.info("Local cloud ready: AWS_ENDPOINT_URL={} (credentials {}/...), SMTP 127.0.0.1:{}. Ctrl-C stops it.",
                cloud.endpoint(), cloud.accessKey(), cloud.smtpPort());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
