package io.videopipeline.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Public for its {@link #s3Error} helper, which failure/FailureClassifierTest shares. */
public class AwsErrorsTest {

    public static S3Exception s3Error(String code, int status) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).serviceName("S3").build())
                .build();
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
    }
}
