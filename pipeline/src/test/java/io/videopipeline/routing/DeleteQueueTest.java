package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Which refused deletes {@link DeleteQueue} tries again, and what of a refusal reaches a log line: never the receipt
 * handle (it grants the right to delete the message), which SQS quotes in some of its messages.
 */
class DeleteQueueTest {
    private static final String HANDLE = "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a3kWOE3zGpOs6ZlWkLcCq5LvGhB";
    private static final DeleteQueue.Delete DELETE = new DeleteQueue.Delete("video-upload-events", HANDLE, "m-1", 1);

    @Test
    void passingRefusalsAreRetriedAndTheOthersAreNot() {
        assertThat(DeleteQueue.retryable(refusal(503, "ServiceUnavailable"))).isTrue();
        assertThat(DeleteQueue.retryable(refusal(500, "InternalError"))).isTrue();
        assertThat(DeleteQueue.retryable(refusal(400, "ThrottlingException"))).isTrue();
        assertThat(DeleteQueue.retryable(SdkClientException.create("Unable to execute HTTP request: reset"))).isTrue();
        // the receipt handle expired (the message was received again) or the queue is gone: the same next time
        assertThat(DeleteQueue.retryable(refusal(400, "ReceiptHandleIsInvalid"))).isFalse();
        assertThat(DeleteQueue.retryable(refusal(400, "AWS.SimpleQueueService.NonExistentQueue"))).isFalse();
    }

    @Test
    void aRefusalIsDescribedByItsCodeAndNeverWithTheReceiptHandle() {
        SqsException invalid = (SqsException) SqsException.builder().statusCode(400)
                .message("The input receipt handle \"" + HANDLE + "\" is not a valid receipt handle.")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ReceiptHandleIsInvalid")
                        .errorMessage("The input receipt handle \"" + HANDLE + "\" is not a valid receipt handle.").build())
                .build();
        assertThat(DeleteQueue.describe(invalid, DELETE)).isEqualTo("ReceiptHandleIsInvalid (HTTP 400)");

        String io = DeleteQueue.describe(SdkClientException.create("lost while deleting " + HANDLE), DELETE);
        assertThat(io).doesNotContain(HANDLE).contains("SdkClientException").contains(HANDLE.substring(0, 8) + "…");
    }

    @Test
    void aQueueIsNamedByItsNameWhetherGivenAsNameOrUrl() {
        assertThat(DeleteQueue.queueName("video-upload-events")).isEqualTo("video-upload-events");
        assertThat(DeleteQueue.queueName("http://127.0.0.1:4566/000000000000/video-upload-events"))
                .isEqualTo("video-upload-events");
    }

    private static SqsException refusal(int status, String code) {
        return (SqsException) SqsException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
}
