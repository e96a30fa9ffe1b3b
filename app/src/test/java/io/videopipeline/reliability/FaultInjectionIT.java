package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transient faults between the pipeline and the cloud: a seeded share of every S3/SQS request is throttled (503),
 * dropped, or executed with its response lost. The end state must be the same as without faults, nothing may be
 * dead-lettered, and the retries must show on the metrics endpoint.
 */
class FaultInjectionIT {
    private static final long SEED = Long.getLong("faults.seed", 42L);
    private static final double RATE = Double.parseDouble(System.getProperty("faults.rate", "0.1"));
    private static final int UPLOADS = Integer.getInteger("faults.uploads", 4);

    @TempDir
    Path work;

    @Test
    void throttlingDroppedConnectionsAndLostResponsesChangeNothing() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/faults.mov"), 1);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"));
             FaultProxy proxy = new FaultProxy(rig.cloudPort, SEED, RATE)) {
            rig.startSeparateCloud(proxy.endpoint());
            rig.start();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                String key = "faults/clip-" + i + ".mov";
                keys.add(key);
                rig.upload(key, clip); // the test's own client goes straight to the cloud
            }
            List<String> expected = PipelineRig.expectedKeys(keys);
            awaitComplete(rig, proxy, expected, Duration.ofSeconds(150));
            String metrics = rig.get("/observe/metrics");
            double retries = sum(metrics, "pipeline_aws_retries_total");
            List<String> subjects = rig.mailSubjects();
            System.out.printf("FAULTS seed=%d rate=%.2f uploads=%d proxy=%s sdk-retries=%.0f mails=%d%n", SEED, RATE,
                    UPLOADS, proxy.counts(), retries, subjects.size());

            assertThat(rig.transcodedKeys()).containsExactlyElementsOf(expected);
            assertThat(subjects).hasSize(3 * UPLOADS).doesNotHaveDuplicates();
            assertThat(rig.queueDepths()).allSatisfy((queue, depth) -> assertThat(depth).as(queue).isZero());
            assertThat(proxy.faults()).as("faults injected " + proxy.counts()).isGreaterThan(10);
            assertThat(retries).as("retries on /observe/metrics").isGreaterThan(0);
            assertThat(rig.allOutput()).doesNotContain("dead-lettering");
            rig.terminate(Duration.ofSeconds(30));
        }
    }

    /**
     * The mail marker's PUT throttled beyond the SDK's own attempts, after the mail went out: the route retries the
     * marker write in place (it once vanished in Camel's idempotent consumer, whose on-completion write cannot fail
     * the exchange: the message was acknowledged without its marker). One mail per rendition, every marker there.
     */
    @Test
    void aMailMarkerWriteThatFailsIsRetriedNotLostAndTheMailNotRepeated() throws Exception {
        Path clip = PipelineRig.clip(work.resolve("clips/marker.mov"), 1);
        try (PipelineRig rig = new PipelineRig(work.resolve("run"));
             FaultProxy proxy = new FaultProxy(rig.cloudPort, SEED, 0)) {
            proxy.throttleFirst(Pattern.compile("^PUT \\S*\\.mailed[ ?]"), 3); // the SDK's STANDARD mode tries 3 times
            rig.startSeparateCloud(proxy.endpoint());
            rig.start();
            List<String> expected = PipelineRig.expectedKeys(List.of("marker/clip.mov"));
            rig.upload("marker/clip.mov", clip);
            awaitComplete(rig, proxy, expected, Duration.ofSeconds(120));
            assertThat(proxy.counts().get("throttled")).as("marker PUTs refused").isEqualTo(3L * 3);
            assertThat(rig.transcodedKeys()).containsExactlyElementsOf(expected);
            assertThat(rig.mailSubjects()).hasSize(3).doesNotHaveDuplicates();
            assertThat(rig.allOutput()).doesNotContain("dead-lettering");
            rig.terminate(Duration.ofSeconds(30));
        }
    }

    /** Every expected object stored and every queue and DLQ empty, or a failure showing what was there. */
    private static void awaitComplete(PipelineRig rig, FaultProxy proxy, List<String> expected, Duration limit) {
        try {
            await().atMost(limit).pollInterval(Duration.ofMillis(500)).until(() ->
                    rig.transcodedKeys().containsAll(expected)
                            && rig.queueDepths().values().stream().allMatch(d -> d == 0));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not complete: have " + rig.transcodedKeys() + ", queues "
                    + rig.queueDepths() + ", proxy " + proxy.counts() + "\n" + rig.allOutput(), e);
        }
    }

    /** Sum of every sample of a Prometheus counter. */
    static double sum(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
        }
        return total;
    }
}
