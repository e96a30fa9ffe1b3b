package io.videopipeline.event;

/**
 * A message that can never be processed, however often it is retried: not JSON, not an S3 event, a field
 * missing or of the wrong type. Routes send it straight to the dead-letter queue instead of retrying it.
 * The message says what is wrong and where ({@code "Records[1].s3.object.key is missing"}).
 */
public class PoisonMessageException extends RuntimeException implements io.videopipeline.failure.ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    public PoisonMessageException(String message) {
        super(message);
    }

    public PoisonMessageException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
