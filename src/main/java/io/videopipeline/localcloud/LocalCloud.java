package io.videopipeline.localcloud;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;
import org.jclouds.blobstore.TransientApiMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import io.videopipeline.localcloud.et.EtApiService;
import io.videopipeline.localcloud.et.EtNotifier;
import io.videopipeline.localcloud.et.EtSettings;
import io.videopipeline.localcloud.mail.MailServer;
import io.videopipeline.localcloud.sns.SnsService;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.PresetCatalog;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * An embedded "local cloud": S3 and SQS (and SNS, when a service is plugged in) behind one HTTP endpoint, like
 * LocalStack, so AWS SDKs and the AWS CLI need only an endpoint URL. S3 is S3Proxy on a jclouds filesystem (or
 * transient) store on an internal port of 127.0.0.1 (it checks signatures itself), SQS is ElasticMQ served in this
 * JVM with no port of its own, so every SQS request passes the gateway's signature check.
 * S3 bucket notifications (to SQS queues and SNS topics) are added on top.
 *
 * <pre>{@code
 * try (LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dir).build().start()) {
 *     S3Client s3 = S3Client.builder().endpointOverride(cloud.endpoint()).forcePathStyle(true)...
 * }
 * }</pre>
 */
public final class LocalCloud implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalCloud.class);

    public static final String DEFAULT_ACCOUNT_ID = "000000000000";

    private final Builder settings;
    private Server server;
    private HttpClient httpClient;
    private SqsBackend sqs;
    private S3Proxy s3Proxy;
    private BlobStoreContext blobStoreContext;
    private InternalQueueSender queueSender;
    private NotificationConfigurationStore configurations;
    private BucketOwnershipControls ownershipControls;
    private S3EventDispatcher events;
    private URI endpoint;
    private int s3ProxyPort;
    private MailServer mailServer;
    private SnsService snsService;
    private EtApiService etService;
    private final java.util.List<AutoCloseable> clients = new java.util.ArrayList<>();

    private LocalCloud(Builder settings) {
        this.settings = settings;
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
        if (server != null) {
            throw new IllegalStateException("LocalCloud is already started on " + endpoint);
        }
        long started = System.nanoTime();
        try {
            Path dataDir = settings.transientStorage ? null : settings.dataDir.toAbsolutePath();
            if (dataDir != null) {
                Files.createDirectories(dataDir);
            }

            // Bind the gateway first: ElasticMQ needs its port for the queue URLs it hands out.
            QueuedThreadPool threads = new QueuedThreadPool(256, 8);
            threads.setName("localcloud-gateway");
            server = new Server(threads);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendDateHeader(false);
            http.setRequestHeaderSize(32 * 1024);
            http.setOutputBufferSize(64 * 1024);
            // Jetty's header cache would return "text/plain; charset=utf-8" for "...charset=UTF-8": header values
            // must reach S3Proxy exactly as the client signed them.
            http.setHeaderCacheCaseSensitive(true);
            // S3 keys may contain anything (encoded slashes, "..", "//"); S3Proxy sees the path as sent.
            http.setUriCompliance(UriCompliance.UNSAFE);
            ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
            connector.setHost(settings.bindAddress);
            connector.setPort(settings.port);
            connector.setIdleTimeout(120_000);
            server.addConnector(connector);
            connector.open();
            int port = connector.getLocalPort();
            String publicHost = "0.0.0.0".equals(settings.bindAddress) || "::".equals(settings.bindAddress) ? "127.0.0.1" : settings.bindAddress;
            endpoint = URI.create("http://" + (publicHost.contains(":") ? "[" + publicHost + "]" : publicHost) + ":" + port);

            startBuiltInServices(dataDir);

            // The three back ends start in parallel: start-up is mostly class loading and JIT of three stacks.
            Path sqsDir = dataDir == null ? null : dataDir.resolve("sqs");
            Path s3Dir = dataDir == null ? null : dataDir.resolve("s3");
            Path notificationsDir = dataDir == null ? null : dataDir.resolve("s3-notifications");
            ownershipControls = new BucketOwnershipControls(dataDir == null ? null : dataDir.resolve("s3-ownership"));
            queueSender = new InternalQueueSender(settings, endpoint);
            ExecutorService starters = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "localcloud-start");
                t.setDaemon(true);
                return t;
            });
            CompletableFuture<Void> s3Started;
            CompletableFuture<Void> clientStarted;
            try {
                s3Started = CompletableFuture.runAsync(() -> startS3(s3Dir, notificationsDir), starters);
                clientStarted = CompletableFuture.runAsync(this::startUpstreamClient, starters);
                try {
                    sqs = SqsBackend.start(sqsDir, endpoint, settings.region, settings.accountId);
                } finally {
                    // Whatever happened, let the others finish so that stop() sees (and closes) what they started.
                    awaitQuietly(s3Started);
                    awaitQuietly(clientStarted);
                }
            } finally {
                starters.shutdown();
            }
            s3Started.join();
            clientStarted.join();

            SigV4Verifier verifier = new SigV4Verifier(settings.accessKey, settings.secretKey);
            server.setHandler(new Gateway(httpClient, s3ProxyPort, sqs,
                    new BucketNotificationApi(verifier, blobStoreContext.getBlobStore(), configurations, events),
                    new BucketOwnershipApi(verifier, blobStoreContext.getBlobStore(), ownershipControls), verifier, settings.queryService,
                    etService == null ? null : etService::answer, settings.region));
            server.setStopTimeout(0);
            server.start();

            LOG.info("Local cloud listening on {} (S3, SQS{}{}{}) in {} ms; internal S3Proxy port {}, ElasticMQ in-process, storage {}",
                    endpoint, settings.queryService != null ? ", SNS" : "", etService != null ? ", Elastic Transcoder" : "",
                    mailServer != null ? ", SMTP on " + settings.bindAddress + ":" + mailServer.port() : "",
                    (System.nanoTime() - started) / 1_000_000, s3ProxyPort, dataDir == null ? "in memory" : dataDir);
            return this;
        } catch (CompletionException e) {
            stop();
            Throwable cause = e.getCause();
            throw new IllegalStateException("Could not start the local cloud on " + settings.bindAddress + ":" + settings.port
                    + ": " + cause, cause);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("Could not start the local cloud on " + settings.bindAddress + ":" + settings.port
                    + " (data dir " + (settings.transientStorage ? "none, transient" : settings.dataDir.toAbsolutePath()) + "): " + e, e);
        }
    }

    /**
     * SMTP, SNS and the Elastic Transcoder API, when the builder asked for them. They reach S3 and SQS
     * through the gateway's own endpoint (known once the port is bound), as any client would.
     */
    private void startBuiltInServices(Path dataDir) {
        if (settings.smtpPort >= 0) {
            mailServer = new MailServer(settings.bindAddress, settings.smtpPort, dataDir);
            mailServer.start();
        }
        if (settings.builtInSns) {
            SqsClient sqsClient = track(SqsClient.builder().endpointOverride(endpoint).region(Region.of(settings.region))
                    .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build());
            snsService = SnsService.builder().sqsClient(sqsClient)
                    .smtp("127.0.0.1", mailServer == null ? 25 : mailServer.port())
                    .dataDir(dataDir).endpoint(endpoint).accountId(settings.accountId).build();
            SnsService sns = snsService;
            settings.queryService = (params, region) -> {
                io.videopipeline.localcloud.sns.SnsResponse r = sns.handle(params, region);
                return new AwsResponse(r.status(), r.contentType(), r.body());
            };
            settings.topicPublisher = new TopicPublisher() {
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
        if (settings.etPresets != null) {
            S3Client s3Client = track(S3Client.builder().endpointOverride(endpoint).region(Region.of(settings.region))
                    .credentialsProvider(credentials()).forcePathStyle(true).httpClient(ApacheHttpClient.create()).build());
            EtNotifier notifier = snsService == null ? EtNotifier.NONE : snsService::publish;
            EtSettings et = EtSettings.defaults().withDataDir(dataDir == null ? null : dataDir.resolve("elastictranscoder"));
            etService = new EtApiService(s3Client, settings.etPresets, settings.etFfmpeg, notifier,
                    new EtSettings(settings.region, settings.accountId, et.dataDir(), et.workers()));
        }
    }

    private StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey, settings.secretKey));
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

    private void startS3(Path s3Dir, Path notificationsDir) {
        try {
            blobStoreContext = blobStoreContext(s3Dir);
            BlobStore blobStore = blobStoreContext.getBlobStore();
            configurations = new NotificationConfigurationStore(notificationsDir);
            events = new S3EventDispatcher(configurations, queueSender, settings.topicPublisher, settings.region, settings.accountId,
                    blobStore);
            s3Proxy = S3Proxy.builder()
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, settings.accessKey, settings.secretKey)
                    .ignoreUnknownHeaders(true)
                    .blobStore(new NotifyingBlobStore(blobStore, events, configurations, ownershipControls))
                    .build();
            s3Proxy.start();
            s3ProxyPort = s3Proxy.getPort();
        } catch (Exception e) {
            throw new CompletionException("S3 (S3Proxy on " + (s3Dir == null ? "transient storage" : s3Dir) + ") did not start: " + e, e);
        }
    }

    private void startUpstreamClient() {
        try {
            HttpClient client = new HttpClient();
            client.setFollowRedirects(false);
            client.setUserAgentField(null);
            client.setMaxConnectionsPerDestination(512);
            client.setConnectTimeout(5_000);
            client.setIdleTimeout(120_000);
            // Bigger reads from S3Proxy mean fewer, larger writes to the client when streaming objects.
            client.setResponseBufferSize(64 * 1024);
            client.setRequestBufferSize(64 * 1024);
            QueuedThreadPool clientThreads = new QueuedThreadPool(64, 4);
            clientThreads.setName("localcloud-upstream");
            client.setExecutor(clientThreads);
            httpClient = client;
            client.start();
            // A pass-through proxy: no automatic gzip decoding, redirects, 100-continue or authentication.
            client.getContentDecoderFactories().clear();
            client.getProtocolHandlers().clear();
        } catch (Exception e) {
            throw new CompletionException("The gateway's HTTP client did not start: " + e, e);
        }
    }

    private static void awaitQuietly(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (RuntimeException e) {
            // reported by the caller
        }
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
        return settings.region;
    }

    public String accountId() {
        return settings.accountId;
    }

    public String accessKey() {
        return settings.accessKey;
    }

    public String secretKey() {
        return settings.secretKey;
    }

    /** S3Proxy's own port on 127.0.0.1 (bypasses the gateway and notifications; for diagnostics and benchmarks). */
    public int s3ProxyPort() {
        return s3ProxyPort;
    }

    /** Stops every service promptly; in-flight requests are cut. Safe to call more than once. */
    public synchronized void stop() {
        stopQuietly("gateway", () -> {
            if (server != null) {
                server.stop();
            }
        });
        stopQuietly("S3Proxy", () -> {
            if (s3Proxy != null) {
                s3Proxy.stop();
            }
        });
        stopQuietly("notification delivery", () -> {
            if (events != null) {
                events.close();
            }
        });
        stopQuietly("upstream client", () -> {
            if (httpClient != null) {
                httpClient.stop();
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
        stopQuietly("Elastic Transcoder API", () -> {
            if (etService != null) {
                etService.close();
            }
        });
        stopQuietly("SNS", () -> {
            if (snsService != null) {
                snsService.close();
            }
        });
        stopQuietly("SMTP", () -> {
            if (mailServer != null) {
                mailServer.stop();
            }
        });
        for (AutoCloseable c : clients) {
            stopQuietly("client", c::close);
        }
        clients.clear();
        etService = null;
        snsService = null;
        mailServer = null;
        stopQuietly("blob store", () -> {
            if (blobStoreContext != null) {
                blobStoreContext.close();
            }
        });
        server = null;
        s3Proxy = null;
        events = null;
        httpClient = null;
        queueSender = null;
        configurations = null;
        sqs = null;
        blobStoreContext = null;
    }

    @Override
    public void close() {
        stop();
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void stopQuietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("Stopping the local cloud's {} failed: {}", what, e.toString());
        }
    }

    private static BlobStoreContext blobStoreContext(Path dir) throws Exception {
        if (dir == null) {
            return ContextBuilder.newBuilder(new TransientApiMetadata())
                    .modules(ImmutableSet.of(new SLF4JLoggingModule()))
                    .buildView(BlobStoreContext.class);
        }
        Files.createDirectories(dir);
        Properties properties = new Properties();
        properties.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dir.toString());
        return ContextBuilder.newBuilder(new FilesystemApiMetadata())
                .overrides(properties)
                .modules(ImmutableSet.of(new SLF4JLoggingModule()))
                .buildView(BlobStoreContext.class);
    }

    /**
     * Delivers notification messages to SQS through the gateway, signed like any client's request (ElasticMQ has no
     * port of its own to send to; see {@link SqsBackend}). Its SDK client is built on first use (it costs start-up
     * time and many local clouds never send a notification).
     */
    private static final class InternalQueueSender implements S3EventDispatcher.QueueSender, AutoCloseable {
        private final Builder settings;
        private final URI gateway;
        private SqsClient client;

        InternalQueueSender(Builder settings, URI gateway) {
            this.settings = settings;
            this.gateway = gateway;
        }

        private synchronized SqsClient client() {
            if (client == null) {
                client = SqsClient.builder()
                        .endpointOverride(gateway)
                        .region(Region.of(settings.region))
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(settings.accessKey, settings.secretKey)))
                        .httpClient(ApacheHttpClient.create())
                        .build();
            }
            return client;
        }

        @Override
        public void send(String queueName, String body) {
            client().sendMessage(b -> b.queueUrl(gateway + "/" + settings.accountId + "/" + queueName).messageBody(body));
        }

        @Override
        public boolean queueExists(String queueName) {
            try {
                client().getQueueUrl(b -> b.queueName(queueName));
                return true;
            } catch (QueueDoesNotExistException e) {
                return false;
            }
        }

        @Override
        public synchronized void close() {
            if (client != null) {
                client.close();
            }
        }
    }

    /** Settings of a local cloud; every one has a default matching the project's local profile. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port = 4566;
        private Path dataDir = Path.of("data", "localcloud");
        private boolean transientStorage;
        private String accessKey = "test";
        private String secretKey = "test";
        private String region = "us-east-1";
        private String accountId = DEFAULT_ACCOUNT_ID;
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
            this.bindAddress = requireText(bindAddress, "bindAddress");
            return this;
        }

        /** Endpoint port; default 4566; 0 picks a free one (see {@link LocalCloud#endpoint()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Where objects, queues/messages and notification configurations are kept; default ./data/localcloud. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Keep everything in memory (nothing survives {@link #stop()}); default false. */
        public Builder transientStorage(boolean transientStorage) {
            this.transientStorage = transientStorage;
            return this;
        }

        /** The one access key/secret key pair accepted; default test/test. */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = requireText(accessKey, "accessKey");
            this.secretKey = requireText(secretKey, "secretKey");
            return this;
        }

        /** Region used in ARNs and events; default us-east-1. */
        public Builder region(String region) {
            this.region = requireText(region, "region");
            return this;
        }

        /** Account id used in ARNs and queue URLs; default 000000000000. */
        public Builder accountId(String accountId) {
            if (accountId == null || !accountId.matches("\\d{12}")) {
                throw new IllegalArgumentException("accountId must be 12 digits, was " + accountId);
            }
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
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("SMTP port must be 0..65535, was " + port);
            }
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

        public LocalCloud build() {
            return new LocalCloud(this.copy());
        }

        private Builder copy() {
            Builder b = new Builder();
            b.bindAddress = bindAddress;
            b.port = port;
            b.dataDir = dataDir;
            b.transientStorage = transientStorage;
            b.accessKey = accessKey;
            b.secretKey = secretKey;
            b.region = region;
            b.accountId = accountId;
            b.queryService = queryService;
            b.topicPublisher = topicPublisher;
            b.smtpPort = smtpPort;
            b.builtInSns = builtInSns;
            b.etPresets = etPresets;
            b.etFfmpeg = etFfmpeg;
            return b;
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
