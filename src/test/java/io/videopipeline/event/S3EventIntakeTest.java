package io.videopipeline.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3EventIntakeTest {

    private final S3EventIntake intake = new S3EventIntake();

    @Test
    void rawS3Notification21FromTheSeed() {
        List<ObjectEvent> events = intake.parse(resource("s3-put-2.1.json"));

        assertThat(events).containsExactly(new ObjectEvent("ObjectCreated:Put", "video-upload", "my video.mp4",
                1305107L, "b21b84d653bb07b05b1e6b33684dc11b", "0C0F6F405D6ED209E1",
                Instant.parse("2019-09-03T19:37:27.192Z"), null));
        assertThat(events.get(0).isObjectCreated()).isTrue();
    }

    @Test
    void rawS3Notification24WithNewerFieldsAndVersionId() {
        ObjectEvent event = intake.parse(resource("s3-put-2.4.json")).get(0);

        assertThat(event.eventName()).isEqualTo("ObjectCreated:CompleteMultipartUpload");
        assertThat(event.isObjectCreated()).isTrue();
        assertThat(event.key()).isEqualTo("uploads/clip.mov");
        assertThat(event.size()).isEqualTo(73400320L);
        assertThat(event.eTag()).isEqualTo("4af981f98d22a0b9979da24b259e5e42-12");
        assertThat(event.versionId()).isEqualTo("uhggCJ2_B6gU2JaXWXebnXFDstO0ID6G");
    }

    @ParameterizedTest
    @CsvSource({"s3-put-2.2-replication.json, ObjectCreated:Copy", "s3-put-2.3-lifecycle.json, ObjectCreated:Post"})
    void otherMinorVersionsAreAccepted(String file, String eventName) {
        ObjectEvent event = intake.parse(resource(file)).get(0);

        assertThat(event.eventName()).isEqualTo(eventName);
        assertThat(event.isObjectCreated()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "2.0", "2.1", "2.9", "2.10", "2.4.1"})
    void anyMinorOfMajorVersion2IsAccepted(String version) {
        String body = resource("s3-put-2.1.json").replace("\"2.1\"", "\"" + version + "\"");

        assertThat(intake.parse(body)).hasSize(1);
    }

    @Test
    void snsEnvelopeAroundAnS3Notification() {
        assertThat(intake.parse(resource("sns-wrapped.json")))
                .containsExactlyElementsOf(intake.parse(resource("s3-put-2.1.json")));
    }

    @Test
    void eventBridgeObjectCreated() {
        ObjectEvent event = intake.parse(resource("eventbridge-object-created.json")).get(0);

        assertThat(event).isEqualTo(new ObjectEvent("ObjectCreated:CompleteMultipartUpload", "video-upload",
                "uploads/my video.mov", 5L, "b1946ac92492d2347c6235b4d2611184", "617f08299329d189",
                Instant.parse("2021-11-12T00:00:00Z"), "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"));
        assertThat(event.isObjectCreated()).isTrue();
    }

    @Test
    void eventBridgeObjectDeletedIsNotObjectCreated() {
        ObjectEvent event = intake.parse(resource("eventbridge-object-deleted.json")).get(0);

        assertThat(event.eventName()).isEqualTo("ObjectRemoved:Delete");
        assertThat(event.isObjectCreated()).isFalse();
        assertThat(event.size()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3-test-event.json", "sns-wrapped-test-event.json"})
    void testEventsYieldNothing(String file) {
        assertThat(intake.parse(resource(file))).isEmpty();
    }

    @Test
    void severalRecordsGiveSeveralEventsInOrder() {
        List<ObjectEvent> events = intake.parse(resource("s3-multi-record.json"));

        assertThat(events).extracting(ObjectEvent::key).containsExactly("one.mov", "two/two.mp4", "three.avi");
        assertThat(events).extracting(ObjectEvent::sequencer).containsExactly("01", "02", "03");
        assertThat(events).extracting(ObjectEvent::isObjectCreated).containsExactly(true, true, false);
        assertThat(events.get(2).size()).isNull();
        assertThat(events.get(2).eTag()).isNull();
    }

    @Test
    void keysAreFormUrlDecoded() {
        assertThat(intake.parse(resource("s3-encoded-keys.json"))).extracting(ObjectEvent::key).containsExactly(
                "uploads/a b/clip.mov",
                "c++ talk.mov",
                "비디오/휴가.mov",
                "2024/06/01/deep/nested/prefix/my.holiday.video.mov",
                "percent%sign=equals.mov");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "poison-not-json.txt                | message body is not valid JSON",
        "poison-empty-object.json           | message body is not an S3 event",
        "poison-records-not-array.json      | Records is an object, expected an array",
        "poison-records-empty.json          | Records is empty",
        "poison-missing-key.json            | Records[1].s3.object.key is missing",
        "poison-event-version-3.json        | Records[0].eventVersion is '3.0': only major version 2",
        "poison-wrong-event-source.json     | Records[0].eventSource is 'aws:sqs', expected 'aws:s3'",
        "poison-size-is-string.json         | Records[0].s3.object.size is a string ('1305107'), expected a non-negative whole number",
        "poison-empty-bucket.json           | Records[0].s3.bucket.name is empty",
        "poison-sns-message-not-string.json | Message is an object, expected a string",
        "poison-bad-encoding.json           | Records[0].s3.object.key 'bad%zzkey.mov' is not valid URL encoding",
    })
    void poisonMessagesSayWhatIsWrongAndWhere(String file, String message) {
        assertThatThrownBy(() -> intake.parse(resource(file)))
                .isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessageContaining(message);
    }

    @Test
    void poisonInsideAnSnsEnvelopeNamesTheMessageField() {
        String inner = resource("poison-missing-key.json");
        String body = "{\"Type\":\"Notification\",\"Message\":" + jsonString(inner) + "}";

        assertThatThrownBy(() -> intake.parse(body))
                .isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessage("Message.Records[1].s3.object.key is missing");
    }

    @Test
    void deeplyNestedBodyIsPoisonNotAStackOverflow() {
        // Tens of thousands of '[' would blow a naive recursive parser; the depth limit stops at 32.
        String body = "{\"Records\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}";

        assertThatThrownBy(() -> intake.parse(body))
                .isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("nesting depth");
    }

    @Test
    void oversizedBodyIsPoisonBeforeParsing() {
        S3EventIntake small = new S3EventIntake(1024);
        String body = "{\"Records\":[" + "\"x\",".repeat(400) + "\"x\"]}";

        assertThatThrownBy(() -> small.parse(body))
                .isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("more than the limit of 1024");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "null", "[]", "42", "\"Records\"", "{\"Records\":[1]}",
        "{\"Records\":[{}]}", "{\"Type\":\"SubscriptionConfirmation\"}", "{\"Records\":[]} trailing",
        "{\"source\":\"aws.ec2\",\"detail-type\":\"EC2 Instance State-change Notification\"}",
        "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"time\":\"2021-11-12T00:00:00Z\"}",
        "{\"Type\":\"Notification\",\"Message\":\"{\\\"Type\\\":\\\"Notification\\\",\\\"Message\\\":\\\"{}\\\"}\"}"})
    void everyOtherShapeIsPoison(String body) {
        assertThatThrownBy(() -> intake.parse(body)).isExactlyInstanceOf(PoisonMessageException.class);
    }

    @Test
    void nullBodyIsPoison() {
        assertThatThrownBy(() -> intake.parse(null))
                .isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessage("message body is empty");
    }

    @Test
    void controlCharactersInValuesAreEscapedInMessages() {
        String body = resource("s3-put-2.1.json").replace("\"aws:s3\"", "\"evil\\r\\nINFO forged log line\"");

        assertThatThrownBy(() -> intake.parse(body))
                .isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessageNotContaining("\n")
                .hasMessageContaining("evil\\u000d\\u000aINFO");
    }

    private static String jsonString(String raw) {
        return "\"" + raw.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String resource(String name) {
        try (InputStream in = S3EventIntakeTest.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource events/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
