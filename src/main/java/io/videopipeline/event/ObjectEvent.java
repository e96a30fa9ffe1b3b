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
 * @param eventTime when S3 says the event happened
 * @param versionId object version on a versioned bucket, otherwise null
 */
public record ObjectEvent(String eventName, String bucket, String key, Long size, String eTag, String sequencer,
                          Instant eventTime, String versionId) {

    public ObjectEvent {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
    }

    /** {@code ObjectCreated:*}: Put, Post, Copy and CompleteMultipartUpload all mean "a new object to process". */
    public boolean isObjectCreated() {
        return eventName.startsWith("ObjectCreated:");
    }
}
