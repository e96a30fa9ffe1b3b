package io.videopipeline.failure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one place that decides whether a failure is worth retrying: transient failures are retried with
 * back-off and, failing that, left to SQS redelivery; permanent ones go to the dead-letter queue at once,
 * because the same message will fail the same way every time. The shared error handler asks through
 * {@code routing/FailurePolicy}; our exceptions ask it about the AWS failure they wrap.
 *
 * <p><b>The rule.</b> Walk the cause chain from the outside in; the first element that is ours or the AWS
 * SDK's decides:
 * <ol>
 *   <li>a {@link ClassifiedFailure} says what it is, on the message's receive count
 *       ({@link ClassifiedFailure#isTransientOnReceive});</li>
 *   <li>an AWS SDK exception is classified by its error code (throttling, "try again" and 5xx codes are
 *       transient; missing things and refused requests permanent), else by its HTTP status (429, 408, 5xx
 *       transient; any other status permanent); no response at all (a client exception, or I/O or a timeout
 *       beneath the SDK exception) is transient; an SDK exception that says nothing more is permanent;</li>
 *   <li>anything else (a bug, an I/O hiccup, a crashed ffmpeg, no failure at all) is <em>transient</em>: it is
 *       retried, and the queue's receive count bounds how often, so a bug costs a few receives, never a lost
 *       message that might have succeeded.</li>
 * </ol>
 */
public final class FailureClassifier {

    /** Error codes AWS uses for "slow down" or "try again"; retrying after a pause helps. */
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
            "RequestThrottledException", "TooManyRequestsException", "SlowDown", "RequestLimitExceeded",
            "ProvisionedThroughputExceededException", "BandwidthLimitExceeded", "LimitExceededException",
            "RequestTimeout", "RequestTimeoutException", "RequestTimeTooSkewed", "PriorRequestNotComplete",
            "InternalError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
            "OperationAborted", "EC2ThrottledException", "IDPCommunicationError");

    /** Codes that never get better by themselves (listed for clarity; any other 4xx is permanent too). */
    private static final Set<String> PERMANENT_CODES = Set.of(
            "NoSuchKey", "NoSuchBucket", "AccessDenied", "AccessControlListNotSupported", "InvalidRequest",
            "InvalidArgument", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "NotFound",
            "NoSuchUpload", "InvalidBucketName", "KeyTooLongError", "EntityTooLarge", "MethodNotAllowed");

    private FailureClassifier() {
    }

    /** {@code true} if the failure is worth retrying, whatever the receive (see the rule above). */
    public static boolean isTransient(Throwable failure) {
        return isTransient(failure, 0);
    }

    /** The same, on the message's {@code receiveCount}-th receive (0 if unknown). */
    public static boolean isTransient(Throwable failure, int receiveCount) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof ClassifiedFailure classified) {
                return classified.isTransientOnReceive(receiveCount);
            }
            if (t instanceof SdkException) {
                return isTransientSdk(t);
            }
        }
        return true;
    }

    /** {@code true} if retrying the same message cannot help. */
    public static boolean isPermanent(Throwable failure) {
        return !isTransient(failure);
    }

    /** From the first SDK exception down: the first element that says something decides; silence is permanent. */
    private static boolean isTransientSdk(Throwable sdk) {
        for (Throwable t = sdk; t != null; t = next(t)) {
            Optional<Boolean> verdict = sdkVerdict(t);
            if (verdict.isPresent()) {
                return verdict.get();
            }
        }
        return false;
    }

    private static Optional<Boolean> sdkVerdict(Throwable t) {
        if (t instanceof ClassifiedFailure classified) {
            return Optional.of(classified.isTransient());
        }
        if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorCode() != null) {
            String code = AwsErrors.normalize(aws.awsErrorDetails().errorCode());
            if (TRANSIENT_CODES.contains(code)) {
                return Optional.of(true);
            }
            if (PERMANENT_CODES.contains(code)) {
                return Optional.of(false);
            }
            return Optional.of(byStatus(aws));
        }
        if (t instanceof SdkServiceException service) {
            return Optional.of(service.isThrottlingException() || byStatus(service));
        }
        if (t instanceof SdkClientException) {
            // No response from the service (connection refused/reset, timeouts, DNS): the network,
            // not the request, is at fault. Client-side validation errors are IllegalArgument-like, but
            // the SDK reports those before sending and they are rare in a wired application.
            return Optional.of(true);
        }
        if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
            return Optional.of(true);
        }
        return Optional.empty();
    }

    private static boolean byStatus(SdkServiceException e) {
        int status = e.statusCode();
        return status == 429 || status == 408 || status >= 500 || e.isThrottlingException();
    }

    private static Throwable next(Throwable t) {
        return t.getCause() == t ? null : t.getCause();
    }
}
