package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.model.PresignedGetObjectRequest;

/** S3 through the gateway, with the AWS SDK v2 and plain HTTP (presigned URLs, unsigned requests). */
class LocalCloudS3Test {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-upload";
    private static final long PART = 5L * 1024 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"plain.mov", "with space.mov", "a+b.mov", "비디오 파일 #1.mov", "uploads/2025/nested dir/clip (1).mp4",
            "odd chars ~!@$&'()*,;=.mov"})
    void roundTripsObjectsWithAwkwardKeys(String key) {
        S3Client s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("video/quicktime").metadata(java.util.Map.of("origin", "test")),
                RequestBody.fromString("content of " + key));

        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String()).isEqualTo("content of " + key);
        var head = s3.headObject(b -> b.bucket(BUCKET).key(key));
        assertThat(head.contentType()).isEqualTo("video/quicktime");
        assertThat(head.metadata()).containsEntry("origin", "test");
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).extracting(S3Object::key).containsExactly(key);

        s3.copyObject(b -> b.sourceBucket(BUCKET).sourceKey(key).destinationBucket(BUCKET).destinationKey("copies/" + key));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("copies/" + key)).asUtf8String()).isEqualTo("content of " + key);

        s3.deleteObject(b -> b.bucket(BUCKET).key(key));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key(key))).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void multipartUploadOfTwoFiveMegabytePartsAndALastOne() throws Exception {
        S3Client s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        String key = "big/clip.mov";
        long total = 2 * PART + 12345;
        String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key).contentType("video/quicktime")).uploadId();

        List<CompletedPart> parts = new ArrayList<>();
        try (InputStream content = new GeneratedContent(42, total)) {
            for (int number = 1; (number - 1) * PART < total; number++) {
                long size = Math.min(PART, total - (number - 1) * PART);
                int partNumber = number;
                String eTag = s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(partNumber).contentLength(size),
                        RequestBody.fromInputStream(new BoundedStream(content, size), size)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
            }
        }
        s3.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));

        assertThat(parts).hasSize(3);
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).isEqualTo(total);
        try (InputStream stored = s3.getObject(b -> b.bucket(BUCKET).key(key))) {
            assertThat(GeneratedContent.sha256(stored)).isEqualTo(GeneratedContent.sha256(new GeneratedContent(42, total)));
        }
        // S3Proxy's per-upload metadata stub is not visible.
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents()).extracting(S3Object::key).containsExactly(key);
    }

    @Test
    void presignedGetServesRangesOverPlainHttp() throws Exception {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        String key = "renditions/비디오 파일 #1-720p.mp4";
        CLOUD.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("0123456789abcdefghij"));

        PresignedGetObjectRequest presigned = CLOUD.presigner().presignGetObject(p -> p
                .signatureDuration(Duration.ofMinutes(5))
                .getObjectRequest(g -> g.bucket(BUCKET).key(key)));
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> whole = http.send(HttpRequest.newBuilder(presigned.url().toURI()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo("0123456789abcdefghij");

        HttpResponse<String> range = http.send(HttpRequest.newBuilder(presigned.url().toURI()).header("Range", "bytes=10-14").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("abcde");
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 10-14/20");
    }

    @Test
    void unsignedRequestsAreDeniedLikeS3() throws Exception {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        CLOUD.s3().putObject(b -> b.bucket(BUCKET).key("k"), RequestBody.fromString("x"));
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(CLOUD.endpoint() + "/" + BUCKET + "/k")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(CLOUD.endpoint() + "/" + BUCKET + "/k"))
                .PUT(HttpRequest.BodyPublishers.ofString("y")).build(), HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> response : List.of(get, put)) {
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/xml");
            assertThat(response.body()).contains("<Code>AccessDenied</Code>").contains("<Message>Access Denied</Message>");
        }
    }

    @Test
    void errorsHaveS3sCodes() {
        assertThatThrownBy(() -> CLOUD.s3().listObjectsV2(b -> b.bucket("no-such-bucket")))
                .isInstanceOfSatisfying(NoSuchBucketException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        assertThatThrownBy(() -> CLOUD.s3().getObject(b -> b.bucket(BUCKET).key("missing")))
                .isInstanceOf(NoSuchKeyException.class);

        try (S3Client wrongSecret = S3Client.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "wrong"))).build()) {
            assertThatThrownBy(() -> wrongSecret.putObject(b -> b.bucket(BUCKET).key("k"), RequestBody.fromString("x")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                    });
        }
        try (S3Client unknownKey = S3Client.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "test"))).build()) {
            assertThatThrownBy(() -> unknownKey.listBuckets())
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId"));
        }
    }

    /** Reads at most {@code limit} bytes of a shared stream (one part of a multipart upload). */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws java.io.IOException {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
