package io.videopipeline.jobs;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The job records this process wrote, as meters: {@code pipeline_jobs{state}} counts the jobs in each state — for
 * Submitted and Progressing those running now, for Complete, Warning and Error those that ended since the process
 * started (a gauge of every record would mean listing the bucket) — and {@code pipeline_job_ready_seconds} is the
 * histogram of upload (the object's Last-Modified) to Complete.
 */
public final class JobMetrics implements Consumer<JobRecord> {

    private final Map<String, JobState> running = new ConcurrentHashMap<>();
    private final Map<JobState, AtomicLong> ended = new EnumMap<>(JobState.class);
    private volatile DistributionSummary ready;

    public JobMetrics() {
        for (JobState state : JobState.values()) {
            ended.put(state, new AtomicLong());
        }
    }

    /** A record as stored. */
    @Override
    public void accept(JobRecord record) {
        String job = record.source().bucket() + "/" + record.source().key();
        if (!record.state().terminal()) {
            running.put(job, record.state());
            return;
        }
        running.remove(job);
        ended.get(record.state()).incrementAndGet();
        DistributionSummary histogram = ready;
        if (record.state().ready() && histogram != null && record.source().uploaded() != null
                && record.finished() != null) {
            Duration took = Duration.between(Instant.parse(record.source().uploaded()), Instant.parse(record.finished()));
            histogram.record(Math.max(0, took.toMillis()) / 1000.0);
        }
    }

    /** Jobs in {@code state} as {@code pipeline_jobs} counts them. */
    public long count(JobState state) {
        return state.terminal() ? ended.get(state).get()
                : running.values().stream().filter(state::equals).count();
    }

    public void register(MeterRegistry registry) {
        for (JobState state : JobState.values()) {
            Gauge.builder("pipeline.jobs", () -> count(state))
                    .description("jobs by state: Submitted and Progressing now, Complete, Warning and Error since start")
                    .tag("state", state.status()).register(registry);
        }
        ready = DistributionSummary.builder("pipeline.job.ready.seconds").baseUnit("seconds")
                .description("upload (Last-Modified) to Complete or Warning, seconds")
                .publishPercentileHistogram().register(registry);
    }
}
