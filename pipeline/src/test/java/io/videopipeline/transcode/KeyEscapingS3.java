package io.videopipeline.transcode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The three S3 calls the ffmpeg backend makes (HeadObject, GetObject to a file, PutObject), passed to a real S3
 * with every key stored under a reversible safe spelling: lets a test feed keys that AWS accepts but the in-test
 * S3Proxy/Jetty refuses ({@code ../}, a leading {@code /}, NUL) through the transcoder.
 */
final class KeyEscapingS3 implements S3Client {
    private final S3Client delegate;

    KeyEscapingS3(S3Client delegate) {
        this.delegate = delegate;
    }

    static String escape(String key) {
        return "escaped/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("*", "%2A").replace(".", "%2E");
    }

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest request) {
        return delegate.headObject(request.toBuilder().key(escape(request.key())).build());
    }

    @Override
    public <T> T getObject(GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
        return delegate.getObject(request.toBuilder().key(escape(request.key())).build(), transformer);
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        return delegate.putObject(request.toBuilder().key(escape(request.key())).build(), body);
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
