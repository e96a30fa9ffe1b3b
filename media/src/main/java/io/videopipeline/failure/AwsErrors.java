package io.videopipeline.failure;

import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * What an AWS SDK failure says about the thing it names: its error code, bare ({@link #errorCode},
 * {@link #normalize}), and whether that thing does not exist ({@link #isMissing}). Whether a failure is worth
 * retrying is decided in one place only, {@code failure/FailureClassifier}.
 */
public final class AwsErrors {

    /**
     * Codes meaning "the thing named does not exist", as the services and the emulators spell them: SQS in its JSON
     * protocol ({@code QueueDoesNotExist}) and its query protocol ({@code AWS.SimpleQueueService.NonExistentQueue}),
     * S3, SNS ({@code NotFound}) and the REST-JSON services. Compared after {@link #normalize}.
     */
    private static final Set<String> MISSING_CODES = Set.of(
            "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "NonExistentQueue",
            "NoSuchBucket", "NoSuchKey", "NoSuchUpload", "NotFound", "NotFoundException",
            "ResourceNotFoundException", "ResourceNotFound");

    private AwsErrors() {
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
    public static String normalize(String code) {
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
}
