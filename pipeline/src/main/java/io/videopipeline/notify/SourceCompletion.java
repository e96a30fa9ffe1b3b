package io.videopipeline.notify;

import io.videopipeline.s3.S3Objects;
import io.videopipeline.stream.StreamKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One mail per source: decides which rendition event sends it, using nothing but S3 (HeadObject).
 *
 * <p><b>Rule.</b> The event for the <em>designated</em> output — the master playlist of a streaming package, else
 * the lexicographically last of the sibling keys — sends, once all siblings exist. Events for the other renditions never send. When
 * the designated event finds a sibling missing, it fails with the transient
 * {@link SourceIncompleteException}: its SQS message comes back after the visibility timeout and
 * checks again (after the queue's maximum receives it goes to the DLQ, i.e. a rendition never came).
 *
 * <p><b>Why.</b> "Whoever finds all present sends" mails twice when two renditions land together
 * (both events see all three). "Only the last key sends" alone loses the mail when the last key lands
 * first and its event is acknowledged before the others exist. The designated key plus a retry
 * needs no lock, no clock and no extra object, and works with unordered delivery. What remains is
 * SQS's at-least-once delivery: a redelivered designated event mails again, as any at-least-once
 * consumer would; the route can put an idempotent consumer on bucket+key+eTag if that matters.
 */
public final class SourceCompletion {

    /** What to do with one rendition event. */
    public enum Status {
        /** All siblings exist and this is the designated event: send the source-ready mail. */
        SEND,
        /** Another rendition's event sends the mail: acknowledge this one without mail. */
        NOT_DESIGNATED,
        /** This event must send but siblings are missing: retry later ({@link Decision#orThrow()}). */
        WAITING
    }

    /**
     * @param status     what to do
     * @param designated the key whose event sends the mail
     * @param missing    sibling keys not found (only checked for the designated event)
     */
    public record Decision(Status status, String bucket, String key, String designated, List<String> missing) {

        /** This decision, or {@link SourceIncompleteException} when {@link Status#WAITING}. */
        public Decision orThrow() {
            if (status == Status.WAITING) {
                throw new SourceIncompleteException(bucket, key, missing);
            }
            return this;
        }

        public boolean shouldSend() {
            return status == Status.SEND;
        }
    }

    private final S3Client s3;

    public SourceCompletion(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    /**
     * @param bucket      the transcoded bucket
     * @param key         the rendition this event is about
     * @param siblingKeys every output key of the same source (e.g. the three preset keys), including {@code key}
     */
    public Decision check(String bucket, String key, List<String> siblingKeys) {
        if (siblingKeys == null || siblingKeys.isEmpty() || !siblingKeys.contains(key)) {
            throw new IllegalArgumentException("source completion: sibling keys " + siblingKeys
                    + " must include the event's key '" + key + "'");
        }
        TreeSet<String> siblings = new TreeSet<>(siblingKeys);
        String designated = designated(siblingKeys);
        if (!designated.equals(key)) {
            return new Decision(Status.NOT_DESIGNATED, bucket, key, designated, List.of());
        }
        List<String> missing = new ArrayList<>();
        for (String sibling : siblings) {
            if (!sibling.equals(key) && !exists(bucket, sibling)) {
                missing.add(sibling);
            }
        }
        return new Decision(missing.isEmpty() ? Status.SEND : Status.WAITING, bucket, key, designated,
                List.copyOf(missing));
    }

    /**
     * The output whose event sends the source's mail: the master playlist when the source has a streaming package
     * (uploaded after every other file, so its event normally finds all siblings and needs no retry), else the
     * lexicographically last sibling key.
     */
    public static String designated(List<String> siblingKeys) {
        return siblingKeys.stream().filter(StreamKeys::isMaster).findFirst()
                .orElseGet(() -> new TreeSet<>(siblingKeys).last());
    }

    private boolean exists(String bucket, String key) {
        return S3Objects.exists(s3, bucket, key);
    }
}
