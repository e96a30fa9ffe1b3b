package io.videopipeline.s3;

import io.videopipeline.failure.AwsErrors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * "HEAD the object, or null if it is not there", once. A HEAD answer has no body, so S3 reports a missing key
 * and a missing bucket alike as a bare 404 (the SDK makes it a {@code NoSuchKeyException} or a plain
 * {@code S3Exception}); {@link AwsErrors#isMissing} recognises every spelling. Any other failure is thrown as it
 * came, for the caller to wrap.
 */
public final class S3Objects {

    private S3Objects() {
    }

    /** The object's head, or null if the object or its bucket does not exist. */
    public static HeadObjectResponse headOrNull(S3Client s3, String bucket, String key) {
        return headOrNull(s3, HeadObjectRequest.builder().bucket(bucket).key(key).build());
    }

    /** The same for a request with more to it (a version id). */
    public static HeadObjectResponse headOrNull(S3Client s3, HeadObjectRequest request) {
        try {
            return s3.headObject(request);
        } catch (SdkException e) {
            if (AwsErrors.isMissing(e)) {
                return null;
            }
            throw e;
        }
    }

    /** {@code true} if the object exists; false if it or its bucket does not. */
    public static boolean exists(S3Client s3, String bucket, String key) {
        return headOrNull(s3, bucket, key) != null;
    }

    /**
     * The object's head, or null if only the object does not exist; a failure that names the bucket as missing
     * ({@code NoSuchBucket}) is thrown. For callers that must answer a missing bucket differently from a missing
     * key (the Elastic Transcoder emulator, whose API has its own error for each).
     */
    public static HeadObjectResponse headOrNullInExistingBucket(S3Client s3, String bucket, String key) {
        try {
            return s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (SdkException e) {
            if (isNoSuchBucket(e) || !AwsErrors.isMissing(e)) {
                throw e;
            }
            return null;
        }
    }

    /** {@code true} if the failure says the bucket does not exist (by class or by error code). */
    public static boolean isNoSuchBucket(Throwable failure) {
        return failure instanceof NoSuchBucketException
                || AwsErrors.errorCode(failure).filter("NoSuchBucket"::equals).isPresent();
    }
}
