package io.videopipeline.permissions;

import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.failure.AwsErrors;
import io.videopipeline.s3.S3ProxyFixture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.PutObjectAclRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Type;

class AclUpdaterTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String BUCKET = "video-transcoded";
    static final String OTHER = "video-upload";

    @BeforeAll
    static void buckets() {
        S3.createBucket(BUCKET);
        S3.createBucket(OTHER);
    }

    static void put(String bucket, String key) {
        S3.client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("video"));
    }

    static boolean publiclyReadable(String bucket, String key) {
        List<Grant> grants = S3.client().getObjectAcl(b -> b.bucket(bucket).key(key)).grants();
        return grants.stream().anyMatch(g -> g.grantee().type() == Type.GROUP
                && "http://acs.amazonaws.com/groups/global/AllUsers".equals(g.grantee().uri())
                && g.permissionAsString().equals("READ"));
    }

    @Test
    void publicReadIsWrittenAndReadBack() {
        String key = "out/clip/clip-720p.mp4";
        put(BUCKET, key);
        assertThat(publiclyReadable(BUCKET, key)).isFalse();

        AclResult result = new AclUpdater(S3.client(), new AclSettings(AclMode.PUBLIC_READ, BUCKET, "out"))
                .apply(BUCKET, key);

        assertThat(result).isEqualTo(new AclResult(BUCKET, key, true, "public-read"));
        assertThat(publiclyReadable(BUCKET, key)).isTrue();
    }

    /**
     * "Stream ready": the master's event makes its package's folder readable in one go (every backend's layout:
     * the ffmpeg backend's .m3u/.m4s, ET's .m3u8/.ts variants), not the MP4s (own events), the .json metadata, the
     * mail ledger's markers, a neighbouring folder that merely starts with the same name, or anything outside.
     */
    @Test
    void aMasterPlaylistMakesItsWholePackagePublicButNotRenditionsMetadataOrNeighbours() {
        List<String> parts = List.of("pkg/clip/hls/640x360/index.m3u", "pkg/clip/hls/640x360/init.m4s",
                "pkg/clip/hls/640x360/seg-00000.m4s", "pkg/clip/clip-poster.jpg", "pkg/clip/pictures/clip-thumb-00001.jpg",
                "pkg/clip/pictures/clip-storyboard.vtt", "pkg/clip/hls/720p.m3u8", "pkg/clip/hls/720p00000.ts");
        List<String> untouched = List.of("pkg/clip/clip-720p.mp4", "pkg/clip/clip-720p.json", "pkg/clip/clip.json",
                "pkg/clip/clip.m3u8.mailed", "pkg/clip2/seg-00000.m4s", "pkg/clip-poster.jpg", "other/clip/clip.m4s");
        parts.forEach(k -> put(BUCKET, k));
        untouched.forEach(k -> put(BUCKET, k));
        put(BUCKET, "pkg/clip/clip.m3u8");

        AclResult result = new AclUpdater(S3.client(), new AclSettings(AclMode.PUBLIC_READ, BUCKET, ""))
                .apply(BUCKET, "pkg/clip/clip.m3u8");

        assertThat(result).isEqualTo(new AclResult(BUCKET, "pkg/clip/clip.m3u8", true, "public-read"));
        assertThat(publiclyReadable(BUCKET, "pkg/clip/clip.m3u8")).isTrue();
        assertThat(parts).allSatisfy(k -> assertThat(publiclyReadable(BUCKET, k)).as(k).isTrue());
        assertThat(untouched).allSatisfy(k -> assertThat(publiclyReadable(BUCKET, k)).as(k).isFalse());
    }

    @Test
    void aVariantPlaylistIsNotAMasterAndChangesOnlyItself() {
        put(BUCKET, "var/clip/hls/720p.m3u8");
        put(BUCKET, "var/clip/hls/720p00000.ts");

        new AclUpdater(S3.client(), new AclSettings(AclMode.PUBLIC_READ, BUCKET, "")).apply(BUCKET, "var/clip/hls/720p.m3u8");

        assertThat(publiclyReadable(BUCKET, "var/clip/hls/720p00000.ts")).isFalse();
    }

    @Test
    void aPackageFolderLargerThanTheBoundIsRefusedBeforeAnyChange() {
        for (int i = 0; i < 4; i++) {
            put(BUCKET, "big/big/seg-" + i + ".m4s");
        }
        put(BUCKET, "big/big/big.m3u8");
        AclUpdater updater = new AclUpdater(S3.client(), new AclSettings(AclMode.PUBLIC_READ, BUCKET, "", 3));

        assertThatThrownBy(() -> updater.apply(BUCKET, "big/big/big.m3u8"))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("more than 3 objects")
                .hasMessageContaining("pipeline.acl.package-max-objects")
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).as("dead-lettered at once").isFalse());
        assertThat(publiclyReadable(BUCKET, "big/big/seg-0.m4s")).isFalse();
        assertThat(publiclyReadable(BUCKET, "big/big/big.m3u8")).isFalse();
    }

    @Test
    void privateModeTakesPublicAccessAway() {
        String key = "clip/clip-1080p.mp4";
        put(BUCKET, key);
        new AclUpdater(S3.client(), AclSettings.defaults()).apply(BUCKET, key);
        assertThat(publiclyReadable(BUCKET, key)).isTrue();

        new AclUpdater(S3.client(), new AclSettings(AclMode.PRIVATE, BUCKET, "")).apply(BUCKET, key);

        assertThat(publiclyReadable(BUCKET, key)).isFalse();
    }

    @Test
    void noneModeSkipsWithoutCallingS3() {
        // A key that does not exist: any S3 call would fail with NoSuchKey.
        AclResult result = new AclUpdater(S3.client(), new AclSettings(AclMode.NONE, BUCKET, ""))
                .apply(BUCKET, "missing/missing-720p.mp4");

        assertThat(result.applied()).isFalse();
        assertThat(result.cannedAcl()).isEqualTo("none");
    }

    @Test
    void keysOutsideThePrefixOrBucketAreRefusedAndStayPrivate() {
        put(BUCKET, "outside/secret.mp4");
        put(OTHER, "out/upload.mov");
        AclUpdater updater = new AclUpdater(S3.client(), new AclSettings(AclMode.PUBLIC_READ, BUCKET, "out/"));

        assertThatThrownBy(() -> updater.apply(BUCKET, "outside/secret.mp4"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("outside the output prefix 'out/'");
        assertThatThrownBy(() -> updater.apply(OTHER, "out/upload.mov"))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("only objects in the transcoded bucket 'video-transcoded'");
        assertThat(FailureClassifier.isTransient(new PermissionDeniedException("x"))).isFalse();
        assertThat(publiclyReadable(BUCKET, "outside/secret.mp4")).isFalse();
        assertThat(publiclyReadable(OTHER, "out/upload.mov")).isFalse();
    }

    @Test
    void missingBucketIsAPermanentErrorNamingTheObject() {
        // (S3Proxy's transient store accepts PutObjectAcl on a missing key, so the missing thing is the bucket.)
        AclUpdater updater = new AclUpdater(S3.client(), new AclSettings(AclMode.PUBLIC_READ, "no-such-bucket", ""));

        assertThatThrownBy(() -> updater.apply("no-such-bucket", "gone/gone-720p.mp4"))
                .isInstanceOf(AclUpdateException.class)
                .hasMessageContaining("s3://no-such-bucket/gone/gone-720p.mp4")
                .satisfies(e -> assertThat(AwsErrors.errorCode(e)).contains("NoSuchBucket"))
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isFalse());
    }

    /**
     * S3Proxy cannot be put into BucketOwnerEnforced mode, so the AWS answer is played by a client
     * that throws the exception the SDK builds from S3's real response (400, AccessControlListNotSupported).
     */
    @Test
    void aclsDisabledBucketGivesAPermanentErrorThatSaysWhatToDo() {
        S3Exception awsAnswer = (S3Exception) S3Exception.builder()
                .statusCode(400)
                .message("The bucket does not allow ACLs")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessControlListNotSupported")
                        .errorMessage("The bucket does not allow ACLs").serviceName("S3").build())
                .build();
        S3Client enforced = new S3Client() {
            @Override
            public software.amazon.awssdk.services.s3.model.PutObjectAclResponse putObjectAcl(PutObjectAclRequest r) {
                throw awsAnswer;
            }

            @Override
            public String serviceName() {
                return "s3";
            }

            @Override
            public void close() {
            }
        };
        AclUpdater updater = new AclUpdater(enforced, AclSettings.defaults());

        assertThatThrownBy(() -> updater.apply(BUCKET, "clip/clip-720p.mp4"))
                .isInstanceOf(AclsDisabledException.class)
                .hasMessageContaining("bucket video-transcoded has ACLs disabled (Object Ownership = BucketOwnerEnforced)")
                .hasMessageContaining("ObjectWriter/BucketOwnerPreferred")
                .hasMessageContaining("pipeline.acl.mode=none")
                .hasCause(awsAnswer)
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isFalse());
    }

    @Test
    void modesParseFromProperties() {
        assertThat(AclMode.parse(" Public-Read ")).isEqualTo(AclMode.PUBLIC_READ);
        assertThat(AclMode.parse("none")).isEqualTo(AclMode.NONE);
        assertThatThrownBy(() -> AclMode.parse("public"))
                .hasMessageContaining("pipeline.acl.mode: unknown mode 'public'; expected one of public-read, private, none");
    }
}
