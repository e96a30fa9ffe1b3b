package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 Object Ownership through the SDK: {@code BucketOwnerEnforced} disables ACLs the way S3 does, so clients (our
 * set-permissions step) meet the same {@code AccessControlListNotSupported} they would on a bucket created since
 * April 2023.
 */
class LocalCloudOwnershipControlsTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private S3Client s3;

    @BeforeEach
    void bucketWithAnObject() {
        s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket("rendered"));
        s3.putObject(b -> b.bucket("rendered").key("a/clip.mp4"), RequestBody.fromString("video"));
    }

    @Test
    void aBucketHasNoOwnershipControlsUntilTheyArePut() {
        assertThatThrownBy(() -> s3.getBucketOwnershipControls(b -> b.bucket("rendered")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("OwnershipControlsNotFoundError");
                });
        // ACLs work as before Object Ownership existed
        s3.putObjectAcl(b -> b.bucket("rendered").key("a/clip.mp4").acl(ObjectCannedACL.PUBLIC_READ));

        enforce("ObjectWriter");
        assertThat(ownership()).isEqualTo("ObjectWriter");
        s3.putObjectAcl(b -> b.bucket("rendered").key("a/clip.mp4").acl(ObjectCannedACL.PUBLIC_READ));
    }

    @Test
    void bucketOwnerEnforcedRefusesAclsButStillReadsThem() {
        enforce("BucketOwnerEnforced");

        assertThat(ownership()).isEqualTo("BucketOwnerEnforced");
        assertAclsNotSupported(() -> s3.putObjectAcl(b -> b.bucket("rendered").key("a/clip.mp4").acl(ObjectCannedACL.PUBLIC_READ)));
        assertAclsNotSupported(() -> s3.putObject(b -> b.bucket("rendered").key("a/other.mp4").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromString("video")));
        assertAclsNotSupported(() -> s3.createMultipartUpload(b -> b.bucket("rendered").key("a/big.mp4")
                .acl(ObjectCannedACL.AUTHENTICATED_READ)));
        // what S3 still accepts: writes without an ACL, and reading ACLs (bucket-owner-full-control passes the
        // gateway too, but S3Proxy itself answers 501 to that canned ACL, so it is not exercised here)
        s3.putObject(b -> b.bucket("rendered").key("a/plain.mp4"), RequestBody.fromString("video"));
        assertThat(s3.getObjectAcl(b -> b.bucket("rendered").key("a/clip.mp4")).grants()).isNotEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket("rendered")).contents()).hasSize(2);
    }

    @Test
    void deletingTheControlsEnablesAclsAgain() {
        enforce("BucketOwnerEnforced");

        s3.deleteBucketOwnershipControls(b -> b.bucket("rendered"));

        assertThatThrownBy(this::ownership).isInstanceOf(S3Exception.class);
        s3.putObjectAcl(b -> b.bucket("rendered").key("a/clip.mp4").acl(ObjectCannedACL.PUBLIC_READ));
    }

    @Test
    void aDeletedBucketLosesItsControls() {
        enforce("BucketOwnerEnforced");
        s3.deleteObject(b -> b.bucket("rendered").key("a/clip.mp4"));
        s3.deleteBucket(b -> b.bucket("rendered"));

        bucketWithAnObject();

        assertThatThrownBy(this::ownership).isInstanceOf(S3Exception.class);
        s3.putObjectAcl(b -> b.bucket("rendered").key("a/clip.mp4").acl(ObjectCannedACL.PUBLIC_READ));
    }

    @Test
    void invalidControlsAndUnknownBucketsAreRefused() {
        assertThatThrownBy(() -> enforce("Nobody")).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedXML");
        });
        assertThatThrownBy(() -> s3.getBucketOwnershipControls(b -> b.bucket("no-such-bucket")))
                .isInstanceOfSatisfying(S3Exception.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket"));
    }

    private void enforce(String objectOwnership) {
        s3.putBucketOwnershipControls(b -> b.bucket("rendered").ownershipControls(o -> o.rules(
                r -> r.objectOwnership(objectOwnership))));
    }

    private String ownership() {
        return s3.getBucketOwnershipControls(b -> b.bucket("rendered")).ownershipControls().rules().get(0)
                .objectOwnershipAsString();
    }

    private static void assertAclsNotSupported(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessControlListNotSupported");
            assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The bucket does not allow ACLs");
        });
    }
}
