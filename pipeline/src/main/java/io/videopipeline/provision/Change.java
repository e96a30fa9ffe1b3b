package io.videopipeline.provision;

/**
 * One thing {@link Provisioner} created or changed (or, in a dry run, would).
 *
 * @param action   CREATE or UPDATE
 * @param kind     bucket, queue, topic, subscription, queue-policy, topic-policy, bucket-notification …
 * @param resource the resource's name or ARN
 * @param detail   what exactly, in words
 */
public record Change(Action action, String kind, String resource, String detail) {

    public enum Action { CREATE, UPDATE }

    @Override
    public String toString() {
        return action.name().toLowerCase() + " " + kind + " " + resource + (detail.isEmpty() ? "" : ": " + detail);
    }
}
