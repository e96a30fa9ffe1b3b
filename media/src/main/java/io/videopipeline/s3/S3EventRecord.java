package io.videopipeline.s3;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.eventnotifications.s3.model.RequestParameters;
import software.amazon.awssdk.eventnotifications.s3.model.ResponseElements;
import software.amazon.awssdk.eventnotifications.s3.model.S3;
import software.amazon.awssdk.eventnotifications.s3.model.S3Bucket;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.eventnotifications.s3.model.S3Object;
import software.amazon.awssdk.eventnotifications.s3.model.UserIdentity;

/**
 * One S3 event notification ({@code {"Records":[…]}} with one record) for an object, built with the SDK's own
 * model ({@code s3-event-notifications}) the way S3 writes it: {@code eventVersion 2.1}, {@code eventSource aws:s3},
 * the key form-URL-encoded ({@code +} for space, {@code %XX} for UTF-8 bytes and reserved characters, {@code /}
 * kept), the ETag without quotes, {@code versionId} null (S3 omits it for unversioned buckets), the request from
 * {@code 127.0.0.1}. The local cloud's dispatcher and the {@code lambda} backend's payload both use it; they differ
 * only in what they put in the fields set here.
 */
public final class S3EventRecord {

    private final String bucket;
    private final String key;
    private String region;
    private String eventName = "ObjectCreated:Put";
    private Instant eventTime;
    private long size;
    private String eTag;
    private String sequencer;
    private String principalId;
    private String requestId;
    private String configurationId;

    private S3EventRecord(String bucket, String key) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.key = Objects.requireNonNull(key, "key");
    }

    /** A record for {@code s3://bucket/key} (the key as stored, not encoded). */
    public static S3EventRecord of(String bucket, String key) {
        return new S3EventRecord(bucket, key);
    }

    public S3EventRecord region(String region) {
        this.region = region;
        return this;
    }

    /** Without the {@code s3:} prefix, such as {@code ObjectCreated:Put} (the default). */
    public S3EventRecord eventName(String eventName) {
        this.eventName = eventName;
        return this;
    }

    public S3EventRecord eventTime(Instant eventTime) {
        this.eventTime = eventTime;
        return this;
    }

    public S3EventRecord size(long size) {
        this.size = size;
        return this;
    }

    /** Quoted or not; written unquoted. */
    public S3EventRecord eTag(String eTag) {
        this.eTag = ETags.unquote(eTag);
        return this;
    }

    /** Upper-case hex that grows with time for one key (S3 orders a key's events by it). */
    public S3EventRecord sequencer(String sequencer) {
        this.sequencer = sequencer;
        return this;
    }

    /** The principal of {@code userIdentity} and of the bucket's {@code ownerIdentity}. */
    public S3EventRecord principalId(String principalId) {
        this.principalId = principalId;
        return this;
    }

    /** Both {@code responseElements} ({@code x-amz-request-id} and {@code x-amz-id-2}). */
    public S3EventRecord requestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    /** The notification configuration's id ({@code s3.configurationId}). */
    public S3EventRecord configurationId(String configurationId) {
        this.configurationId = configurationId;
        return this;
    }

    /** The notification as S3 sends it: {@code {"Records":[this]}}. */
    public String toJson() {
        S3EventNotificationRecord record = new S3EventNotificationRecord();
        record.setEventVersion("2.1");
        record.setEventSource("aws:s3");
        record.setAwsRegion(region);
        record.setEventTime(eventTime);
        record.setEventName(eventName);
        record.setUserIdentity(new UserIdentity(principalId));
        record.setRequestParameters(new RequestParameters("127.0.0.1"));
        record.setResponseElements(new ResponseElements(requestId, requestId));
        S3Bucket s3Bucket = new S3Bucket(bucket, new UserIdentity(principalId), "arn:aws:s3:::" + bucket);
        S3Object s3Object = new S3Object(encodeKey(key), size, eTag, null, sequencer);
        record.setS3(new S3(configurationId, s3Bucket, s3Object, "1.0"));
        return new S3EventNotification(List.of(record)).toJson();
    }

    /** S3's encoding of keys in event notifications: form URL encoding, but '/' stays as it is. */
    public static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /** A sequencer from a time, like S3's: upper-case hex of the nanoseconds since the epoch, 18 digits. */
    public static String sequencer(Instant time) {
        return sequencer(time.getEpochSecond() * 1_000_000_000L + time.getNano());
    }

    /** A sequencer from a growing counter: upper-case hex, 18 digits. */
    public static String sequencer(long sequence) {
        return String.format("%018X", sequence);
    }
}
