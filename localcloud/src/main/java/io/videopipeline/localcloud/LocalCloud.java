package io.videopipeline.localcloud;

import io.videopipeline.emulator.EmulatedCloud;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.videopipeline.localcloud.et.EtApiService;
import io.videopipeline.localcloud.et.EtNotifier;
import io.videopipeline.localcloud.et.EtSettings;
import io.videopipeline.localcloud.gateway.AwsAccount;
import io.videopipeline.localcloud.gateway.AwsQueryService;
import io.videopipeline.localcloud.gateway.Gateway;
import io.videopipeline.localcloud.gateway.GatewayServer;
import io.videopipeline.localcloud.gateway.SigV4Verifier;
import io.videopipeline.localcloud.mail.MailServer;
import io.videopipeline.localcloud.s3.S3Backend;
import io.videopipeline.localcloud.s3.TopicPublisher;
import io.videopipeline.localcloud.sns.SnsService;
import io.videopipeline.localcloud.sqs.SqsBackend;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.PresetCatalog;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An embedded "local cloud": S3 and SQS (and SNS, when a service is plugged in) behind one HTTP endpoint, like
 * LocalStack, so AWS SDKs and the AWS CLI need only an endpoint URL. S3 is S3Proxy on a jclouds filesystem (or
 * transient) store on an internal port of 127.0.0.1 (it checks signatures itself), SQS is ElasticMQ served in this
 * JVM with no port of its own, so every SQS request passes the gateway's signature check.
 * S3 bucket notifications (to SQS queues and SNS topics) are added on top.
 *
 * <p>This class only composes the services: its settings are fixed when it is built (the constructor validates the
 * {@link Builder}); {@link #start()} starts the services as units in order, {@link #stop()} stops them in the
 * reverse order, and a unit that fails to start stops those started before it.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dir).build().start()) {
 *     S3Client s3 = S3Client.builder().endpointOverride(cloud.endpoint()).forcePathStyle(true)...
 * }
 * }</pre>
 */
public final class LocalCloud implements EmulatedCloud {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCloud.class);

    private final String bindAddress;
    private final int port;
    /** Null when transient. */
    private final Path dataDir;
    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final String accountId;
    private final AwsQueryService pluggedSns;
    private final TopicPublisher pluggedTopics;
    private final int smtpPort;
    private final boolean builtInSns;
    private final PresetCatalog etPresets;
    private final FfmpegSettings etFfmpeg;

    /** What runs, guarded by {@code this}; empty when stopped. */
    private final Deque<LocalService> started = new ArrayDeque<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private GatewayServer gateway;
    /** Kept after a stop: what a failed or stopped local cloud was bound to. */
    private URI endpoint;
    private SqsBackend sqs;
    private S3Backend s3;
    private GatewayQueueSender queueSender;
    private MailServer mailServer;
    private SnsService snsService;
    private EtApiService etService;

    private LocalCloud(Builder builder) {
        this.bindAddress = requireText(builder.bindAddress, "bindAddress");
        if (builder.port < 0 || builder.port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + builder.port);
        }
        this.port = builder.port;
        this.dataDir = builder.transientStorage ? null
                : Objects.requireNonNull(builder.dataDir, "dataDir").toAbsolutePath();
        this.accessKey = requireText(builder.accessKey, "accessKey");
        this.secretKey = requireText(builder.secretKey, "secretKey");
        this.region = requireText(builder.region, "region");
        this.accountId = AwsAccount.requireValid(builder.accountId);
        if (builder.smtpPort < -1 || builder.smtpPort > 65535) {
            throw new IllegalArgumentException("SMTP port must be 0..65535, was " + builder.smtpPort);
        }
        this.smtpPort = builder.smtpPort;
        if (builder.builtInSns && (builder.queryService != null || builder.topicPublisher != null)) {
            throw new IllegalArgumentException("builtInSns() and a plugged-in SNS service exclude each other");
        }
        this.builtInSns = builder.builtInSns;
        this.pluggedSns = builder.queryService;
        this.pluggedTopics = builder.topicPublisher;
        if ((builder.etPresets == null) != (builder.etFfmpeg == null)) {
            throw new IllegalArgumentException("the Elastic Transcoder needs both presets and ffmpeg settings");
        }
        this.etPresets = builder.etPresets;
        this.etFfmpeg = builder.etFfmpeg;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts every service; returns this.
     *
     * @throws IllegalStateException naming what could not start (for example the port being in use)
     */
    public synchronized LocalCloud start() {
        if (!started.isEmpty()) {
            throw new IllegalStateException("LocalCloud is already started on " + endpoint);
        }
        long begun = System.nanoTime();
        for (LocalService unit : units()) {
            try {
                unit.start();
            } catch (Exception | Error e) {
                stop();
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("Could not start the local cloud on " + bindAddress + ":" + port
                        + " (" + unit.name() + ", data dir " + (dataDir == null ? "none, transient" : dataDir) + "): " + cause, cause);
            }
            started.push(unit);
        }
        LOG.info("Local cloud listening on {} (S3, SQS{}{}{}) in {} ms; internal S3Proxy port {}, ElasticMQ in-process, storage {}",
                endpoint, builtInSns || pluggedSns != null ? ", SNS" : "", etService != null ? ", Elastic Transcoder" : "",
                mailServer != null ? ", SMTP on " + bindAddress + ":" + mailServer.port() : "",
                (System.nanoTime() - begun) / 1_000_000, s3.s3ProxyPort(), dataDir == null ? "in memory" : dataDir);
        return this;
    }

    /**
     * The units in start order. The gateway's port is bound first: ElasticMQ and the built-in services need the
     * endpoint; the gateway serves requests last, once everything behind it runs.
     */
    private List<LocalService> units() {
        List<LocalService> units = new ArrayList<>();
        units.add(LocalService.of("data dir", () -> {
            if (dataDir != null) {
                Files.createDirectories(dataDir);
            }
        }, () -> { }));
        units.add(LocalService.of("gateway port", () -> {
            gateway = GatewayServer.bind(bindAddress, port);
            endpoint = gateway.endpoint();
        }, () -> gateway.stop()));
        if (smtpPort >= 0) {
            units.add(LocalService.of("SMTP", () -> {
                mailServer = new MailServer(bindAddress, smtpPort, dataDir);
                mailServer.start();
            }, () -> mailServer.stop()));
        }
        if (builtInSns) {
            units.add(LocalService.of("SNS", this::startSns, () -> snsService.close()));
        }
        if (etPresets != null) {
            units.add(LocalService.of("Elastic Transcoder API", this::startElasticTranscoder, () -> etService.close()));
        }
        units.add(LocalService.of("S3, SQS", this::startBackEnds, this::stopBackEnds));
        units.add(LocalService.of("gateway", this::serveGateway, () -> gateway.stop()));
        return units;
    }

    /** SNS reaches SQS and SMTP through their endpoints, as any client would. */
    private void startSns() {
        SqsClient sqsClient = track(SqsClient.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build());
        snsService = SnsService.builder().sqsClient(sqsClient)
                .smtp("127.0.0.1", mailServer == null ? 25 : mailServer.port())
                .dataDir(dataDir).endpoint(endpoint).accountId(accountId).build();
    }

    /** The Elastic Transcoder reads and writes S3 through the gateway, as any client would. */
    private void startElasticTranscoder() {
        S3Client s3Client = track(S3Client.builder().endpointOverride(endpoint).region(Region.of(region))
                .credentialsProvider(credentials()).forcePathStyle(true).httpClient(ApacheHttpClient.create()).build());
        EtNotifier notifier = snsService == null ? EtNotifier.NONE : snsService::publish;
        etService = new EtApiService(s3Client, etPresets, etFfmpeg, notifier, new EtSettings(region, accountId,
                dataDir == null ? null : dataDir.resolve("elastictranscoder"), EtSettings.defaults().workers()));
    }

    private TopicPublisher topics() {
        if (snsService == null) {
            return pluggedTopics;
        }
        SnsService sns = snsService;
        return new TopicPublisher() {
            @Override
            public void publish(String topicArn, String subject, String message) {
                sns.publish(topicArn, subject, message);
            }

            @Override
            public boolean topicExists(String topicArn) {
                return sns.topicExists(topicArn);
            }
        };
    }

    /** S3 and SQS start in parallel: start-up is mostly class loading and JIT of their stacks. */
    private void startBackEnds() throws Exception {
        queueSender = new GatewayQueueSender(endpoint, region, accountId, credentials());
        TopicPublisher topics = topics();
        ExecutorService starters = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "localcloud-start");
            t.setDaemon(true);
            return t;
        });
        CompletableFuture<Void> s3Started;
        try {
            s3Started = CompletableFuture.runAsync(() -> {
                try {
                    s3 = S3Backend.start(dataDir, queueSender, topics, region, accountId, accessKey, secretKey);
                } catch (Exception e) {
                    throw new CompletionException(e.getMessage(), e);
                }
            }, starters);
            try {
                sqs = SqsBackend.start(dataDir == null ? null : dataDir.resolve("sqs"), endpoint, region, accountId);
            } finally {
                // Whatever happened, let S3 finish so that a stop sees (and closes) what it started.
                awaitQuietly(s3Started);
            }
        } catch (Exception | Error e) {
            stopBackEnds();
            throw e;
        } finally {
            starters.shutdown();
        }
        try {
            s3Started.join();
        } catch (CompletionException e) {
            stopBackEnds();
            throw e;
        }
    }

    /** S3 first: its notification delivery still sends to SQS until it stops. */
    private void stopBackEnds() {
        stopQuietly("S3", () -> {
            if (s3 != null) {
                s3.close();
            }
        });
        stopQuietly("internal SQS client", () -> {
            if (queueSender != null) {
                queueSender.close();
            }
        });
        stopQuietly("ElasticMQ", () -> {
            if (sqs != null) {
                sqs.close();
            }
        });
    }

    private void serveGateway() throws Exception {
        SigV4Verifier verifier = new SigV4Verifier(accessKey, secretKey);
        AwsQueryService sns = snsService != null ? snsService : pluggedSns;
        gateway.serve(new Gateway(s3.service(verifier), sqs, sns, etService, verifier, region));
    }

    private static void awaitQuietly(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (RuntimeException e) {
            // reported by the caller
        }
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    private <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    /** The SMTP port of the embedded mail server; -1 when there is none. */
    public int smtpPort() {
        return mailServer == null ? -1 : mailServer.port();
    }

    /** The embedded mail server (what it received), or null. */
    public MailServer mailServer() {
        return mailServer;
    }

    /** The endpoint URL every AWS client uses, e.g. {@code http://127.0.0.1:4566}. */
    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("LocalCloud is not started");
        }
        return endpoint;
    }

    public int port() {
        return endpoint().getPort();
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** S3Proxy's own port on 127.0.0.1 (bypasses the gateway and notifications; for diagnostics and benchmarks). */
    public int s3ProxyPort() {
        return s3 == null ? 0 : s3.s3ProxyPort();
    }

    /** Stops every service promptly, in the reverse order of their start; in-flight requests are cut. Safe to call more than once. */
    public synchronized void stop() {
        boolean running = !started.isEmpty();
        while (!started.isEmpty()) {
            LocalService unit = started.pop();
            stopQuietly(unit.name(), unit::stop);
        }
        for (AutoCloseable c : clients) {
            stopQuietly("client", c::close);
        }
        clients.clear();
        gateway = null;
        sqs = null;
        s3 = null;
        queueSender = null;
        mailServer = null;
        snsService = null;
        etService = null;
        if (running) {
            LOG.info("Local cloud stopped");
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void stopQuietly(String what, LocalService.Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("Stopping the local cloud's {} failed: {}", what, e.toString());
        }
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    /**
     * Settings of a local cloud; every one has a default matching the project's local profile. Checked together
     * when the local cloud is built, which keeps its own copy: changing the builder afterwards changes nothing.
     */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port = 4566;
        private Path dataDir = Path.of("data", "localcloud");
        private boolean transientStorage;
        private String accessKey = "test";
        private String secretKey = "test";
        private String region = "us-east-1";
        private String accountId = AwsAccount.DEFAULT_ID;
        private AwsQueryService queryService;
        private TopicPublisher topicPublisher;
        private int smtpPort = -1;
        private boolean builtInSns;
        private PresetCatalog etPresets;
        private FfmpegSettings etFfmpeg;

        private Builder() {
        }

        /** Address the endpoint binds to; default 127.0.0.1 ("0.0.0.0" to accept other hosts, e.g. in a container). */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** Endpoint port; default 4566; 0 picks a free one (see {@link LocalCloud#endpoint()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Where objects, queues/messages and notification configurations are kept; default ./data/localcloud. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Keep everything in memory (nothing survives {@link #stop()}); default false. */
        public Builder transientStorage(boolean transientStorage) {
            this.transientStorage = transientStorage;
            return this;
        }

        /** The one access key/secret key pair accepted; default test/test. */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        /** Region used in ARNs and events; default us-east-1. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Account id used in ARNs and queue URLs; default 000000000000. */
        public Builder accountId(String accountId) {
            this.accountId = accountId;
            return this;
        }

        /** The SNS service: answers query-protocol requests signed for {@code sns}; optional. */
        public Builder snsService(AwsQueryService queryService) {
            this.queryService = queryService;
            return this;
        }

        /** Where S3 notifications for SNS topics go; optional (without it, topic destinations are refused). */
        public Builder topicPublisher(TopicPublisher topicPublisher) {
            this.topicPublisher = topicPublisher;
            return this;
        }

        /** Also run an SMTP server on this port (0 = random) that keeps every mail as .eml under the data dir. */
        public Builder smtp(int port) {
            this.smtpPort = port;
            return this;
        }

        /** Also serve SNS with our own implementation (email subscriptions go to the SMTP server, if any). */
        public Builder builtInSns() {
            this.builtInSns = true;
            return this;
        }

        /** Also serve the Elastic Transcoder API (2012-09-25) with these system presets, run by ffmpeg. */
        public Builder elasticTranscoder(PresetCatalog presets, FfmpegSettings ffmpeg) {
            this.etPresets = Objects.requireNonNull(presets, "presets");
            this.etFfmpeg = Objects.requireNonNull(ffmpeg, "ffmpeg");
            return this;
        }

        /** Convenience for a service that is both (the SNS service). */
        public <T extends AwsQueryService & TopicPublisher> Builder sns(T sns) {
            return snsService(sns).topicPublisher(sns);
        }

        /** @throws IllegalArgumentException naming the first setting that is not valid */
        public LocalCloud build() {
            return new LocalCloud(this);
        }
    }
}
