package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineProcess;
import io.videopipeline.event.S3EventIntake;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The packaged jar, every consuming route: a message that fails before the per-record split (a poison body) and one
 * whose record fails inside it are parked with the body as received (never a Java toString of a record) and exactly
 * the attributes {@code pipeline-error}, {@code pipeline-route} and the sender's own; {@code dlq redrive} (the real
 * command, a second process) puts each back, and it ends exactly as the first time: parked again, same body, same
 * attributes. The local cloud runs as its own process; the job-events queue (report-job-state) is made here.
 */
class DeadLetterRoundTripIT {
    private static final String JOB_EVENTS = "transcode-job-events";
    private static final Map<String, MessageAttributeValue> OWN = Map.of("origin",
            MessageAttributeValue.builder().dataType("String").stringValue("round-trip-it").build());

    @TempDir
    Path work;

    @Test
    void everyRouteParksTheMessageAsReceivedAndARedriveEndsTheSameWay() throws Exception {
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.set("pipeline.job-events.enabled", "true");
            rig.startSeparateCloud(null);
            jobEventsQueue(rig);
            rig.start();

            // before the split: a body no route can read, with an attribute of the sender's own
            for (String queue : List.of("video-upload-events", "transcoded-video-email", "transcoded-video-acl",
                    "transcoded-video-metadata", JOB_EVENTS)) {
                String poison = "{\"not\": \"an event\", \"for\": \"" + queue + "\"}\n";
                roundTrip(rig, queue, () -> send(rig, queue, poison, OWN), poison, true);
            }

            // inside the split: one record each route refuses for good
            rig.s3().putObject(b -> b.bucket(PipelineRig.UPLOADS).key("it/not-a-video.mov"),
                    RequestBody.fromString("this upload is text, not a video"));
            roundTrip(rig, "video-upload-events", () -> { }, null, false); // the upload's own notification
            String gone = s3Event(PipelineRig.TRANSCODED, "it/gone/gone-720p.mp4");
            roundTrip(rig, "transcoded-video-email", () -> send(rig, "transcoded-video-email", gone, OWN), gone, true);
            String foreign = s3Event(PipelineRig.UPLOADS, "it/foreign.mp4");
            roundTrip(rig, "transcoded-video-acl", () -> send(rig, "transcoded-video-acl", foreign, OWN), foreign, true);
            String text = s3Event(PipelineRig.TRANSCODED, "it/text/text-720p.mp4");
            rig.s3().putObject(b -> b.bucket(PipelineRig.TRANSCODED).key("it/text/text-720p.mp4"),
                    RequestBody.fromString("not an mp4 either"));
            // the upload notifies the metadata queue too: that letter first, then the hand-made one
            roundTrip(rig, "transcoded-video-metadata", () -> { }, null, false);
            roundTrip(rig, "transcoded-video-metadata", () -> send(rig, "transcoded-video-metadata", text, OWN),
                    text, true);

            // issue 14.7: the dead-letter counter no longer logs a deprecated-parameter WARN after each dead letter
            assertThat(rig.allOutput()).doesNotContain("Deprecated tags=");
            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }

    /**
     * Triggers a failure, waits for its dead letter and checks it, redrives it with the real command, and checks that
     * the redriven message was parked again exactly the same.
     *
     * @param expectedBody the body the dead letter must hold byte for byte; null when the failing message is S3's own
     *                     notification (then: it holds one S3 record and is no Java toString)
     */
    private void roundTrip(PipelineRig rig, String queue, Runnable trigger, String expectedBody, boolean ownAttribute)
            throws Exception {
        trigger.run();
        Message first = awaitDeadLetter(rig, queue);
        if (expectedBody != null) {
            assertThat(first.body()).as(queue).isEqualTo(expectedBody);
        } else {
            assertThat(first.body()).as(queue).doesNotContain("ObjectEvent[");
            assertThat(new S3EventIntake().parse(first.body())).as(queue).hasSize(1);
        }
        List<String> keys = new ArrayList<>(List.of("pipeline-error", "pipeline-route"));
        if (ownAttribute) {
            keys.addAll(OWN.keySet());
            assertThat(first.messageAttributes()).containsAllEntriesOf(OWN);
        }
        assertThat(first.messageAttributes()).as(queue + ": " + first.messageAttributes())
                .containsOnlyKeys(keys.toArray(String[]::new));
        String route = first.messageAttributes().get("pipeline-route").stringValue();
        assertThat(route).as(queue).isEqualTo(routeOf(queue));

        String redrive = dlq(rig, "redrive", queue);
        assertThat(redrive).contains("redrove 1 message(s) from " + queue + "-dlq to " + queue);

        Message again = awaitDeadLetter(rig, queue);
        assertThat(again.body()).as(queue + " after redrive").isEqualTo(first.body());
        assertThat(again.messageAttributes().keySet()).as(queue + " after redrive")
                .isEqualTo(first.messageAttributes().keySet());
        assertThat(again.messageAttributes().get("pipeline-route")).isEqualTo(first.messageAttributes().get("pipeline-route"));
        // the same reason (less what names this run: ffmpeg's stderr tail with its temp dir, AWS request ids)
        assertThat(reason(again)).as(queue + " after redrive").isEqualTo(reason(first));
        if (ownAttribute) {
            assertThat(again.messageAttributes()).containsAllEntriesOf(OWN);
        }
        String url = url(rig, queue + "-dlq");
        rig.sqs().deleteMessage(b -> b.queueUrl(url).receiptHandle(again.receiptHandle()));
        await().atMost(Duration.ofSeconds(30)).until(() -> depth(rig, queue) == 0 && depth(rig, queue + "-dlq") == 0);
    }

    private static String reason(Message m) {
        return m.messageAttributes().get("pipeline-error").stringValue().replaceAll("; last stderr lines:.*", "")
                .replaceAll("Request ID: [^,) ]+", "Request ID: …")
                .replaceAll(" @ 0x[0-9a-f]+\\]", " @ 0x…]"); // ffprobe names its demuxer by a heap address
    }

    /** The one dead letter on QUEUE-dlq, peeked at (visibility 0: it stays there for the redrive). */
    private static Message awaitDeadLetter(PipelineRig rig, String queue) {
        String url = url(rig, queue + "-dlq");
        List<Message> found = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                found.addAll(rig.sqs().receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .visibilityTimeout(0).messageAttributeNames("All")).messages());
                return !found.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("nothing parked on " + queue + "-dlq\n" + rig.allOutput(), e);
        }
        assertThat(found).as(queue + "-dlq").hasSize(1);
        return found.get(0);
    }

    private static void send(PipelineRig rig, String queue, String body, Map<String, MessageAttributeValue> attributes) {
        rig.sqs().sendMessage(b -> b.queueUrl(url(rig, queue)).messageBody(body).messageAttributes(attributes));
    }

    private static String routeOf(String queue) {
        return switch (queue) {
            case "video-upload-events" -> "transcode-video";
            case "transcoded-video-email" -> "notify-email";
            case "transcoded-video-acl" -> "set-permissions";
            case "transcoded-video-metadata" -> "extract-metadata";
            default -> "report-job-state";
        };
    }

    /** A raw S3 notification of one record, as S3 sends it (key URL-encoded; none here needs it). */
    private static String s3Event(String bucket, String key) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",\
                "eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put",\
                "s3":{"s3SchemaVersion":"1.0","bucket":{"name":"%s"},\
                "object":{"key":"%s","size":17,"eTag":"0123456789abcdef0123456789abcdef","sequencer":"01"}}}]}"""
                .formatted(bucket, key);
    }

    /** The queue report-job-state reads, with its DLQ, as provisioning would make it (the aws profile). */
    private static void jobEventsQueue(PipelineRig rig) {
        String dlqUrl = rig.sqs().createQueue(b -> b.queueName(JOB_EVENTS + "-dlq")).queueUrl();
        String dlqArn = rig.sqs().getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":5}");
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, "6");
        rig.sqs().createQueue(b -> b.queueName(JOB_EVENTS).attributes(attributes));
    }

    private static String url(PipelineRig rig, String queue) {
        return rig.sqs().getQueueUrl(b -> b.queueName(queue)).queueUrl();
    }

    private static int depth(PipelineRig rig, String queue) {
        Map<QueueAttributeName, String> a = rig.sqs().getQueueAttributes(b -> b.queueUrl(url(rig, queue)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    /** Runs {@code dlq ARGS} as a second process against the running local cloud, as an operator would. */
    private String dlq(PipelineRig rig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("dlq"));
        command.addAll(List.of(args));
        command.addAll(List.of("--profile", "aws", "--config", Path.of(System.getProperty("pipeline.project.dir", "."))
                        .resolve("config").toString(),
                "--set", "pipeline.aws.endpoint-url=" + rig.endpoint(), "--set", "pipeline.aws.force-path-style=true",
                "--set", "pipeline.job-events.enabled=true"));
        try (PipelineProcess p = PipelineProcess.start(work, Map.of("AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"), command.toArray(String[]::new))) {
            int code = p.awaitExit(Duration.ofSeconds(180)); // a JVM start on a busy 2-core machine
            assertThat(code).as(p.output()).isZero();
            return p.output();
        }
    }
}
