package io.videopipeline.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One S3 object event, whatever envelope it arrived in (raw S3 notification, SNS, EventBridge).
 *
 * @param eventName S3 notification event name without the {@code s3:} prefix, e.g. {@code ObjectCreated:Put}
 *                  (EventBridge events are mapped to the same names)
 * @param bucket    bucket name
 * @param key       object key, already URL-decoded: use it as is with the S3 API
 * @param size      object size in bytes; null for events without one (deletions)
 * @param eTag      entity tag without quotes; null for events without one
 * @param sequencer S3's per-key ordering token (hex, compare as equal-length strings); may be null
 * @param eventTime when the sender says the event happened, as the text it sent (the pipeline never uses it, so
 *                  its format is not checked: moto 5.2.1 sends it without a zone); may be null
 * @param versionId object version on a versioned bucket, otherwise null
 */
public record ObjectEvent(String eventName, String bucket, String key, Long size, String eTag, String sequencer,
                          String eventTime, String versionId) {

    public ObjectEvent {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** For callers holding the time as an instant (it is kept as ISO-8601 text). */
    public ObjectEvent(String eventName, String bucket, String key, Long size, String eTag, String sequencer,
                       Instant eventTime, String versionId) {
        this(eventName, bucket, key, size, eTag, sequencer, eventTime == null ? null : eventTime.toString(),
                versionId);
    }

    /** {@code ObjectCreated:*}: Put, Post, Copy and CompleteMultipartUpload all mean "a new object to process". */
    public boolean isObjectCreated() {
        return eventName.startsWith("ObjectCreated:");
    }

    /**
     * Whether both describe the same event of the same object version: everything but the event time, which a
     * copied record may change without making it new work.
     */
    public boolean sameObjectEvent(ObjectEvent other) {
        return eventName.equals(other.eventName) && bucket.equals(other.bucket) && key.equals(other.key)
                && Objects.equals(size, other.size) && Objects.equals(eTag, other.eTag)
                && Objects.equals(sequencer, other.sequencer) && Objects.equals(versionId, other.versionId);
    }

    /** With the ETag S3 reports for the object now (events without one: EventBridge without it, hand-made ones). */
    public ObjectEvent withETag(String newETag) {
        return new ObjectEvent(eventName, bucket, key, size, newETag, sequencer, eventTime, versionId);
    }
}
