package io.videopipeline.media;

/**
 * The input object (or its bucket) does not exist any more: typically deleted between the upload event and the
 * transcode. Retrying cannot help; a route may acknowledge the message or dead-letter it.
 */
public class SourceMissingException extends TranscodeException {
    private static final long serialVersionUID = 1L;

    public SourceMissingException(String message, String bucket, String key, Throwable cause) {
        super(message, bucket, key, cause);
    }
}
