package io.videopipeline.reliability;

import static io.videopipeline.EndToEnd.depth;
import static io.videopipeline.routing.ScriptedTranscoderProvider.calls;
import static io.videopipeline.routing.ScriptedTranscoderProvider.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.videopipeline.FreePorts;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.routing.ScriptedTranscoderProvider;
import io.videopipeline.routing.SqsAcknowledger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * When a consumed SQS message is deleted (routing/SqsAcknowledger, the first step of routes/sqs-source.kamelet.yaml),
 * on the real application and local cloud: transcode-video with the scripted transcoder (its upload's bytes say how
 * the job goes, and it counts calls and writes per key). The pipeline's clients reach the cloud through a
 * {@link FaultProxy} that refuses deletes when a test says so; the test's own client goes straight to the cloud.
 */
class SqsAcknowledgementTest {
    private static final String QUEUE = "video-upload-events";
    private static final String BUCKET = "video-upload";
    private static final Pattern DELETES = Pattern.compile("DeleteMessage(Batch)?");
    /** The SDK's standard retry mode makes 3 tries of each call: refusing 3 requests fails one call. */
    private static final int SDK_TRIES = 3;

    @TempDir
    Path work;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private FaultProxy proxy;
    private PipelineTestApp app;
    private AwsClients direct;
    private String queueUrl;

    private void start(Map<String, String> settings) throws Exception {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        int cloudPort = FreePorts.next();
        proxy = new FaultProxy(cloudPort, 1, 0.0);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("pipeline.localcloud.port", String.valueOf(cloudPort));
        s.put("pipeline.localcloud.client-endpoint", proxy.endpoint());
        s.put("pipeline.routes.enabled", "transcode-video");
        s.put("pipeline.transcoder", "scripted");
        // a transient failure is not retried in place: its message is left, and comes back
        s.put("pipeline.retry.attempts", "0");
        // ... after 5 s (a scripted job never lasts long enough for the visibility extension to matter)
        s.put("pipeline.transcode.visibility-timeout-seconds", "5");
        s.putAll(settings);
        app = PipelineTestApp.start(work.resolve("app"), s);
        direct = new AwsClients(AwsSettings.from(app.config().withOverrides(
                Map.of("pipeline.aws.endpoint-url", "http://127.0.0.1:" + cloudPort))));
        queueUrl = direct.sqs().getQueueUrl(b -> b.queueName(QUEUE)).queueUrl();
        // provisioning's s3:TestEvent is received and deleted first: the deletes a test refuses are its own
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> proxy.sqsCalls().getOrDefault("DeleteMessage", 0L) > 0 && depth(direct.sqs(), queueUrl) == 0);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (direct != null) {
                direct.close();
            }
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"async", "sync"})
    void aMessageWhoseWorkIsDoneIsDeletedOnce(String mode) throws Exception {
        start(Map.of("pipeline.sqs.acknowledge", mode));
        assertThat(acknowledger().settings().mode().value()).isEqualTo(mode);
        List<String> keys = List.of(key("a"), key("b"), key("c"));
        keys.forEach(k -> upload(k, "good"));

        awaitDone(keys);

        assertThat(keys).allSatisfy(k -> assertThat(calls(k)).as(k + " transcoded once").isEqualTo(1));
        assertThat(acknowledger().failures()).isZero();
        assertThat(proxy.counts().get("throttled")).isZero();
        assertThat(warnings()).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void aMessageWhoseExchangeFailedIsNotDeletedItComesBackAndIsDeletedWhenDone() throws Exception {
        start(Map.of());
        String key = key("flaky");
        upload(key, "flaky"); // a transient failure on the first try

        awaitDone(List.of(key));

        assertThat(calls(key)).as("tries: the failed exchange left its message, which came back").isEqualTo(2);
        assertThat(writes(key)).isEqualTo(1);
        assertThat(acknowledger().failures()).isZero();
    }

    /**
     * Receives ask for a short visibility (extended while the work goes on), so that a message handed to a stopped
     * runner's poll comes back soon (GracefulShutdownIT); a message whose work failed still waits its retry delay.
     */
    @Test
    void aFailedMessageWaitsItsRetryDelayNotTheShortVisibilityItWasReceivedWith() throws Exception {
        int retryDelay = 6;
        start(Map.of("pipeline.sqs.receive-visibility-seconds", "2",
                "pipeline.transcode.visibility-timeout-seconds", String.valueOf(retryDelay)));
        String key = key("flaky-wait");
        upload(key, "flaky");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> calls(key) >= 1);
        long failed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> calls(key) >= 2);
        double waited = (System.nanoTime() - failed) / 1e9;

        assertThat(waited).as("the second try came after the retry delay (%d s), not the receive's 2 s", retryDelay)
                .isGreaterThan(retryDelay - 1.5);
        assertThat(proxy.sqsCalls().getOrDefault("ChangeMessageVisibility", 0L)).as("the failed message hidden")
                .isGreaterThanOrEqualTo(1);
        awaitDone(List.of(key));
        assertThat(writes(key)).isEqualTo(1);
    }

    @Test
    void aDeleteSqsRefusesIsRetriedAndTheMessageIsHandledOnce() throws Exception {
        start(Map.of());
        proxy.throttleFirstSqs(DELETES, SDK_TRIES); // the first try of the delete fails
        String key = key("refused-once");
        upload(key, "good");

        awaitDone(List.of(key));

        assertThat(proxy.counts().get("throttled")).isEqualTo(SDK_TRIES);
        assertThat(calls(key)).as("deleted by the retry, before its visibility timeout: not handled again").isEqualTo(1);
        assertThat(acknowledger().failures()).isZero();
        assertThat(warnings()).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }

    @Test
    void aDeleteRefusedBeyondItsRetriesIsReportedAndTheMessageComesBackWithoutADuplicate() throws Exception {
        int attempts = 2;
        start(Map.of("pipeline.sqs.acknowledge-attempts", String.valueOf(attempts)));
        proxy.throttleFirstSqs(DELETES, attempts * SDK_TRIES); // every try of the first delete fails
        String key = key("refused");
        upload(key, "good");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> acknowledger().failures() == 1);
        awaitDone(List.of(key));

        assertThat(proxy.counts().get("throttled")).isEqualTo(attempts * SDK_TRIES);
        assertThat(calls(key)).as("the message came back").isEqualTo(2);
        assertThat(writes(key)).as("the second time found the outputs (idempotency): nothing written twice").isEqualTo(1);
        assertThat(warnings()).singleElement().satisfies(w -> {
            assertThat(w.getLoggerName()).isEqualTo(SqsAcknowledger.class.getName());
            assertThat(w.getFormattedMessage()).contains("Queue " + QUEUE + ": message ").contains("was not deleted")
                    .contains("2 tries").contains("ServiceUnavailable");
        });
    }

    @Test
    void deletesStillQueuedWhenTheContextStopsAreFlushed() throws Exception {
        // two refused tries, 1 s and 2 s apart: the delete is queued for 3 s or more after the work is done
        start(Map.of("pipeline.sqs.acknowledge-retry-delay-ms", "1000", "pipeline.sqs.acknowledge-flush-seconds", "30",
                // the message stays invisible until well after its delete went through
                "pipeline.transcode.visibility-timeout-seconds", "20"));
        proxy.throttleFirstSqs(DELETES, 2 * SDK_TRIES);
        String key = key("flushed");
        upload(key, "good");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> writes(key) == 1);
        int atStop = depth(direct.sqs(), queueUrl);
        SqsAcknowledger acknowledger = acknowledger(); // the registry is emptied by the stop

        app.camel().stop();

        assertThat(atStop).as("the message, its delete still queued when the stop began").isEqualTo(1);
        assertThat(depth(direct.sqs(), queueUrl)).as("deleted by the stop's flush").isZero();
        assertThat(proxy.counts().get("throttled")).isEqualTo(2 * SDK_TRIES);
        assertThat(acknowledger.failures()).isZero();
        assertThat(calls(key)).isEqualTo(1);
    }

    private SqsAcknowledger acknowledger() {
        return app.camel().getRegistry().lookupByNameAndType("sqsAcknowledger", SqsAcknowledger.class);
    }

    /** Every key's job written and the queue empty (no message visible, in flight or delayed). */
    private void awaitDone(List<String> keys) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                keys.stream().allMatch(k -> writes(k) == 1) && depth(direct.sqs(), queueUrl) == 0);
    }

    /** WARN and ERROR lines of the acknowledger and of Camel's SQS consumer (its visibility extension included). */
    private List<ILoggingEvent> warnings() {
        return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getLoggerName().startsWith("io.videopipeline.routing")
                        || e.getLoggerName().startsWith("org.apache.camel.component.aws2.sqs")).toList();
    }

    private static String key(String name) {
        return "ack/" + System.nanoTime() + "/" + name + ".mov";
    }

    /** An upload whose bytes script the job (see ScriptedTranscoderProvider); its notification queues the message. */
    private void upload(String key, String script) {
        direct.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(script));
    }
}
