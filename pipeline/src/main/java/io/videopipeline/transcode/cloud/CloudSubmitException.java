package io.videopipeline.transcode.cloud;

import io.videopipeline.failure.ClassifiedFailure;
import io.videopipeline.media.TranscodeFailedException;

/**
 * A cloud backend could not take the job (the service refused the request, or could not be reached). Says whether
 * the same message may succeed later, so the shared error handler ({@code AwsErrors}) retries throttling and
 * service faults and dead-letters bad requests, missing permissions and function bugs at once.
 */
public class CloudSubmitException extends TranscodeFailedException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    public CloudSubmitException(String message, String bucket, String key, boolean transientFailure,
                                Throwable cause) {
        super(message, bucket, key, cause);
        this.transientFailure = transientFailure;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
