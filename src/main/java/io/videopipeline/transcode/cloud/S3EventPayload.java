package io.videopipeline.transcode.cloud;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.eventnotifications.s3.model.RequestParameters;
import software.amazon.awssdk.eventnotifications.s3.model.ResponseElements;
import software.amazon.awssdk.eventnotifications.s3.model.S3;
import software.amazon.awssdk.eventnotifications.s3.model.S3Bucket;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.eventnotifications.s3.model.S3Object;
import software.amazon.awssdk.eventnotifications.s3.model.UserIdentity;

/**
 * The payload the {@code lambda} backend sends: an S3 event notification for the one uploaded object, as S3 itself
 * would have delivered it to a function subscribed to the bucket. {@code Transcoder.submit} only gets a
 * {@code TranscodeJob}, not the message it came from, so the event is rebuilt from the job with the SDK's own model
 * ({@code s3-event-notifications}); a function written for S3 triggers (the seed's {@code transcode-video}, which
 * reads {@code event.Records[0].s3.object.key}) cannot tell the difference.
 *
 * <p>Like S3, the key is form-URL-encoded ({@code +} for space, {@code %XX} for UTF-8 bytes and reserved
 * characters, {@code /} kept), so the seed's {@code decodeURIComponent(key.replace(/\+/g, ' '))} and Python's
 * {@code unquote_plus} give the key back. {@code eventVersion 2.1}, {@code eventName ObjectCreated:Put};
 * {@code configurationId} and {@code principalId} say {@value #SOURCE} so a log reader can tell a relayed event
 * from an original one (they also fill {@code responseElements}, which S3 fills from its own request).
 * {@code versionId} is written as null (S3 omits it for unversioned buckets).
 */
final class S3EventPayload {

    static final String EVENT_VERSION = "2.1";
    static final String EVENT_NAME = "ObjectCreated:Put";
    static final String SOURCE = "video-pipeline";

    private S3EventPayload() {
    }

    static String json(String region, String bucket, String key, long size, String eTag, Instant eventTime) {
        S3EventNotificationRecord record = new S3EventNotificationRecord();
        record.setEventVersion(EVENT_VERSION);
        record.setEventSource("aws:s3");
        record.setAwsRegion(region);
        record.setEventTime(eventTime);
        record.setEventName(EVENT_NAME);
        record.setUserIdentity(new UserIdentity(SOURCE));
        record.setRequestParameters(new RequestParameters("127.0.0.1"));
        // S3 always sends these strings; a relayed event has no S3 request, so they say where it came from.
        record.setResponseElements(new ResponseElements(SOURCE, SOURCE));
        S3Bucket s3Bucket = new S3Bucket(bucket, new UserIdentity(SOURCE), "arn:aws:s3:::" + bucket);
        S3Object s3Object = new S3Object(encodeKey(key), size, eTag, null, sequencer(eventTime));
        record.setS3(new S3(SOURCE, s3Bucket, s3Object, "1.0"));
        return new S3EventNotification(List.of(record)).toJson();
    }

    /** Like S3's: upper-case hex that grows with time (S3 uses it to order events for one key). */
    static String sequencer(Instant time) {
        long nanos = time.getEpochSecond() * 1_000_000_000L + time.getNano();
        return String.format("%018X", nanos);
    }

    /** S3's encoding of keys in event notifications: form encoding, but '/' stays as it is. */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}
