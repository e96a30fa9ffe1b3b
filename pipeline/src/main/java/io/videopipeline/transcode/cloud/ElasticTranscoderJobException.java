package io.videopipeline.transcode.cloud;

import io.videopipeline.failure.ClassifiedFailure;
import io.videopipeline.media.TranscodeException;

/**
 * Elastic Transcoder refused or could not take a job. {@link #isTransient()} tells the shared error handler
 * whether the same message may succeed later (throttling, 5xx, network) or will fail the same way every time
 * (bad request, unknown pipeline or preset, no permission): the latter goes to the dead-letter queue at once.
 */
public class ElasticTranscoderJobException extends TranscodeException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;
    private final String errorCode;

    public ElasticTranscoderJobException(String message, String bucket, String key, boolean transientFailure,
                                         String errorCode, Throwable cause) {
        super(message, bucket, key, cause);
        this.transientFailure = transientFailure;
        this.errorCode = errorCode;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }

    /** The service's error code (e.g. {@code ResourceNotFoundException}), or null for a client-side failure. */
    public String errorCode() {
        return errorCode;
    }
}
