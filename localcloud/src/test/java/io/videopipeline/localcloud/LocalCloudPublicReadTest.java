package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * Anonymous reads as S3 with Block Public Access off answers them: a plain HTTP GET/HEAD (no signature, no presign)
 * of an object whose ACL grants AllUsers READ is served, ranges included; of a private or missing object, or of a
 * bucket whose Object Ownership switched ACLs off, it is 403 AccessDenied.
 */
class LocalCloudPublicReadTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final String CONTENT = "0123456789abcdefghij";
    private final HttpClient http = HttpClient.newHttpClient();
    private S3Client s3;

    @BeforeEach
    void bucket() {
        s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @Test
    void aPublicReadObjectIsServedToAnyoneWithRanges() throws Exception {
        String key = "clip/비디오 #1-720p.mp4";
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("video/mp4"), RequestBody.fromString(CONTENT));
        s3.putObjectAcl(b -> b.bucket(BUCKET).key(key).acl(ObjectCannedACL.PUBLIC_READ));
        URI url = url(key);

        HttpResponse<String> whole = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(CONTENT);
        assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/mp4");

        HttpResponse<String> range = http.send(HttpRequest.newBuilder(url).header("Range", "bytes=10-14").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("abcde");
        assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 10-14/20");

        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(url).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(CONTENT.length());
    }

    @Test
    void aCannedAclOnPutMakesTheObjectPublicToo() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("put-public.mp4").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString(CONTENT));

        assertThat(http.send(HttpRequest.newBuilder(url("put-public.mp4")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo(CONTENT);
    }

    @Test
    void aBigPublicObjectStreamsWhole() throws Exception {
        long size = 24L * 1024 * 1024;
        s3.putObject(b -> b.bucket(BUCKET).key("big.mp4").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromInputStream(new GeneratedContent(3, size), size));

        HttpResponse<InputStream> got = http.send(HttpRequest.newBuilder(url("big.mp4")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(got.statusCode()).isEqualTo(200);
        try (InputStream body = got.body()) {
            assertThat(GeneratedContent.sha256(body)).isEqualTo(GeneratedContent.sha256(new GeneratedContent(3, size)));
        }
    }

    @Test
    void privateMissingAndListingRequestsAreDenied() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("private.mp4"), RequestBody.fromString(CONTENT));
        s3.putObject(b -> b.bucket(BUCKET).key("made-private.mp4").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString(CONTENT));
        s3.putObjectAcl(b -> b.bucket(BUCKET).key("made-private.mp4").acl(ObjectCannedACL.PRIVATE));

        for (URI url : new URI[] {url("private.mp4"), url("made-private.mp4"), url("missing.mp4"),
                URI.create(CLOUD.endpoint() + "/" + BUCKET), URI.create(CLOUD.endpoint() + "/no-such-bucket/x.mp4")}) {
            assertAccessDenied(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()));
        }
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(url("private.mp4")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(403);
    }

    @Test
    void bucketOwnerEnforcedSwitchesExistingPublicAclsOff() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("was-public.mp4").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString(CONTENT));
        s3.putBucketOwnershipControls(b -> b.bucket(BUCKET).ownershipControls(o -> o.rules(r -> r.objectOwnership("BucketOwnerEnforced"))));

        assertAccessDenied(http.send(HttpRequest.newBuilder(url("was-public.mp4")).build(), HttpResponse.BodyHandlers.ofString()));

        s3.deleteBucketOwnershipControls(b -> b.bucket(BUCKET));
        assertThat(http.send(HttpRequest.newBuilder(url("was-public.mp4")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void anAnonymousGetWithAQueryIsNotAnObjectRead() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key("p.mp4").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString(CONTENT));

        assertAccessDenied(http.send(HttpRequest.newBuilder(URI.create(url("p.mp4") + "?acl")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private URI url(String key) {
        return URI.create(CLOUD.endpoint() + "/" + BUCKET + "/"
                + software.amazon.awssdk.utils.http.SdkHttpUtils.urlEncodeIgnoreSlashes(key));
    }

    private static void assertAccessDenied(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/xml");
        assertThat(response.body()).contains("<Code>AccessDenied</Code>").contains("<Message>Access Denied</Message>");
    }
}
