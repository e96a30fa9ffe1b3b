package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as an operator sees it: health (live/ready), Prometheus metrics, a poison message parked on
 * its DLQ with the reason and counted, {@code dlq list} and {@code dlq redrive}; and one upload end to end with
 * each rendition mailed once.
 */
class OperabilityIT {

    private static final String DEAD_LETTERED = "pipeline_dead_lettered_total\\{[^}]*queue=\"video-upload-events-dlq\"[^}]*}";

    private static final String QUEUE_LAG =
            "pipeline_queue_lag_seconds_count\\{[^}]*queue=\"video-upload-events\"[^}]*}";
    private static final String DLQ_DEPTH =
            "pipeline_queue_messages\\{[^}]*queue=\"video-upload-events-dlq\",state=\"visible\"[^}]*}";

    @TempDir
    Path work;

    @Test
    void healthMetricsDeadLettersAndTheDlqCommand() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/one.mov"), 1);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"))) {
            rig.set("pipeline.metrics.queue-depth-interval-seconds", "1");
            rig.start();
            assertThat(rig.status("/observe/health/live")).isEqualTo(200);
            assertThat(rig.status("/observe/health/ready")).isEqualTo(200);

            // One upload: 3 renditions + 3 metadata files + 3 mail markers, 3 mails, queues drained.
            rig.upload("ops/one.mov", clip);
            List<String> expected = PipelineRig.expectedKeys(List.of("ops/one.mov"));
            await().atMost(Duration.ofSeconds(90)).until(() -> rig.transcodedKeys().containsAll(expected));
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.mailSubjects().size() >= 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.queueDepths().values().stream().allMatch(d -> d == 0));
            assertThat(rig.transcodedKeys()).containsExactlyElementsOf(expected);
            assertThat(rig.mailSubjects()).hasSize(3).allSatisfy(s -> assertThat(s).doesNotContain("\n", "\r"));

            // A poison message is dead-lettered at once with the reason, and counted.
            String queueUrl = rig.sqs().getQueueUrl(b -> b.queueName("video-upload-events")).queueUrl();
            rig.sqs().sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"not\":\"an S3 event\"}"));
            await().atMost(Duration.ofSeconds(60)).until(() -> rig.queueDepths().get("video-upload-events-dlq") == 1);
            String metrics = rig.get("/observe/metrics");
            assertThat(metrics).containsPattern(DEAD_LETTERED + " 1\\.0")
                    .contains("camel_exchanges_total{").contains("routeId=\"transcode-video\"")
                    // queue lag: each message's wait was timed once, the upload's and the poison's
                    .containsPattern(QUEUE_LAG + " [2-9]");
            // backlog: the DLQ's depth as SQS reports it, read in the background
            await().atMost(Duration.ofSeconds(30)).until(() -> rig.get("/observe/metrics").matches(
                    "(?s).*" + DLQ_DEPTH + " 1\\.0.*"));

            // dlq list shows it with the reason the route recorded; redrive puts it back (and it comes back).
            String list = dlq(rig, "list");
            assertThat(list).contains("video-upload-events-dlq: 1 message(s)")
                    .contains("PoisonMessageException").contains("not an S3 event");
            String redrive = dlq(rig, "redrive", "video-upload-events");
            assertThat(redrive).contains("redrove 1 message(s) from video-upload-events-dlq to video-upload-events");
            await().atMost(Duration.ofSeconds(60)).until(() -> rig.queueDepths().get("video-upload-events-dlq") == 1
                    && rig.queueDepths().get("video-upload-events") == 0);
            assertThat(rig.get("/observe/metrics")).containsPattern(DEAD_LETTERED + " 2\\.0");

            assertThat(rig.terminate(Duration.ofSeconds(30))).isIn(0, 143);
        }
    }

    /** Runs {@code dlq ARGS} as a second process against the running local cloud, as an operator would. */
    private String dlq(PipelineRig rig, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("dlq"));
        command.addAll(List.of(args));
        command.addAll(List.of("--profile", "aws", "--config", Path.of(System.getProperty("pipeline.project.dir", "."))
                        .resolve("config").toString(),
                "--set", "pipeline.aws.endpoint-url=" + rig.endpoint(), "--set", "pipeline.aws.force-path-style=true"));
        try (PipelineProcess p = PipelineProcess.start(work, Map.of("AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test", "AWS_REGION", "us-east-1"), command.toArray(String[]::new))) {
            int code = p.awaitExit(Duration.ofSeconds(180)); // a JVM start on a busy 2-core machine
            assertThat(code).as(p.output()).isZero();
            return p.output();
        }
    }
}
