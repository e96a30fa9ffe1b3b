package io.videopipeline.routing;

import static io.videopipeline.EndToEnd.depth;
import static io.videopipeline.routing.ScriptedTranscoderProvider.calls;
import static io.videopipeline.routing.ScriptedTranscoderProvider.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * How transcode-video handles the records of a message and what it parks, on the real application and local cloud
 * (real SQS and S3 wire) with a scripted transcoder ({@link ScriptedTranscoderProvider}) so that many records stay
 * fast. Uploads here do not notify: every event is one the test sends, so it knows each record's fate.
 */
class RecordHandlingTest {
    private static final String UPLOAD = "video-upload";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads dead letters back (each holds one record). */
    private static final S3EventIntake READER = new S3EventIntake();
    private static final int MAX_RECORDS = 20;

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static S3Client s3;
    private static SqsClient sqs;
    private static String queue;
    private static String dlq;
    private static final ListAppender<ILoggingEvent> WARNINGS = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.routes.enabled", "transcode-video",
                "pipeline.transcoder", "scripted",
                "pipeline.intake.max-records", String.valueOf(MAX_RECORDS),
                // a transient failure: no in-place retry, so the message itself comes back (quickly: 2 s)
                "pipeline.retry.attempts", "0",
                "pipeline.transcode.visibility-timeout-seconds", "2"));
        s3 = app.s3();
        sqs = app.sqs();
        queue = app.queueUrl("video-upload-events");
        dlq = app.queueUrl("video-upload-events-dlq");
        s3.putBucketNotificationConfiguration(b -> b.bucket(UPLOAD).notificationConfiguration(n -> { }));
        WARNINGS.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(WARNINGS);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(WARNINGS);
        if (app != null) {
            app.close();
        }
    }

    // ---- dead letters: body and attributes ------------------------------------------------------------------

    @Test
    void aPoisonMessageIsParkedByteForByteWithExactlyItsOwnAttributesTheReasonAndTheRoute() {
        String poison = "  {\"not\": \"an S3 event\", \"id\": " + System.nanoTime() + "}\n";
        Map<String, MessageAttributeValue> own = Map.of(
                "trace-id", MessageAttributeValue.builder().dataType("String").stringValue("abc-1").build(),
                "attempt", MessageAttributeValue.builder().dataType("Number.int").stringValue("3").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary")
                        .binaryValue(SdkBytes.fromByteArray(new byte[] {0, 1, 2})).build());
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(poison).messageAttributes(own));

        Message dead = awaitDeadLetters(1).get(0);

        assertThat(dead.body()).isEqualTo(poison);
        assertThat(dead.messageAttributes()).containsOnlyKeys("pipeline-error", "pipeline-route", "trace-id",
                "attempt", "blob");
        assertThat(dead.messageAttributes()).containsAllEntriesOf(own);
        assertThat(dead.messageAttributes().get("pipeline-route").stringValue()).isEqualTo("transcode-video");
        assertThat(dead.messageAttributes().get("pipeline-error").stringValue()).startsWith("PoisonMessageException");
        awaitDrained();
        // issue 14.7: the dead letter's counter used a deprecated micrometer URI and logged a WARN each time
        assertThat(WARNINGS.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                && e.getLoggerName().startsWith("org.apache.camel.component.micrometer")).map(ILoggingEvent::getFormattedMessage))
                .isEmpty();
    }

    @Test
    void aRecordFailingInsideTheSplitIsParkedAsTheOriginalBodyAndARedriveEndsTheSameWay() throws Exception {
        String key = "split-fail/" + System.nanoTime() + ".mov";
        String etag = put(key, "bad");
        // pretty-printed, as a hand-made message could be: the dead letter must be these very bytes
        String body = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(raw(List.of(record(key, etag))));
        Map<String, MessageAttributeValue> own = Map.of("origin",
                MessageAttributeValue.builder().dataType("String").stringValue("test").build());
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body).messageAttributes(own));

        Message dead = awaitDeadLetters(1).get(0);
        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.messageAttributes()).containsOnlyKeys("pipeline-error", "pipeline-route", "origin");
        String reason = dead.messageAttributes().get("pipeline-error").stringValue();
        assertThat(reason).startsWith("UnusableSourceException");
        awaitDrained();

        // redrive as `dlq redrive` does: the body and the original's own attributes
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(dead.body())
                .messageAttributes(Map.of("origin", dead.messageAttributes().get("origin"))));
        Message again = awaitDeadLetters(1).get(0);
        assertThat(again.body()).isEqualTo(body);
        assertThat(again.messageAttributes()).isEqualTo(dead.messageAttributes());
        awaitDrained();
    }

    @Test
    void oneFailingRecordOfAnSnsEnvelopeIsParkedAloneInTheSameEnvelopeWhileTheOthersAreTranscoded() throws Exception {
        String prefix = "sns-mixed/" + System.nanoTime() + "/";
        List<ObjectNode> records = List.of(record(prefix + "a.mov", put(prefix + "a.mov", "good")),
                record(prefix + "b.mov", put(prefix + "b.mov", "bad")),
                record(prefix + "c.mov", put(prefix + "c.mov", "good")));
        ObjectNode envelope = sns(raw(records));
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(envelope.toString()));

        Message dead = awaitDeadLetters(1).get(0);
        awaitDrained();

        JsonNode parked = JSON.readTree(dead.body());
        // the SNS envelope as it was, but for Message, which holds only the failed record
        ObjectNode expected = envelope.deepCopy();
        expected.put("Message", raw(List.of(records.get(1))).toString());
        assertThat(parked).isEqualTo(expected);
        assertThat(writes(prefix + "a.mov")).isEqualTo(1);
        assertThat(writes(prefix + "c.mov")).isEqualTo(1);
        assertThat(writes(prefix + "b.mov")).isZero();
    }

    @Test
    void aTransientlyFailingRecordKeepsTheMessageUntilItIsDoneAndTheOthersAreNotRedone() throws Exception {
        String prefix = "flaky/" + System.nanoTime() + "/";
        List<ObjectNode> records = List.of(record(prefix + "good.mov", put(prefix + "good.mov", "good")),
                record(prefix + "flaky.mov", put(prefix + "flaky.mov", "flaky")),
                record(prefix + "bad.mov", put(prefix + "bad.mov", "bad")));
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(raw(records).toString()));

        awaitDrained();

        // the message came back for the flaky record: every record was tried twice ...
        assertThat(calls(prefix + "flaky.mov")).isEqualTo(2);
        assertThat(calls(prefix + "good.mov")).isEqualTo(2);
        // ... but the good one was written once, and the bad one parked once, when the message was done
        assertThat(writes(prefix + "good.mov")).isEqualTo(1);
        assertThat(writes(prefix + "flaky.mov")).isEqualTo(1);
        List<Message> dead = awaitDeadLetters(1);
        assertThat(READER.parse(dead.get(0).body())).extracting(ObjectEvent::key).containsExactly(prefix + "bad.mov");
        assertThat(EndToEndDlq.count(sqs, dlq)).isZero();
    }

    @Test
    void moreRecordsThanTheCapMakeThePoisonAndNothingIsTranscoded() {
        String prefix = "cap/" + System.nanoTime() + "/";
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i <= MAX_RECORDS; i++) {
            records.add(record(prefix + i + ".mov", null));
        }
        put(prefix + "0.mov", "good");
        String body = raw(records).toString();
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body));

        Message dead = awaitDeadLetters(1).get(0);
        assertThat(dead.body()).isEqualTo(body);
        assertThat(dead.messageAttributes().get("pipeline-error").stringValue()).startsWith("PoisonMessageException")
                .contains((MAX_RECORDS + 1) + " records").contains("pipeline.intake.max-records");
        awaitDrained();
        assertThat(calls(prefix + "0.mov")).isZero();
    }

    @Test
    void repeatedRecordsWithoutETagAreOneJobAndARedeliveryIsSkippedByTheETagFromHeadObject() {
        String key = "no-etag/" + System.nanoTime() + ".mov";
        put(key, "good");
        ObjectNode record = record(key, null);
        List<ObjectNode> copies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            copies.add(record.deepCopy());
        }
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(raw(copies).toString()));
        awaitDrained();
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(raw(List.of(record)).toString()));
        awaitDrained();

        // two jobs (one per message, the ten copies being one), one write: the second saw outputs with the ETag
        assertThat(calls(key)).isEqualTo(2);
        assertThat(writes(key)).isEqualTo(1);
        assertThat(EndToEndDlq.count(sqs, dlq)).isZero();
    }

    @Test
    void motosEventTimeWithoutAZoneIsAccepted() {
        String key = "moto/" + System.nanoTime() + ".mov";
        String etag = put(key, "good");
        ObjectNode record = record(key, etag);
        record.put("eventTime", "2026-12-02T01:00:56.440390"); // exactly what moto 5.2.1 sent
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(raw(List.of(record)).toString()));

        awaitDrained();
        assertThat(writes(key)).isEqualTo(1);
        assertThat(EndToEndDlq.count(sqs, dlq)).isZero();
    }

    /**
     * Envelopes of 1-20 records, raw or in SNS, mixing good, failing (permanent and transient), missing and repeated
     * records: each good or flaky record is transcoded exactly once, each failing one parked exactly once (alone,
     * in its own envelope's wrapping), a missing one neither, and every message is deleted.
     */
    @Test
    void fuzzEveryRecordEndsTranscodedOrParkedExactlyOnce() throws Exception {
        long seed = Long.getLong("records.seed", System.nanoTime());
        int envelopes = Integer.getInteger("records.envelopes", 12);
        System.out.println("RecordHandlingTest fuzz seed=" + seed + " (rerun with -Drecords.seed=" + seed + ")");
        Random random = new Random(seed);
        String prefix = "fuzz/" + seed + "/";
        Map<String, String> kinds = new TreeMap<>();
        Map<String, Boolean> wrappedInSns = new HashMap<>();
        List<String> bodies = new ArrayList<>();
        for (int e = 0; e < envelopes; e++) {
            int n = 1 + random.nextInt(MAX_RECORDS);
            boolean sns = random.nextBoolean();
            List<ObjectNode> records = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                if (!records.isEmpty() && random.nextInt(6) == 0) {
                    records.add(records.get(random.nextInt(records.size())).deepCopy()); // repeated record
                    continue;
                }
                String key = prefix + e + "-" + r + ".mov";
                String kind = List.of("good", "good", "bad", "flaky", "missing").get(random.nextInt(5));
                kinds.put(key, kind);
                wrappedInSns.put(key, sns);
                String etag = "missing".equals(kind) ? null : put(key, kind);
                // some events carry no ETag: the route asks S3 for it (or finds the object gone)
                records.add(record(key, random.nextInt(3) == 0 ? null : etag));
            }
            ObjectNode envelope = raw(records);
            bodies.add(sns ? sns(envelope).toString() : envelope.toString());
        }
        for (String body : bodies) {
            sqs.sendMessage(b -> b.queueUrl(queue).messageBody(body));
        }
        List<String> failing = kinds.entrySet().stream().filter(k -> k.getValue().equals("bad"))
                .map(Map.Entry::getKey).toList();

        List<Message> dead = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
                dead.addAll(EndToEndDlq.take(sqs, dlq));
                return depth(sqs, queue) == 0 && dead.size() >= failing.size();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("seed " + seed + ": queue depth " + depth(sqs, queue) + ", parked " + dead.size()
                    + " of " + failing.size(), e);
        }
        dead.addAll(EndToEndDlq.take(sqs, dlq)); // anything parked twice would be here by now: the queue is empty

        Map<String, Integer> parked = new TreeMap<>();
        for (Message m : dead) {
            List<ObjectEvent> events = READER.parse(m.body());
            assertThat(events).as("seed %d: a dead letter holds one record: %s", seed, m.body()).hasSize(1);
            String key = events.get(0).key();
            parked.merge(key, 1, Integer::sum);
            assertThat(JSON.readTree(m.body()).has("Type")).as("seed %d: %s keeps its wrapping", seed, key)
                    .isEqualTo(wrappedInSns.get(key));
            assertThat(m.messageAttributes().get("pipeline-error").stringValue()).startsWith("UnusableSourceException");
        }
        Map<String, String> wrong = new LinkedHashMap<>();
        kinds.forEach((key, kind) -> {
            int written = writes(key);
            int times = parked.getOrDefault(key, 0);
            boolean ok = switch (kind) {
                case "good", "flaky" -> written == 1 && times == 0;
                case "bad" -> written == 0 && times == 1;
                default -> written == 0 && times == 0; // missing: acknowledged, nothing to do
            };
            if (!ok) {
                wrong.put(key, kind + ": written " + written + ", parked " + times);
            }
        });
        assertThat(wrong).as("seed %d: records whose end is not exactly once", seed).isEmpty();
        System.out.println("RecordHandlingTest fuzz seed=" + seed + ": " + kinds.size() + " records in " + envelopes
                + " envelopes, " + kinds.values().stream().collect(Collectors.groupingBy(k -> k, TreeMap::new,
                Collectors.counting())));
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Uploads {@code script} (see {@link ScriptedTranscoderProvider}) and returns the object's ETag. */
    private static String put(String key, String script) {
        return s3.putObject(b -> b.bucket(UPLOAD).key(key), RequestBody.fromString(script)).eTag().replace("\"", "");
    }

    private static ObjectNode record(String key, String etag) {
        ObjectNode record = JSON.createObjectNode();
        record.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("awsRegion", "us-east-1")
                .put("eventTime", "2026-01-01T00:00:00.000Z").put("eventName", "ObjectCreated:Put");
        ObjectNode s3Node = record.putObject("s3");
        s3Node.put("s3SchemaVersion", "1.0").put("configurationId", "test");
        s3Node.putObject("bucket").put("name", UPLOAD).put("arn", "arn:aws:s3:::" + UPLOAD);
        ObjectNode object = s3Node.putObject("object").put("key", key).put("size", 4);
        if (etag != null) {
            object.put("eTag", etag);
        }
        object.put("sequencer", Long.toHexString(System.nanoTime()).toUpperCase());
        return record;
    }

    private static ObjectNode raw(List<ObjectNode> records) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("Records");
        records.forEach(array::add);
        return root;
    }

    private static ObjectNode sns(ObjectNode message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("Type", "Notification").put("MessageId", "m-" + System.nanoTime())
                .put("TopicArn", "arn:aws:sns:us-east-1:000000000000:uploads").put("Subject", "Amazon S3 Notification")
                .put("Message", message.toString()).put("Timestamp", "2026-01-01T00:00:00.000Z")
                .put("SignatureVersion", "1").put("Signature", "c2lnbmF0dXJl")
                .put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/cert.pem")
                .put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe");
        return root;
    }

    private static List<Message> awaitDeadLetters(int count) {
        List<Message> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.addAll(EndToEndDlq.take(sqs, dlq));
            return found.size() >= count;
        });
        return found;
    }

    private static void awaitDrained() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> depth(sqs, queue) == 0);
    }

    /** Reading a dead-letter queue empty, with every attribute. */
    static final class EndToEndDlq {
        private EndToEndDlq() {
        }

        static List<Message> take(SqsClient sqs, String url) {
            List<Message> taken = new ArrayList<>();
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageAttributeNames("All")).messages()) {
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                taken.add(m);
            }
            return taken;
        }

        static int count(SqsClient sqs, String url) {
            return depth(sqs, url);
        }
    }
}
