package io.videopipeline;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.PipelineRunner;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.localcloud.LocalCloud;
import io.videopipeline.localcloud.mail.MailServer;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The real application in this JVM — shipped routes, shipped config, profile local — on a transient
 * local cloud with random ports, so a test sees exactly what a user's `java -jar` does, only faster.
 * Extra settings override the shipped ones (e.g. a fast x264 preset, short retry delays).
 */
public final class PipelineTestApp implements AutoCloseable {
    private final PipelineRunner runner;
    private final PipelineConfig config;
    private final Main main;
    private final AwsClients clients;

    private PipelineTestApp(PipelineRunner runner, PipelineConfig config, Main main) {
        this.runner = runner;
        this.config = config;
        this.main = main;
        this.clients = new AwsClients(AwsSettings.from(config));
    }

    /** Settings every test wants: no fixed ports, nothing on disk, fast encodes, quick retries. */
    public static Map<String, String> testSettings(Path workDir) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("pipeline.localcloud.port", "0");
        s.put("pipeline.localcloud.smtp-port", "0");
        s.put("pipeline.localcloud.transient", "true");
        s.put("pipeline.localcloud.data-dir", workDir.resolve("data").toString());
        s.put("pipeline.routes.live-reload", "false");
        s.put("pipeline.inbox.enabled", "false");
        s.put("camel.management.enabled", "false");
        s.put("pipeline.console.port", "0");
        s.put("pipeline.ffmpeg.x264-preset", "ultrafast");
        s.put("pipeline.ffmpeg.work-dir", workDir.resolve("work").toString());
        s.put("pipeline.retry.delay-ms", "100");
        s.put("pipeline.retry.max-delay-ms", "500");
        // Short visibility so a message left for redelivery comes back within a test's patience.
        s.put("pipeline.provision.visibility-timeout-seconds", "3");
        s.put("pipeline.transcode.visibility-timeout-seconds", "10");
        s.put("pipeline.sqs.receive-visibility-seconds", "5");
        // nothing is in flight when a test closes: a stuck stop fails fast instead of waiting out the default 45 s
        s.put("camel.main.shutdown-timeout", "2");
        return s;
    }

    public static PipelineTestApp start(Path workDir, Map<String, String> overrides) throws Exception {
        return start(workDir, overrides, Path.of("config"), "local", Map.of());
    }

    /**
     * The same with another config dir and profile (a copy of config/ whose profile file has the local profile's
     * settings under another name, say) and an environment (the console's token).
     */
    public static PipelineTestApp start(Path workDir, Map<String, String> overrides, Path configDir, String profile,
                                        Map<String, String> env) throws Exception {
        Map<String, String> settings = testSettings(workDir);
        settings.putAll(overrides);
        PipelineConfig config = PipelineConfig.load(configDir, profile, Map.of(), settings);
        PipelineRunner runner = new PipelineRunner(config, Path.of("routes"), env);
        try {
            PipelineConfig prepared = runner.prepare();
            Main main = runner.createMain(System.nanoTime());
            main.start();
            return new PipelineTestApp(runner, prepared, main);
        } catch (Exception | Error e) {
            runner.close();
            throw e;
        }
    }

    public PipelineConfig config() {
        return config;
    }

    public CamelContext camel() {
        return main.getCamelContext();
    }

    /** The web console's address, {@code http://127.0.0.1:PORT} (the port the test's server bound). */
    public String consoleUrl() {
        io.videopipeline.console.ConsoleApi api = camel().getRegistry()
                .lookupByNameAndType("consoleApi", io.videopipeline.console.ConsoleApi.class);
        return "http://127.0.0.1:" + api.guard().port();
    }

    public S3Client s3() {
        return clients.s3();
    }

    public SqsClient sqs() {
        return clients.sqs();
    }

    public AwsClients clients() {
        return clients;
    }

    /** The local cloud the app runs on. */
    public LocalCloud localCloud() {
        return (LocalCloud) runner.localCloud();
    }

    /** The local cloud's SMTP server: every mail the pipeline sent. */
    public MailServer mailServer() {
        return localCloud().mailServer();
    }

    public String queueUrl(String name) {
        return clients.sqs().getQueueUrl(b -> b.queueName(name)).queueUrl();
    }

    /**
     * A new queue subscribed to one of the provisioned topics (raw SNS envelopes): a test's watcher of what the
     * topic carries, beside the pipeline's own subscribers.
     *
     * @return the queue's URL
     */
    public String watch(String topic, String queueName) {
        String url = clients.sqs().createQueue(b -> b.queueName(queueName)).queueUrl();
        String queueArn = clients.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        String topicArn = clients.sns().createTopic(b -> b.name(topic)).topicArn(); // idempotent: the existing one
        clients.sns().subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        return url;
    }

    @Override
    public void close() throws Exception {
        try {
            main.stop();
        } finally {
            clients.close();
            runner.close();
        }
    }
}
