package io.videopipeline.localcloud.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.CrossOriginResourceSharing;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.jclouds.filesystem.FilesystemApiMetadata;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.jclouds.logging.slf4j.config.SLF4JLoggingModule;

import com.google.common.collect.ImmutableSet;

import io.videopipeline.localcloud.gateway.SigV4Verifier;

/**
 * S3 of the local cloud: S3Proxy on a jclouds filesystem (or transient) store on an internal port of 127.0.0.1
 * (it checks signatures itself), with bucket notifications, Object Ownership, bucket CORS and anonymous public
 * reads added on top.
 */
public final class S3Backend implements AutoCloseable {

    private final BlobStoreContext blobStoreContext;
    private final NotificationConfigurationStore configurations;
    private final BucketOwnershipControls ownershipControls;
    private final BucketCorsRules corsRules;
    private final S3EventDispatcher events;
    private final S3Proxy s3Proxy;
    private final PublicReadSigner publicReadSigner;
    /** The gateway's pass-through client to S3Proxy. */
    private final HttpClient client;

    private S3Backend(BlobStoreContext blobStoreContext, NotificationConfigurationStore configurations,
                      BucketOwnershipControls ownershipControls, BucketCorsRules corsRules, S3EventDispatcher events,
                      S3Proxy s3Proxy, PublicReadSigner publicReadSigner, HttpClient client) {
        this.blobStoreContext = blobStoreContext;
        this.configurations = configurations;
        this.ownershipControls = ownershipControls;
        this.corsRules = corsRules;
        this.events = events;
        this.s3Proxy = s3Proxy;
        this.publicReadSigner = publicReadSigner;
        this.client = client;
    }

    /**
     * @param dataDir where objects ({@code s3}), notification configurations ({@code s3-notifications}), ownership
     *                controls ({@code s3-ownership}) and CORS configurations ({@code s3-cors}) are kept; null keeps
     *                everything in memory
     * @param topics  where topic notifications go; null refuses topic destinations
     */
    public static S3Backend start(Path dataDir, QueueSender queues, TopicPublisher topics, String region, String accountId,
                                  String accessKey, String secretKey) throws Exception {
        Path s3Dir = dataDir == null ? null : dataDir.resolve("s3");
        BlobStoreContext context = blobStoreContext(s3Dir);
        S3EventDispatcher events = null;
        S3Proxy s3Proxy = null;
        try {
            BlobStore blobStore = context.getBlobStore();
            NotificationConfigurationStore configurations = new NotificationConfigurationStore(
                    dataDir == null ? null : dataDir.resolve("s3-notifications"));
            BucketOwnershipControls ownership = new BucketOwnershipControls(dataDir == null ? null : dataDir.resolve("s3-ownership"));
            BucketCorsRules cors = new BucketCorsRules(dataDir == null ? null : dataDir.resolve("s3-cors"));
            events = new S3EventDispatcher(configurations, queues, topics, region, accountId, blobStore);
            s3Proxy = S3Proxy.builder()
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                    .ignoreUnknownHeaders(true)
                    // S3Proxy's default answers every origin; CORS is per bucket here (BucketCorsApi)
                    .corsRules(new CrossOriginResourceSharing(List.of(), List.of(), List.of(), List.of(), ""))
                    .blobStore(new NotifyingBlobStore(blobStore, events, configurations, ownership, cors))
                    .build();
            s3Proxy.start();
            return new S3Backend(context, configurations, ownership, cors, events, s3Proxy,
                    new PublicReadSigner(accessKey, secretKey, region), startClient());
        } catch (Exception | Error e) {
            if (s3Proxy != null) {
                s3Proxy.stop();
            }
            if (events != null) {
                events.close();
            }
            context.close();
            throw new IllegalStateException("S3 (S3Proxy on " + (s3Dir == null ? "transient storage" : s3Dir) + ") did not start: " + e, e);
        }
    }

    /** S3Proxy's own port on 127.0.0.1 (bypasses the gateway and notifications). */
    public int s3ProxyPort() {
        return s3Proxy.getPort();
    }

    /** The gateway's S3: requests go to S3Proxy, signatures of the APIs added here are checked with {@code verifier}. */
    public S3Service service(SigV4Verifier verifier) {
        return new S3Service(client, s3ProxyPort(), verifier, blobStoreContext.getBlobStore(), configurations, events,
                ownershipControls, corsRules, publicReadSigner);
    }

    /** Stops S3Proxy, then the notification delivery, the store and the client. */
    @Override
    public void close() throws Exception {
        try {
            s3Proxy.stop();
        } finally {
            try {
                events.close();
            } finally {
                try {
                    blobStoreContext.close();
                } finally {
                    client.stop();
                }
            }
        }
    }

    private static HttpClient startClient() throws Exception {
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
        client.start();
        // A pass-through proxy: no automatic gzip decoding, redirects, 100-continue or authentication.
        client.getContentDecoderFactories().clear();
        client.getProtocolHandlers().clear();
        return client;
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
}
