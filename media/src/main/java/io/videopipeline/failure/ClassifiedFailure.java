package io.videopipeline.failure;

/**
 * An exception of ours that knows whether retrying the same message can help. {@link FailureClassifier}
 * honours it before looking at AWS SDK exceptions further down the cause chain.
 */
public interface ClassifiedFailure {

    /** {@code true} if the same work may succeed later (throttling, a 5xx, a sibling not yet written). */
    boolean isTransient();

    /**
     * The same question asked on the message's {@code receiveCount}-th receive (SQS ApproximateReceiveCount,
     * 0 if unknown): a failure whose every try is expensive (a transcode timeout) may allow one more receive
     * only. By default the receive does not matter.
     */
    default boolean isTransientOnReceive(int receiveCount) {
        return isTransient();
    }
}
