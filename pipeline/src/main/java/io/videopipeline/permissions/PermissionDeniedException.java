package io.videopipeline.permissions;

import io.videopipeline.failure.ClassifiedFailure;

/**
 * The event names an object this step must not change: another bucket, or a key outside the output
 * prefix. Permanent: whoever can put such an event on the queue must not be able to make arbitrary
 * objects public through this route.
 */
public class PermissionDeniedException extends RuntimeException implements ClassifiedFailure {

    public PermissionDeniedException(String message) {
        super(message);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
