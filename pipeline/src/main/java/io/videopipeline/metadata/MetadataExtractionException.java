package io.videopipeline.metadata;

import io.videopipeline.failure.ClassifiedFailure;

/**
 * ffprobe could not read the rendition. Permanent when the file itself is unreadable (corrupt,
 * not a video); transient when the read failed on the way (timeout, the server answered 5xx, the
 * connection broke).
 */
public class MetadataExtractionException extends RuntimeException implements ClassifiedFailure {

    private final boolean transientFailure;

    public MetadataExtractionException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    @Override
    public boolean isTransient() {
        return transientFailure;
    }
}
