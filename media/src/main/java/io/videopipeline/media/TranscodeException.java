package io.videopipeline.media;

/** Base of the transcoding failures; carries the source object so the route can log and dead-letter it. */
public abstract class TranscodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String bucket;
    private final String key;

    protected TranscodeException(String message, String bucket, String key, Throwable cause) {
        super(message, cause);
        this.bucket = bucket;
        this.key = key;
    }

    public String bucket() {
        return bucket;
    }

    public String key() {
        return key;
    }
}
