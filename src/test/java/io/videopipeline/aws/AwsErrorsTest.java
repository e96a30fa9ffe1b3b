package io.videopipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class AwsErrorsTest {

    static S3Exception s3Error(String code, int status) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).serviceName("S3").build())
                .build();
    }

    @Test
    void throttlingAndServerErrorsAreTransient() {
        assertThat(AwsErrors.isTransient(s3Error("SlowDown", 503))).isTrue();
        assertThat(AwsErrors.isTransient(s3Error("InternalError", 500))).isTrue();
        assertThat(AwsErrors.isTransient(s3Error("SomethingNew", 502))).isTrue();
        assertThat(AwsErrors.isTransient(SdkServiceException.builder().statusCode(429).build())).isTrue();
    }

    @Test
    void missingObjectsAndDeniedAccessArePermanent() {
        assertThat(AwsErrors.kind(s3Error("NoSuchKey", 404))).isEqualTo(AwsErrors.Kind.PERMANENT);
        assertThat(AwsErrors.kind(s3Error("NoSuchBucket", 404))).isEqualTo(AwsErrors.Kind.PERMANENT);
        assertThat(AwsErrors.kind(s3Error("AccessDenied", 403))).isEqualTo(AwsErrors.Kind.PERMANENT);
        assertThat(AwsErrors.kind(s3Error("AccessControlListNotSupported", 400))).isEqualTo(AwsErrors.Kind.PERMANENT);
        assertThat(AwsErrors.isTransient(NoSuchKeyException.builder().statusCode(404).build())).isFalse();
    }

    @Test
    void networkFailuresAreTransientAndTheCauseChainIsFollowed() {
        assertThat(AwsErrors.isTransient(SdkClientException.create("Unable to execute HTTP request",
                new SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(AwsErrors.isTransient(new RuntimeException("wrapped", s3Error("SlowDown", 503)))).isTrue();
        assertThat(AwsErrors.isTransient(new IOException("broken pipe"))).isTrue();
    }

    @Test
    void unknownFailuresArePermanentAndClassifiedFailuresDecideThemselves() {
        assertThat(AwsErrors.isTransient(new IllegalArgumentException("bad key"))).isFalse();
        assertThat(AwsErrors.isTransient(null)).isFalse();
        class Later extends RuntimeException implements ClassifiedFailure {
            Later() {
                super("later", s3Error("NoSuchKey", 404));
            }

            @Override
            public boolean isTransient() {
                return true;
            }
        }
        assertThat(AwsErrors.isTransient(new Later())).isTrue();
    }

    @Test
    void errorCodeIsFoundInTheCauseChain() {
        assertThat(AwsErrors.errorCode(new RuntimeException(s3Error("AccessDenied", 403)))).contains("AccessDenied");
        assertThat(AwsErrors.errorCode(new IOException("x"))).isEmpty();
    }
}
