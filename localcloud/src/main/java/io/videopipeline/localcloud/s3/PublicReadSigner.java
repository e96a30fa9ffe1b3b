package io.videopipeline.localcloud.s3;

import java.net.URI;
import java.util.Map;

import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs an anonymous read the gateway has found public-read, as the bucket owner, before it goes to S3Proxy. Why:
 * S3Proxy 3.3's own anonymous path looks objects up by the still percent-encoded path (a key with a space or any
 * non-ASCII letter is "NoSuchKey"), while its signed path serves every key, ranges and conditional headers included.
 */
final class PublicReadSigner {

    private final AwsCredentialsIdentity owner;
    private final String region;

    PublicReadSigner(String accessKey, String secretKey, String region) {
        this.owner = AwsCredentialsIdentity.create(accessKey, secretKey);
        this.region = region;
    }

    /**
     * The headers that make {@code method host encodedPath} a request S3Proxy accepts: {@code Host} (the client's, or
     * 127.0.0.1 for an HTTP/1.0 client that sent none), {@code Authorization}, {@code X-Amz-Date} and
     * {@code x-amz-content-sha256} (UNSIGNED-PAYLOAD: a GET or HEAD has none).
     */
    Map<String, String> headers(String method, String clientHost, String encodedPath) {
        String host = clientHost == null || clientHost.isBlank() ? "127.0.0.1" : clientHost;
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(URI.create("http://" + host))
                .encodedPath(encodedPath)
                .build();
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(owner)
                .request(request)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4FamilyHttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)).request();
        return Map.of("Host", host, "Authorization", signed.firstMatchingHeader("Authorization").orElseThrow(),
                "X-Amz-Date", signed.firstMatchingHeader("X-Amz-Date").orElseThrow(),
                "x-amz-content-sha256", signed.firstMatchingHeader("x-amz-content-sha256").orElseThrow());
    }
}
