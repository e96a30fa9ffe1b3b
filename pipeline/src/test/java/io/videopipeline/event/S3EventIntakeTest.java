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
        S3EventIntake small = new S3EventIntake(1024, S3EventIntake.DEFAULT_MAX_RECORDS);
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

    // ---- issue 14.3: lenient where the pipeline does not care ---------------------------------------------

    @Test
    void motosEventTimeWithoutAZoneIsKeptAsText() {
        // moto 5.2.1's S3 notification: eventTime without a zone; the pipeline never uses it
        String body = resource("s3-put-2.1.json").replace("2019-09-03T19:37:27.192Z", "2026-12-02T01:00:56.440390");

        ObjectEvent event = intake.parse(body).get(0);

        assertThat(event.eventTime()).isEqualTo("2026-12-02T01:00:56.440390");
        assertThat(event.key()).isEqualTo("my video.mp4");
        assertThat(event.eTag()).isEqualTo("b21b84d653bb07b05b1e6b33684dc11b");
    }

    @Test
    void fieldsThePipelineDoesNotUseAreNotValidated() {
        String body = resource("s3-put-2.1.json").replace("\"eventTime\": \"2019-09-03T19:37:27.192Z\"",
                "\"eventTime\": 17, \"awsRegion\": [], \"userIdentity\": \"someone\"");

        assertThat(intake.parse(body)).extracting(ObjectEvent::key).containsExactly("my video.mp4");
    }

    @Test
    void whatThePipelineUsesIsStillValidated() {
        String noName = resource("s3-put-2.1.json").replace("\"eventName\": \"ObjectCreated:Put\"", "\"eventName\": \"\"");
        String etagNumber = resource("s3-put-2.1.json").replace("\"b21b84d653bb07b05b1e6b33684dc11b\"", "42");

        assertThatThrownBy(() -> intake.parse(noName)).isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("eventName is empty");
        assertThatThrownBy(() -> intake.parse(etagNumber)).isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessageContaining("eTag is a number");
    }

    // ---- issue 13.4: bounded work per message ---------------------------------------------------------------

    @Test
    void moreRecordsThanTheLimitArePoison() {
        String record = firstRecord(resource("s3-put-2.1.json"));
        String eleven = "{\"Records\":[" + String.join(",", java.util.Collections.nCopies(11, record)) + "]}";
        String ten = "{\"Records\":[" + String.join(",", java.util.Collections.nCopies(10, record)) + "]}";

        assertThatThrownBy(() -> intake.parse(eleven)).isExactlyInstanceOf(PoisonMessageException.class)
                .hasMessage("Records holds 11 records, more than the limit of 10 (pipeline.intake.max-records;"
                        + " S3 sends one per message)");
        // ten copies of one record: within the limit, and one piece of work
        assertThat(intake.parse(ten)).hasSize(1);
    }

    @Test
    void aRecordRepeatedWithAnotherEventTimeIsStillOneEvent() {
        String body = resource("s3-multi-record.json");
        List<ObjectEvent> events = intake.parse(body);
        String doubled = body.replaceFirst("\"Records\": \\[", "\"Records\": [" + firstRecord(body)
                .replace("2019-09-03T19:37:27.192Z", "2020-01-01T00:00:00Z") + ",");

        List<ObjectEvent> parsed = intake.parse(doubled);
        assertThat(parsed).hasSameSizeAs(events);
        for (int i = 0; i < events.size(); i++) {
            assertThat(parsed.get(i).sameObjectEvent(events.get(i))).as("record %d", i).isTrue();
        }
    }

    // ---- issue 13.1/13.3: a dead letter holds the failed record alone, in its own wrapping -------------------

    @Test
    void theEnvelopeOfASingleRecordMessageIsTheBodyByteForByte() {
        String body = resource("s3-put-2.1.json");
        String sns = resource("sns-wrapped.json");
        String eventBridge = resource("eventbridge-object-created.json");

        assertThat(intake.envelopeFor(body, intake.parse(body).get(0))).isSameAs(body);
        assertThat(intake.envelopeFor(sns, intake.parse(sns).get(0))).isSameAs(sns);
        assertThat(intake.envelopeFor(eventBridge, intake.parse(eventBridge).get(0))).isSameAs(eventBridge);
    }

    @Test
    void theEnvelopeOfOneRecordOfManyKeepsEverythingButTheOtherRecords() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String body = resource("s3-multi-record.json");
        List<ObjectEvent> events = intake.parse(body);
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(body);

        for (int i = 0; i < events.size(); i++) {
            String one = intake.envelopeFor(body, events.get(i));
            var expected = root.deepCopy();
            expected.set("Records", json.createArrayNode().add(root.get("Records").get(i)));
            assertThat(json.readTree(one)).isEqualTo(expected);
            assertThat(intake.parse(one)).containsExactly(events.get(i));

            // the same inside SNS: every field of the notification kept, Message holding the one record
            var sns = json.createObjectNode().put("Type", "Notification").put("MessageId", "m1")
                    .put("Message", body).put("Signature", "sig");
            var snsOne = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                    intake.envelopeFor(sns.toString(), events.get(i)));
            assertThat(snsOne.get("MessageId").asText()).isEqualTo("m1");
            assertThat(snsOne.get("Signature").asText()).isEqualTo("sig");
            assertThat(json.readTree(snsOne.get("Message").asText())).isEqualTo(expected);
        }
    }

    private static String firstRecord(String body) {
        int start = body.indexOf('{', body.indexOf('['));
        int depth = 0;
        for (int i = start; i < body.length(); i++) {
            depth += body.charAt(i) == '{' ? 1 : body.charAt(i) == '}' ? -1 : 0;
            if (depth == 0) {
                return body.substring(start, i + 1);
            }
        }
        throw new IllegalArgumentException("no record");
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
