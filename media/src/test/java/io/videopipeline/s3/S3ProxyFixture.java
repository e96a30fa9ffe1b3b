package io.videopipeline.s3;

import java.net.URI;
import java.time.Duration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * An in-memory S3Proxy on 127.0.0.1 and a random port, for one test class:
 * {@code @RegisterExtension static S3ProxyFixture s3 = new S3ProxyFixture();}.
 * Clients are the real AWS SDK v2, path-style, credentials test/test.
 */
public final class S3ProxyFixture implements BeforeAllCallback, AfterAllCallback {

    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";

    private S3Proxy proxy;
    private S3Client client;
    private URI endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        BlobStoreContext store = ContextBuilder.newBuilder(new TransientApiMetadata())
                .build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start(); // Jetty's start() returns once the connector is bound
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = s3Client(endpoint);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client client() {
        return client;
    }

    /** A presigner whose URLs point at {@code base} (the proxy itself, or a relay in front of it). */
    public static S3Presigner presigner(URI base) {
        return S3Presigner.builder()
                .endpointOverride(base)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    public S3Presigner presigner() {
        return presigner(endpoint);
    }

    public static S3Client s3Client(URI base) {
        return S3Client.builder()
                .endpointOverride(base)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    public void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }
}
