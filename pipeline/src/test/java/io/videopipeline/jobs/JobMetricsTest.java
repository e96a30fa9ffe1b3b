package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobMetricsTest {

    @Test
    void jobsByStateAndUploadToReadyTime() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JobMetrics metrics = new JobMetrics();
        metrics.register(registry);
        JobRecord.Source a = new JobRecord.Source("up", "a.mov", "e", 1L, "2026-01-01T00:00:00Z");
        JobRecord.Source b = new JobRecord.Source("up", "b.mov", "e", 1L, null);
        JobRecord aSubmitted = JobRecord.submitted(a, "ffmpeg", "ffmpeg-a", null, null, "2026-01-01T00:00:01Z");
        JobRecord bSubmitted = JobRecord.submitted(b, "ffmpeg", "ffmpeg-b", null, null, "2026-01-01T00:00:01Z");

        metrics.accept(aSubmitted);
        metrics.accept(bSubmitted);
        metrics.accept(aSubmitted.progressing(50, 5L, 1.0, "2026-01-01T00:00:05Z"));
        assertThat(gauge(registry, "Submitted")).isEqualTo(1);
        assertThat(gauge(registry, "Progressing")).isEqualTo(1);

        metrics.accept(aSubmitted.complete(List.of(), "2026-01-01T00:00:42Z"));
        metrics.accept(bSubmitted.error("broken", "dlq", "2026-01-01T00:00:02Z"));
        assertThat(gauge(registry, "Submitted")).isZero();
        assertThat(gauge(registry, "Progressing")).isZero();
        assertThat(gauge(registry, "Complete")).isEqualTo(1);
        assertThat(gauge(registry, "Error")).isEqualTo(1);
        var ready = registry.get("pipeline.job.ready.seconds").summary();
        assertThat(ready.count()).isEqualTo(1);
        assertThat(ready.totalAmount()).isEqualTo(42.0);
    }

    private static double gauge(SimpleMeterRegistry registry, String state) {
        return registry.get("pipeline.jobs").tag("state", state).gauge().value();
    }
}
