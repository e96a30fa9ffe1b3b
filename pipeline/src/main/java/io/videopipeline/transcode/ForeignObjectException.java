package io.videopipeline.transcode;

import io.videopipeline.failure.ClassifiedFailure;

/**
 * An event names an object outside what its route may act on: transcode-video only reads the upload bucket,
 * extract-metadata only writes beside renditions in the transcoded bucket (under the output prefix). Queues can
 * be written by more than S3, and an event naming the transcoded bucket would transcode renditions, one naming
 * the upload bucket would write {@code .json} files among the uploads. Permanent: dead-lettered with the reason.
 */
public class ForeignObjectException extends RuntimeException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    public ForeignObjectException(String message) {
        super(message);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
