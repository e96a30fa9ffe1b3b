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
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

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

    static SqsException sqsError(String code, int status) {
        return (SqsException) SqsException.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).serviceName("Sqs").build()).build();
    }

    /** Each spelling of "it does not exist" the services and emulators send, as a plain service exception. */
    @Test
    void aMissingResourceIsRecognisedByItsErrorCode() {
        assertThat(AwsErrors.isMissing(sqsError("QueueDoesNotExist", 400))).isTrue();
        assertThat(AwsErrors.isMissing(sqsError("com.amazonaws.sqs#QueueDoesNotExist", 400))).as("moto's header").isTrue();
        assertThat(AwsErrors.isMissing(sqsError("AWS.SimpleQueueService.NonExistentQueue", 400))).isTrue();
        assertThat(AwsErrors.isMissing(sqsError("AWS.SimpleQueueService.NonExistentQueue;Sender", 400))).isTrue();
        assertThat(AwsErrors.isMissing(s3Error("NoSuchBucket", 404))).isTrue();
        assertThat(AwsErrors.isMissing(s3Error("NoSuchKey", 404))).isTrue();
        assertThat(AwsErrors.isMissing(s3Error("NoSuchUpload", 404))).isTrue();
        assertThat(AwsErrors.isMissing(s3Error("NotFound", 404))).isTrue();
        assertThat(AwsErrors.isMissing(SnsException.builder().statusCode(404).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("NotFound").build()).build())).as("SNS NotFound").isTrue();
        assertThat(AwsErrors.isMissing(SnsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("NotFound").build()).build())).as("SNS NotFound, whatever the status").isTrue();
        assertThat(AwsErrors.isMissing(sqsError("ResourceNotFoundException", 400))).isTrue();
        // A HEAD's 404 has no body, so no code at all.
        assertThat(AwsErrors.isMissing(S3Exception.builder().statusCode(404).build())).as("bare 404 on HEAD").isTrue();
        assertThat(AwsErrors.isMissing(QueueDoesNotExistException.builder().statusCode(400).build())).isTrue();
        assertThat(AwsErrors.isMissing(QueueDoesNotExistException.builder().statusCode(400).awsErrorDetails(
                AwsErrorDetails.builder().errorCode("AWS.SimpleQueueService.NonExistentQueue").build()).build())).isTrue();
        assertThat(AwsErrors.isMissing(new RuntimeException("wrapped", sqsError("QueueDoesNotExist", 400)))).isTrue();
    }

    @Test
    void otherFailuresAreNotMissingResources() {
        assertThat(AwsErrors.isMissing(s3Error("AccessDenied", 403))).isFalse();
        assertThat(AwsErrors.isMissing(sqsError("QueueAlreadyExists", 400))).isFalse();
        assertThat(AwsErrors.isMissing(sqsError("com.amazonaws.sqs#InvalidAttributeValue", 400))).isFalse();
        assertThat(AwsErrors.isMissing(s3Error("InternalError", 500))).isFalse();
        assertThat(AwsErrors.isMissing(SdkClientException.create("connection refused"))).isFalse();
        assertThat(AwsErrors.isMissing(new IllegalStateException("no"))).isFalse();
        assertThat(AwsErrors.isMissing(null)).isFalse();
    }

    @Test
    void errorCodesLoseTheirNamespaceAndFaultSuffix() {
        assertThat(AwsErrors.errorCode(sqsError("com.amazonaws.sqs#QueueDoesNotExist", 400))).contains("QueueDoesNotExist");
        assertThat(AwsErrors.errorCode(sqsError("AWS.SimpleQueueService.NonExistentQueue;Sender", 400)))
                .contains("AWS.SimpleQueueService.NonExistentQueue");
        assertThat(AwsErrors.isTransient(sqsError("com.amazonaws.sqs#ThrottlingException", 400))).isTrue();
    }
}
