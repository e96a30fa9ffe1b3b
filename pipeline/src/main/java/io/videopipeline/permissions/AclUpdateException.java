package io.videopipeline.permissions;

import io.videopipeline.failure.FailureClassifier;
import io.videopipeline.failure.ClassifiedFailure;

/** Any other S3 failure of PutObjectAcl, with the object named; transient or not as its cause is. */
public class AclUpdateException extends RuntimeException implements ClassifiedFailure {

    public AclUpdateException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isTransient() {
        return FailureClassifier.isTransient(getCause());
    }
}
