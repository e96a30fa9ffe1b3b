package io.videopipeline.transcode.cloud;

import io.videopipeline.s3.S3EventRecord;
import java.time.Instant;

/**
 * The payload the {@code lambda} backend sends: an S3 event notification for the one uploaded object, as S3 itself
 * would have delivered it to a function subscribed to the bucket. {@code Transcoder.submit} only gets a
 * {@code TranscodeJob}, not the message it came from, so the event is rebuilt from the job with the SDK's own model
 * ({@code s3-event-notifications}, through {@link S3EventRecord}); a function written for S3 triggers (the seed's {@code transcode-video}, which
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

    static final String EVENT_NAME = "ObjectCreated:Put";
    static final String SOURCE = "video-pipeline";

    private S3EventPayload() {
    }

    static String json(String region, String bucket, String key, long size, String eTag, Instant eventTime) {
        // S3 always sends the principal and response elements; a relayed event has no S3 request, so they say
        // where it came from.
        return S3EventRecord.of(bucket, key).region(region).eventName(EVENT_NAME).eventTime(eventTime).size(size)
                .eTag(eTag).sequencer(S3EventRecord.sequencer(eventTime)).principalId(SOURCE).requestId(SOURCE)
                .configurationId(SOURCE).toJson();
    }
}
