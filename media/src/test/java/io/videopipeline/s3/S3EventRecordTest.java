package io.videopipeline.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;

class S3EventRecordTest {

    @Test
    void theRecordIsS3sShapeWithTheKeyEncodedAndTheETagUnquoted() {
        Instant time = Instant.parse("2026-01-02T03:04:05.123456789Z");
        String json = S3EventRecord.of("uploads", "a b/c+d ü.mov").region("eu-west-1").eventName("ObjectCreated:Copy")
                .eventTime(time).size(42).eTag("\"abc\"").sequencer(S3EventRecord.sequencer(255L))
                .principalId("AWS:000000000000").requestId("REQ").configurationId("cfg").toJson();

        S3EventNotification notification = S3EventNotification.fromJson(json);
        assertThat(notification.getRecords()).hasSize(1);
        S3EventNotificationRecord record = notification.getRecords().get(0);
        assertThat(record.getEventVersion()).isEqualTo("2.1");
        assertThat(record.getEventSource()).isEqualTo("aws:s3");
        assertThat(record.getAwsRegion()).isEqualTo("eu-west-1");
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:Copy");
        assertThat(record.getEventTime()).isEqualTo(time);
        assertThat(record.getUserIdentity().getPrincipalId()).isEqualTo("AWS:000000000000");
        assertThat(record.getRequestParameters().getSourceIpAddress()).isEqualTo("127.0.0.1");
        assertThat(record.getResponseElements().getXAmzRequestId()).isEqualTo("REQ");
        assertThat(record.getResponseElements().getXAmzId2()).isEqualTo("REQ");
        assertThat(record.getS3().getConfigurationId()).isEqualTo("cfg");
        assertThat(record.getS3().getBucket().getName()).isEqualTo("uploads");
        assertThat(record.getS3().getBucket().getArn()).isEqualTo("arn:aws:s3:::uploads");
        assertThat(record.getS3().getBucket().getOwnerIdentity().getPrincipalId()).isEqualTo("AWS:000000000000");
        assertThat(record.getS3().getObject().getKey()).isEqualTo("a+b/c%2Bd+%C3%BC.mov");
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(42L);
        assertThat(record.getS3().getObject().getETag()).isEqualTo("abc");
        assertThat(record.getS3().getObject().getVersionId()).isNull();
        assertThat(record.getS3().getObject().getSequencer()).isEqualTo("0000000000000000FF");
    }

    @Test
    void sequencersAreEighteenUpperCaseHexDigitsThatGrowWithTime() {
        assertThat(S3EventRecord.sequencer(Instant.ofEpochSecond(1, 5))).isEqualTo("00000000003B9ACA05");
        assertThat(S3EventRecord.sequencer(Instant.parse("2026-01-02T03:04:05Z")))
                .isGreaterThan(S3EventRecord.sequencer(Instant.parse("2026-01-02T03:04:04Z")));
        assertThat(S3EventRecord.encodeKey("a b/c+d ü.mov")).isEqualTo("a+b/c%2Bd+%C3%BC.mov");
    }
}
