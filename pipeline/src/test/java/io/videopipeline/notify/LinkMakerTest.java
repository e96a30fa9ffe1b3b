package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.permissions.AclMode;
import io.videopipeline.permissions.AclSettings;
import io.videopipeline.permissions.AclUpdater;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import io.videopipeline.localcloud.LocalCloudExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

class LinkMakerTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String BUCKET = "video-transcoded";
    static final AclSettings PRIVATE = new AclSettings(AclMode.PRIVATE, BUCKET, "");

    @BeforeAll
    static void bucket() {
        S3.createBucket(BUCKET);
    }

    static void put(String key, String body) {
        S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(body));
    }

    @Test
    void privateObjectGetsAWorkingPresignedLink() throws Exception {
        String key = "my dir/clip/clip-720p.mp4";
        put(key, "private video");
        LinkMaker links = new LinkMaker(S3.presigner(),
                new LinkSettings(LinkSettings.Mode.AUTO, "", "us-east-1", Duration.ofHours(1)), PRIVATE);
        Instant before = Instant.now();

        Link link = links.linkFor(BUCKET, key);

        assertThat(link.isPublic()).isFalse();
        assertThat(link.url()).contains("X-Amz-Signature=").contains("X-Amz-Expires=3600");
        assertThat(link.expiresAt()).isBetween(before.plusSeconds(3590), Instant.now().plusSeconds(3610));
        assertThat(link.toString()).doesNotContain("X-Amz-Signature");
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(link.url())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("private video");
    }

    @Test
    void publicReadModeGivesThePlainUrlWithTheKeyEncoded() {
        String key = "uploads/a b/ü+clip/ü+clip-720p.mp4";
        put(key, "public video");
        new AclUpdater(S3.client(), AclSettings.defaults()).apply(BUCKET, key);

        Link aws = new LinkMaker(S3.presigner(), LinkSettings.defaults(), AclSettings.defaults()).linkFor(BUCKET, key);
        Link local = new LinkMaker(S3.presigner(),
                new LinkSettings(LinkSettings.Mode.AUTO, S3.endpoint() + "/" + BUCKET + "/", "us-east-1",
                        Duration.ofDays(1)), AclSettings.defaults()).linkFor(BUCKET, key);

        assertThat(aws).isEqualTo(new Link("https://video-transcoded.s3.us-east-1.amazonaws.com/"
                + "uploads/a%20b/%C3%BC%2Bclip/%C3%BC%2Bclip-720p.mp4", true, null));
        assertThat(local.url()).isEqualTo(S3.endpoint() + "/video-transcoded/uploads/a%20b/%C3%BC%2Bclip/%C3%BC%2Bclip-720p.mp4");
        // (bare S3Proxy's anonymous path looks the key up still percent-encoded, so the URL is fetched through the
        // local cloud instead: ThroughTheLocalCloud)
    }

    @Test
    void theDefaultPublicBaseIsTheBucketAtTheEndpointInUse() {
        assertThat(LinkSettings.bucketUrlAt(URI.create("http://127.0.0.1:4566"), true, BUCKET))
                .isEqualTo("http://127.0.0.1:4566/video-transcoded");
        assertThat(LinkSettings.bucketUrlAt(URI.create("http://127.0.0.1:4566/"), true, BUCKET))
                .isEqualTo("http://127.0.0.1:4566/video-transcoded");
        assertThat(LinkSettings.bucketUrlAt(URI.create("https://s3.example.com:8443"), false, BUCKET))
                .isEqualTo("https://video-transcoded.s3.example.com:8443");
    }

    /** The public link of a rendition set-permissions made public-read works for anyone: a plain GET, no SDK. */
    @Nested
    class ThroughTheLocalCloud {
        @RegisterExtension
        final LocalCloudExtension cloud = new LocalCloudExtension();

        @Test
        void thePublicLinkOfAPublicReadRenditionAnswersAnonymousGets() throws Exception {
            String key = "uploads/a b/ü+clip/ü+clip-720p.mp4";
            cloud.s3().createBucket(b -> b.bucket(BUCKET));
            cloud.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("public video"));
            LinkMaker links = new LinkMaker(cloud.presigner(), new LinkSettings(LinkSettings.Mode.AUTO,
                    LinkSettings.bucketUrlAt(cloud.endpoint(), true, BUCKET), "us-east-1", Duration.ofDays(1)),
                    AclSettings.defaults());
            Link link = links.linkFor(BUCKET, key);
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(link.url())).build();

            assertThat(link.isPublic()).isTrue();
            assertThat(http.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).as("before set-permissions").isEqualTo(403);
            new AclUpdater(cloud.s3(), AclSettings.defaults()).apply(BUCKET, key);
            HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("public video");
        }
    }

    @Test
    void modesOverrideTheAcl() {
        put("m/m-720p.mp4", "x");
        LinkSettings publicMode = new LinkSettings(LinkSettings.Mode.PUBLIC, "https://cdn.example.com", null,
                Duration.ofDays(7));
        LinkSettings presignedMode = new LinkSettings(LinkSettings.Mode.PRESIGNED, "", "eu-west-1", Duration.ofDays(7));

        assertThat(new LinkMaker(S3.presigner(), publicMode, PRIVATE).linkFor(BUCKET, "m/m-720p.mp4").url())
                .isEqualTo("https://cdn.example.com/m/m-720p.mp4");
        assertThat(new LinkMaker(S3.presigner(), presignedMode, AclSettings.defaults()).linkFor(BUCKET, "m/m-720p.mp4")
                .isPublic()).isFalse();
    }

    /**
     * The link does not depend on whether set-permissions happened to run before the mail (it used to read the
     * object's ACL: measured 1080p presigned, 720p public for one upload): only on what set-permissions is
     * configured to do with this key.
     */
    @Test
    void autoLinksFollowTheConfiguredAclModeNotTheObjectsAclOfTheMoment() {
        put("race/race-1080p.mp4", "not yet public");
        put("race/race-720p.mp4", "already public");
        new AclUpdater(S3.client(), AclSettings.defaults()).apply(BUCKET, "race/race-720p.mp4");
        LinkSettings auto = new LinkSettings(LinkSettings.Mode.AUTO, "", "us-east-1", Duration.ofDays(1));

        LinkMaker publicRead = new LinkMaker(S3.presigner(), auto, AclSettings.defaults());
        assertThat(publicRead.linkFor(BUCKET, "race/race-1080p.mp4").isPublic()).isTrue();
        assertThat(publicRead.linkFor(BUCKET, "race/race-720p.mp4").isPublic()).isTrue();

        LinkMaker notPublic = new LinkMaker(S3.presigner(), auto, PRIVATE);
        assertThat(notPublic.linkFor(BUCKET, "race/race-1080p.mp4").isPublic()).isFalse();
        assertThat(notPublic.linkFor(BUCKET, "race/race-720p.mp4").isPublic()).isFalse();

        LinkMaker elsewhere = new LinkMaker(S3.presigner(), auto,
                new AclSettings(AclMode.PUBLIC_READ, BUCKET, "renditions/"));
        assertThat(elsewhere.linkFor(BUCKET, "race/race-720p.mp4").isPublic()).isFalse();
        assertThat(elsewhere.linkFor(BUCKET, "renditions/race/race-720p.mp4").isPublic()).isTrue();
        assertThat(elsewhere.linkFor("another-bucket", "renditions/race/race-720p.mp4").isPublic()).isFalse();
    }

    @Test
    void lifetimeBeyondSevenDaysIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LinkSettings(LinkSettings.Mode.AUTO, "", "us-east-1",
                Duration.ofDays(8))).hasMessageContaining("between 1 s and 7 days");
    }
}
