package io.videopipeline.transcode;

import io.videopipeline.failure.ClassifiedFailure;

/**
 * A chunk-queue message no worker can do (no task or an unknown one, a chunk outside its job's plan, a runner whose
 * transcoder is not ffmpeg): permanent, so it is dead-lettered at once with this reason and the upload's job record
 * says Error.
 */
public class ChunkTaskException extends RuntimeException implements ClassifiedFailure {

    public ChunkTaskException(String message) {
        super(message);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
