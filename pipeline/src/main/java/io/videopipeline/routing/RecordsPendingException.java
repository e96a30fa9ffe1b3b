package io.videopipeline.routing;

import io.videopipeline.failure.ClassifiedFailure;

/**
 * Some records of a message failed transiently (the others are done or parked): the message must stay on its
 * queue and come back. Thrown after the split; routes/error-handling.yaml lets it through without retrying.
 */
public final class RecordsPendingException extends RuntimeException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    public RecordsPendingException(int pending) {
        super(pending + " record(s) of the message failed transiently and will be retried when it comes back");
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
