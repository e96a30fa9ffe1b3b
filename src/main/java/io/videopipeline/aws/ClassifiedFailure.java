package io.videopipeline.aws;

/**
 * An exception of ours that knows whether retrying the same message can help. {@link AwsErrors}
 * honours it before looking at AWS SDK exceptions further down the cause chain.
 */
public interface ClassifiedFailure {

    /** {@code true} if the same work may succeed later (throttling, a 5xx, a sibling not yet written). */
    boolean isTransient();
}
