package io.videopipeline.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Through the real SDK against S3Proxy, plus the answers S3Proxy cannot be made to give. */
class S3ObjectsTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    @Test
    void anObjectIsHeadedAndAMissingObjectOrBucketIsNull() {
        S3.createBucket("heads");
        S3.client().putObject(b -> b.bucket("heads").key("a b/c.mp4"), RequestBody.fromString("x"));

        HeadObjectResponse head = S3Objects.headOrNull(S3.client(), "heads", "a b/c.mp4");
        assertThat(head).isNotNull();
        assertThat(head.contentLength()).isEqualTo(1L);
        assertThat(S3Objects.exists(S3.client(), "heads", "a b/c.mp4")).isTrue();

        assertThat(S3Objects.headOrNull(S3.client(), "heads", "missing.mp4")).isNull();
        assertThat(S3Objects.headOrNull(S3.client(), "no-such-bucket", "a.mp4")).isNull();
        assertThat(S3Objects.exists(S3.client(), "heads", "missing.mp4")).isFalse();
        assertThat(S3Objects.headOrNullInExistingBucket(S3.client(), "heads", "missing.mp4")).isNull();
        assertThat(S3Objects.headOrNull(S3.client(), HeadObjectRequest.builder().bucket("heads").key("missing.mp4")
                .build())).isNull();
    }

    @Test
    void otherFailuresAreThrownAsTheyCame() {
        S3Exception denied = s3Error(403, "AccessDenied");
        assertThatThrownBy(() -> S3Objects.headOrNull(failing(denied), "b", "k")).isSameAs(denied);
        SdkClientException refused = SdkClientException.create("connection refused");
        assertThatThrownBy(() -> S3Objects.headOrNull(failing(refused), "b", "k")).isSameAs(refused);
        assertThatThrownBy(() -> S3Objects.headOrNullInExistingBucket(failing(denied), "b", "k")).isSameAs(denied);
    }

    @Test
    void onlyTheBucketAwareVariantThrowsANamedMissingBucket() {
        S3Exception noBucket = s3Error(404, "NoSuchBucket");
        assertThat(S3Objects.headOrNull(failing(noBucket), "b", "k")).isNull();
        assertThatThrownBy(() -> S3Objects.headOrNullInExistingBucket(failing(noBucket), "b", "k")).isSameAs(noBucket);
        assertThat(S3Objects.isNoSuchBucket(noBucket)).isTrue();
        assertThat(S3Objects.headOrNullInExistingBucket(failing(s3Error(404, "NoSuchKey")), "b", "k")).isNull();
        assertThat(S3Objects.isNoSuchBucket(s3Error(404, "NoSuchKey"))).isFalse();
    }

    private static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    /** A client whose HEAD fails with {@code failure}. */
    private static S3Client failing(RuntimeException failure) {
        return new S3Client() {
            @Override
            public HeadObjectResponse headObject(HeadObjectRequest request) {
                throw failure;
            }

            @Override
            public String serviceName() {
                return "s3";
            }

            @Override
            public void close() {
            }
        };
    }
}
