package io.videopipeline.failure;

import static io.videopipeline.failure.AwsErrorsTest.s3Error;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The one rule (see {@link FailureClassifier}); moved here from AwsErrorsTest with its assertions. */
class FailureClassifierTest {

    @Test
    void throttlingAndServerErrorsAreTransient() {
        assertThat(FailureClassifier.isTransient(s3Error("SlowDown", 503))).isTrue();
        assertThat(FailureClassifier.isTransient(s3Error("InternalError", 500))).isTrue();
        assertThat(FailureClassifier.isTransient(s3Error("SomethingNew", 502))).isTrue();
        assertThat(FailureClassifier.isTransient(SdkServiceException.builder().statusCode(429).build())).isTrue();
        assertThat(FailureClassifier.isTransient(SqsException.builder().statusCode(400).awsErrorDetails(AwsErrorDetails
                .builder().errorCode("com.amazonaws.sqs#ThrottlingException").build()).build())).isTrue();
    }

    @Test
    void missingObjectsAndDeniedAccessArePermanent() {
        assertThat(FailureClassifier.isPermanent(s3Error("NoSuchKey", 404))).isTrue();
        assertThat(FailureClassifier.isPermanent(s3Error("NoSuchBucket", 404))).isTrue();
        assertThat(FailureClassifier.isPermanent(s3Error("AccessDenied", 403))).isTrue();
        assertThat(FailureClassifier.isPermanent(s3Error("AccessControlListNotSupported", 400))).isTrue();
        assertThat(FailureClassifier.isTransient(NoSuchKeyException.builder().statusCode(404).build())).isFalse();
    }

    @Test
    void networkFailuresAreTransientAndTheCauseChainIsFollowed() {
        assertThat(FailureClassifier.isTransient(SdkClientException.create("Unable to execute HTTP request",
                new SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(FailureClassifier.isTransient(new RuntimeException("wrapped", s3Error("SlowDown", 503)))).isTrue();
        assertThat(FailureClassifier.isTransient(new IOException("broken pipe"))).isTrue();
    }

    /** The old AwsErrors called these permanent; the routes never did, and the routes' rule is the one kept. */
    @Test
    void unknownFailuresAreTransientAndClassifiedFailuresDecideThemselves() {
        assertThat(FailureClassifier.isTransient(new IllegalArgumentException("bad key"))).isTrue();
        assertThat(FailureClassifier.isTransient(null)).isTrue();
        class Later extends RuntimeException implements ClassifiedFailure {
            Later() {
                super("later", s3Error("NoSuchKey", 404));
            }

            @Override
            public boolean isTransient() {
                return true;
            }
        }
        assertThat(FailureClassifier.isTransient(new Later())).isTrue();
    }

    @Test
    void theFirstSdkExceptionDecidesAndOneThatSaysNothingIsPermanent() {
        // I/O outside the SDK does not decide: the AWS error beneath it does
        assertThat(FailureClassifier.isPermanent(new UncheckedIOException(new IOException("x",
                s3Error("AccessDenied", 403))))).isTrue();
        assertThat(FailureClassifier.isPermanent(SdkException.create("no reason", null))).isTrue();
        assertThat(FailureClassifier.isTransient(SdkException.create("read failed", new IOException("reset")))).isTrue();
    }

    @Test
    void aClassifiedFailureMayDependOnTheReceive() {
        class Expensive extends RuntimeException implements ClassifiedFailure {
            @Override
            public boolean isTransient() {
                return true;
            }

            @Override
            public boolean isTransientOnReceive(int receiveCount) {
                return receiveCount < 2;
            }
        }
        assertThat(FailureClassifier.isTransient(new Expensive(), 1)).isTrue();
        assertThat(FailureClassifier.isTransient(new Expensive(), 2)).isFalse();
        assertThat(FailureClassifier.isTransient(new RuntimeException(new Expensive()), 0)).isTrue();
        assertThat(FailureClassifier.isTransient(new IllegalStateException("bug"), 4)).isTrue();
    }
}
