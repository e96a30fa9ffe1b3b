package io.videopipeline.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.videopipeline.PipelineTestApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queue lag as an operator reads it: the backlog gauges follow messages waiting on a route's queue before it starts and
 * fall back to 0 once it drains; the lag timer counts each message once, with the time it really waited.
 */
class QueueMetricsTest {

    private static final String QUEUE = "transcoded-video-metadata";
    private static final String TEST_EVENT = """
            {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-25T10:00:00.000Z",
             "Bucket":"video-transcoded","RequestId":"R","HostId":"H"}""";

    @TempDir
    Path work;

    @Test
    void backlogGaugesAndLagTimerFollowTheQueue() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of(
                "pipeline.metrics.queue-depth-interval-seconds", "1",
                "pipeline.routes.enabled", "extract-metadata",
                // Started by hand below, so the messages wait on its queue (a stopped route's last long poll
                // could still take them).
                "camel.main.auto-startup", "false"))) {
            MeterRegistry meters = app.camel().getRegistry().findSingleByType(MeterRegistry.class);

            String url = app.queueUrl(QUEUE);
            // Provisioning's bucket notification set-up sends one s3:TestEvent through the topic: let it land.
            await().atMost(Duration.ofSeconds(20)).until(() -> visible(app, url) >= 1);
            int expected = visible(app, url) + 3;
            long sentAt = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                app.sqs().sendMessage(b -> b.queueUrl(url).messageBody(TEST_EVENT));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> depth(meters, QUEUE, "visible") == expected);
            assertThat(depth(meters, QUEUE + "-dlq", "visible")).as("the DLQ, found from the RedrivePolicy").isZero();

            long waited = System.currentTimeMillis() - sentAt;
            app.camel().getRouteController().startRoute("extract-metadata");
            await().atMost(Duration.ofSeconds(30)).until(() -> lag(meters) != null && lag(meters).count() == expected);
            await().atMost(Duration.ofSeconds(20)).until(() -> depth(meters, QUEUE, "visible") == 0.0
                    && depth(meters, QUEUE, "in_flight") == 0.0);

            Timer lag = lag(meters);
            assertThat(lag.count()).as("once per message").isEqualTo(expected);
            assertThat(lag.max(TimeUnit.MILLISECONDS)).as("the time the messages sat on the queue before the route started")
                    .isGreaterThanOrEqualTo(waited - 50);
        }
    }

    private static int visible(PipelineTestApp app, String url) {
        return Integer.parseInt(app.sqs().getQueueAttributes(b -> b.queueUrl(url)
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .get("ApproximateNumberOfMessages"));
    }

    private static double depth(MeterRegistry meters, String queue, String state) {
        Gauge gauge = meters.find("pipeline.queue.messages").tag("queue", queue).tag("state", state).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static Timer lag(MeterRegistry meters) {
        return meters.find("pipeline.queue.lag").tag("queue", QUEUE).tag("routeId", "extract-metadata").timer();
    }
}
