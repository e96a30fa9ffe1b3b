package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Bucket CORS through the SDK and a browser's requests in plain HTTP: the configuration round trip, preflights
 * answered from the rules (403 when none matches), and the {@code Access-Control-*} headers on actual reads.
 */
class LocalCloudCorsTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final String PAGE = "http://localhost:8000";
    private static final CORSRule PLAYBACK = CORSRule.builder().id("playback").allowedOrigins(PAGE, "http://127.0.0.1:8000")
            .allowedMethods("GET", "HEAD").allowedHeaders("Range").exposeHeaders("Content-Range", "ETag").maxAgeSeconds(3000).build();
    private final HttpClient http = HttpClient.newHttpClient();
    private S3Client s3;

    @BeforeEach
    void bucket() {
        s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @Test
    void putGetDeleteRoundTrip() {
        assertNoCors();
        CORSRule upload = CORSRule.builder().allowedOrigins("https://*.example.com").allowedMethods("PUT", "POST")
                .allowedHeaders("*").build();

        s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(PLAYBACK, upload)));

        assertThat(s3.getBucketCors(b -> b.bucket(BUCKET)).corsRules()).containsExactly(PLAYBACK, upload);
        s3.deleteBucketCors(b -> b.bucket(BUCKET));
        assertNoCors();
    }

    @Test
    void invalidRulesAndMissingBucketsAreRefusedAsS3Does() {
        assertThatThrownBy(() -> s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(
                CORSRule.builder().allowedOrigins("*").allowedMethods("PATCH").build()))))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Unsupported method is PATCH");
                });
        assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket("no-such-bucket")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket"));
    }

    @Test
    void aMatchingPreflightIsAllowedAndOneThatMatchesNoRuleIs403() throws Exception {
        s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(PLAYBACK)));

        HttpResponse<String> allowed = preflight("clip/clip-720p.mp4", PAGE, "GET", "range");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, HEAD");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers")).hasValue("range");
        assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Content-Range, ETag");
        assertThat(allowed.headers().firstValue("Access-Control-Max-Age")).hasValue("3000");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");

        for (HttpResponse<String> denied : List.of(preflight("clip/clip-720p.mp4", "http://evil.example", "GET", null),
                preflight("clip/clip-720p.mp4", PAGE, "PUT", null), preflight("clip/clip-720p.mp4", PAGE, "GET", "x-amz-acl"))) {
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.body()).contains("<Code>AccessForbidden</Code>").contains("This CORS request is not allowed");
            assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    /** The web console's upload: a preflight for the presigned part URL, then the PUT, whose ETag the page reads. */
    @Test
    void aPresignedUploadPartFromAnAllowedOriginPassesItsPreflightAndExposesTheETag() throws Exception {
        CORSRule upload = CORSRule.builder().id("upload").allowedOrigins(PAGE).allowedMethods("PUT", "POST")
                .allowedHeaders("*").exposeHeaders("ETag").maxAgeSeconds(3000).build();
        s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(upload)));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("in/clip.mp4")).uploadId();
        URI part = CLOUD.presigner().presignUploadPart(p -> p.signatureDuration(java.time.Duration.ofMinutes(5))
                .uploadPartRequest(u -> u.bucket(BUCKET).key("in/clip.mp4").uploadId(uploadId).partNumber(1))).url().toURI();

        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(part).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", PAGE).header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).as(preflight.body()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("PUT, POST");

        HttpResponse<String> put = http.send(HttpRequest.newBuilder(part).header("Origin", PAGE)
                .PUT(HttpRequest.BodyPublishers.ofString("part one")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.headers().firstValue("ETag")).isPresent();
        assertThat(put.headers().firstValue("Access-Control-Expose-Headers")).hasValue("ETag");
        assertThat(put.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
        // the signature still decides who may PUT: a preflight is no way around it
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(URI.create(part.toString().replaceAll("\\?.*", "")
                        + "?partNumber=1&uploadId=" + uploadId)).header("Origin", PAGE)
                .PUT(HttpRequest.BodyPublishers.ofString("forged")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
    }

    @Test
    void aBucketWithoutCorsRefusesPreflights() throws Exception {
        HttpResponse<String> response = preflight("k.mp4", PAGE, "GET", null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>AccessForbidden</Code>").contains("CORS is not enabled for this bucket");
    }

    @Test
    void actualReadsFromAnAllowedOriginCarryTheHeaders() throws Exception {
        s3.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(PLAYBACK)));
        s3.putObject(b -> b.bucket(BUCKET).key("p.mp4").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString("video"));
        URI url = URI.create(CLOUD.endpoint() + "/" + BUCKET + "/p.mp4");

        HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(url).header("Origin", PAGE).header("Range", "bytes=0-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(206);
        assertThat(allowed.body()).isEqualTo("vi");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
        assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Content-Range, ETag");

        HttpResponse<String> other = http.send(HttpRequest.newBuilder(url).header("Origin", "http://evil.example").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theConfigurationSurvivesARestartAndGoesWithTheBucket(@TempDir Path dir) throws Exception {
        try (LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dir).build().start(); S3Client client = client(cloud)) {
            client.createBucket(b -> b.bucket(BUCKET));
            client.putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(PLAYBACK)));
        }
        assertThat(dir.resolve("s3-cors").resolve(BUCKET + ".xml")).exists();
        try (LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dir).build().start(); S3Client client = client(cloud)) {
            assertThat(client.getBucketCors(b -> b.bucket(BUCKET)).corsRules()).containsExactly(PLAYBACK);
            client.deleteBucket(b -> b.bucket(BUCKET));
        }
        assertThat(dir.resolve("s3-cors").resolve(BUCKET + ".xml")).doesNotExist();
    }

    private static S3Client client(LocalCloud cloud) {
        return S3Client.builder().endpointOverride(cloud.endpoint()).region(CLOUD.region()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(cloud.accessKey(), cloud.secretKey())))
                .build();
    }

    private HttpResponse<String> preflight(String key, String origin, String method, String headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLOUD.endpoint() + "/" + BUCKET + "/" + key))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", method);
        if (headers != null) {
            request.header("Access-Control-Request-Headers", headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertNoCors() {
        assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket(BUCKET))).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchCORSConfiguration");
        });
    }
}
