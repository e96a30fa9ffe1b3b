package io.videopipeline.notify;

import io.videopipeline.failure.ClassifiedFailure;
import java.util.List;

/**
 * The event that must send the one-per-source mail arrived before its siblings exist. Transient:
 * failing the exchange leaves the SQS message to come back after the visibility timeout, when the
 * other renditions have usually landed; after the queue's max receives it goes to the DLQ.
 */
public class SourceIncompleteException extends RuntimeException implements ClassifiedFailure {

    private final List<String> missing;

    public SourceIncompleteException(String bucket, String key, List<String> missing) {
        super("Source of s3://" + bucket + "/" + key + " is not complete yet; missing " + missing
                + " (the message will be retried)");
        this.missing = List.copyOf(missing);
    }

    public List<String> missing() {
        return missing;
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
