package io.videopipeline.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Decides whether a failure is worth retrying, for the shared error handler: transient failures are
 * retried with back-off and, failing that, left to SQS redelivery; permanent ones go to the
 * dead-letter queue at once, because the same message will fail the same way every time.
 *
 * <p>Walks the cause chain; the first element that says something decides. Anything unrecognised is
 * permanent: retrying a bug or bad input only delays the dead letter.
 */
public final class AwsErrors {

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

    /**
     * Codes meaning "the thing named does not exist", as the services and the emulators spell them: SQS in its JSON
     * protocol ({@code QueueDoesNotExist}) and its query protocol ({@code AWS.SimpleQueueService.NonExistentQueue}),
     * S3, SNS ({@code NotFound}) and the REST-JSON services. Compared after {@link #normalize}.
     */
    private static final Set<String> MISSING_CODES = Set.of(
            "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "NonExistentQueue",
            "NoSuchBucket", "NoSuchKey", "NoSuchUpload", "NotFound", "NotFoundException",
            "ResourceNotFoundException", "ResourceNotFound");

    /** What the shared error handler should do with a failure. */
    public enum Kind { TRANSIENT, PERMANENT }

    private AwsErrors() {
    }

    /** {@code true} if the failure (or its first informative cause) is worth retrying. */
    public static boolean isTransient(Throwable failure) {
        return kind(failure) == Kind.TRANSIENT;
    }

    /** Classifies a failure; {@code null} is permanent. */
    public static Kind kind(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<Kind> verdict = classifyOne(t);
            if (verdict.isPresent()) {
                return verdict.get();
            }
        }
        return Kind.PERMANENT;
    }

    /** The AWS error code of the first AWS service exception in the cause chain, if any (see {@link #normalize}). */
    public static Optional<String> errorCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                    && aws.awsErrorDetails().errorCode() != null) {
                return Optional.of(normalize(aws.awsErrorDetails().errorCode()));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code true} if the failure says the bucket, key, queue, topic or other resource it names does not exist.
     *
     * <p>Decided by the error code and the HTTP status, never by the SDK's exception class alone: the SDK picks a
     * modelled class ({@code QueueDoesNotExistException}, {@code NoSuchKeyException}, …) only when the code on the
     * wire is spelled exactly as its model expects. moto answers SQS's JSON protocol with {@code x-amzn-ErrorType:
     * com.amazonaws.sqs#QueueDoesNotExist}, which SDK 2.40.2 turns into a plain {@code SqsException}; a HEAD
     * answers a bare 404 with no body, hence no code at all. A 404 from any service means "not found".
     */
    public static boolean isMissing(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SdkServiceException service) {
                if (service.statusCode() == 404 || t instanceof QueueDoesNotExistException
                        || t instanceof NoSuchBucketException || t instanceof NoSuchKeyException
                        || t instanceof NoSuchUploadException || t instanceof NotFoundException) {
                    return true;
                }
                return t instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                        && aws.awsErrorDetails().errorCode() != null
                        && MISSING_CODES.contains(normalize(aws.awsErrorDetails().errorCode()));
            }
        }
        return false;
    }

    /**
     * The bare error code: without a Smithy namespace ({@code com.amazonaws.sqs#QueueDoesNotExist}), as the JSON
     * protocols may send it in {@code x-amzn-ErrorType} or {@code __type}, and without the fault or URL suffix
     * some put after it ({@code AWS.SimpleQueueService.NonExistentQueue;Sender}, {@code Code:http://…}).
     */
    static String normalize(String code) {
        String bare = code.trim();
        int hash = bare.lastIndexOf('#');
        if (hash >= 0) {
            bare = bare.substring(hash + 1);
        }
        for (char separator : new char[] {';', ':'}) {
            int at = bare.indexOf(separator);
            if (at >= 0) {
                bare = bare.substring(0, at);
            }
        }
        return bare;
    }

    private static Optional<Kind> classifyOne(Throwable t) {
        if (t instanceof ClassifiedFailure classified) {
            return Optional.of(classified.isTransient() ? Kind.TRANSIENT : Kind.PERMANENT);
        }
        if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorCode() != null) {
            String code = normalize(aws.awsErrorDetails().errorCode());
            if (TRANSIENT_CODES.contains(code)) {
                return Optional.of(Kind.TRANSIENT);
            }
            if (PERMANENT_CODES.contains(code)) {
                return Optional.of(Kind.PERMANENT);
            }
            return Optional.of(byStatus(aws));
        }
        if (t instanceof SdkServiceException service) {
            return Optional.of(service.isThrottlingException() ? Kind.TRANSIENT : byStatus(service));
        }
        if (t instanceof SdkClientException) {
            // No response from the service (connection refused/reset, timeouts, DNS): the network,
            // not the request, is at fault. Client-side validation errors are IllegalArgument-like, but
            // the SDK reports those before sending and they are rare in a wired application.
            return Optional.of(Kind.TRANSIENT);
        }
        if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException) {
            return Optional.of(Kind.TRANSIENT);
        }
        return Optional.empty();
    }

    private static Kind byStatus(SdkServiceException e) {
        int status = e.statusCode();
        if (status == 429 || status == 408 || status >= 500 || e.isThrottlingException()) {
            return Kind.TRANSIENT;
        }
        return Kind.PERMANENT;
    }
}
