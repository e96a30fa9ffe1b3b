package io.videopipeline.transcode;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.TransientApiMetadata;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-memory S3 (S3Proxy on a transient jclouds store) on 127.0.0.1 and a random port, with a path-style SDK
 * client signed with test/test. Stand-in until the shared LocalCloud extension is available.
 */
final class InTestS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final S3Client client;

    InTestS3() throws Exception {
        context = ContextBuilder.newBuilder(new TransientApiMetadata()).build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test", "test")
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start(); // returns once Jetty listens
        client = client(new ExecutionInterceptor() { });
    }

    S3Client client() {
        return client;
    }

    /** Another client of the same S3 that lets {@code interceptor} see its requests (closed by the caller). */
    S3Client client(ExecutionInterceptor interceptor) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .forcePathStyle(true)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(interceptor))
                .build();
    }

    @Override
    public void close() throws Exception {
        client.close();
        proxy.stop();
        context.close();
    }
}
