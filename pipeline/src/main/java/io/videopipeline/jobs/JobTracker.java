package io.videopipeline.jobs;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.logging.LogText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the job records (bean {@code jobTracker}): each change is written to S3 ({@link JobRecordStore}) and, if it
 * was stored, published to the job event topic ({@link JobEventPublisher}). A change the record refuses (an older
 * attempt, a state behind the record's) is neither written nor published.
 *
 * <p>A record is the job's story, not the job: a record that cannot be written is logged and the job goes on.
 */
public final class JobTracker {

    private static final Logger LOG = LoggerFactory.getLogger(JobTracker.class);

    private final JobRecordStore store;
    private final JobEventPublisher events;
    private final Duration progressInterval;
    private final Clock clock;
    private final Consumer<JobRecord> stored;
    private final FinishCalibration calibration;
    /** what the encoders held back in the encodes finished so far, shared by its jobs */
    private final EncoderLag lag = new EncoderLag();

    public JobTracker(JobRecordStore store, JobEventPublisher events, Duration progressInterval, Clock clock) {
        this(store, events, progressInterval, clock, record -> { });
    }

    /**
     * @param events           null: records only, no event stream
     * @param progressInterval least time between two Progressing writes of one job (state changes are always written)
     * @param stored           told about every record this tracker stored (metrics)
     */
    public JobTracker(JobRecordStore store, JobEventPublisher events, Duration progressInterval, Clock clock,
                      Consumer<JobRecord> stored) {
        this(store, events, progressInterval, clock, stored, new FinishCalibration(JobSettings.DEFAULT_ETA_FINISH_FACTOR));
    }

    /** @param calibration what the work after the encode took in the jobs finished so far, shared by its jobs */
    public JobTracker(JobRecordStore store, JobEventPublisher events, Duration progressInterval, Clock clock,
                      Consumer<JobRecord> stored, FinishCalibration calibration) {
        this.calibration = calibration;
        this.stored = stored;
        this.store = store;
        this.events = events;
        this.progressInterval = progressInterval;
        this.clock = clock;
    }

    public JobRecordStore store() {
        return store;
    }

    /** A new attempt at an upload's job: Submitted (one more attempt than the record counts). */
    public TrackedJob start(JobRecord.Source source, String backend, String jobId, String pipelineId) {
        JobRecord[] mine = new JobRecord[1];
        Optional<JobRecord> stored = change(source.key(),
                current -> mine[0] = JobRecord.submitted(source, backend, jobId, pipelineId, current, now()));
        int attempt = stored.isPresent() && stored.get() == mine[0] ? mine[0].attempts() : 0;
        return new TrackedJob(this, source, backend, jobId, attempt, progressInterval, clock, calibration, lag);
    }

    /**
     * A cloud backend queued job {@code jobId} for the upload: Submitted, as a new attempt. Its service reports the rest
     * ({@link #reported}); a report that came first (the service was quicker than this write) already made the
     * record of this job, which stays as it is.
     */
    public void submitted(JobRecord.Source source, String backend, String jobId, String pipelineId) {
        change(source.key(), current -> current != null && jobId != null && jobId.equals(current.jobId())
                && current.isOf(source) ? null
                : JobRecord.submitted(source, backend, jobId, pipelineId, current, now()));
    }

    /**
     * What a cloud backend's service said about one of its jobs, on the record of the upload it names: the record of
     * that job, or a new one if the upload has none yet (the job was submitted before records were kept, or that
     * write failed). A report of another job of the same upload (an earlier attempt) changes nothing, nor does a
     * percent lower than the one recorded (reports may arrive out of order); the ETA is the elapsed time since the
     * record was started, scaled by what is left.
     *
     * @return false if the record could not be written (S3 failed): the caller may report the job another way
     */
    public boolean reported(BackendReport report) {
        JobRecord[] created = new JobRecord[1];
        JobRecord[] wanted = new JobRecord[1];
        Optional<JobRecord> stored = change(report.source().key(), current -> {
            JobRecord base = current;
            created[0] = null;
            if (base == null || (!report.jobId().equals(base.jobId()) && !base.isOf(report.source()))) {
                base = JobRecord.submitted(report.source(), report.backend(), report.jobId(), report.pipelineId(),
                        current, now());
                created[0] = base;
            } else if (!report.jobId().equals(base.jobId())) {
                return null;
            }
            return wanted[0] = switch (report.state()) {
                case SUBMITTED -> null;
                case PROGRESSING -> progressed(base, report.percent());
                case COMPLETE -> base.complete(report.outputs(), now());
                case WARNING -> base.warning(report.reason(), report.outputs(), now());
                case ERROR -> base.error(report.reason(), null, now());
            };
        }, false);
        if (events != null && stored.isPresent() && stored.get() == wanted[0]) {
            // a record this report made: its stream starts with Submitted too, as every job's does
            if (created[0] != null) {
                events.publish(created[0]);
            }
            events.publish(stored.get());
        }
        return stored.isPresent();
    }

    private JobRecord progressed(JobRecord base, Double percent) {
        if (percent == null) {
            return base.state() == JobState.PROGRESSING ? null : base.progressing(0, null, null, now());
        }
        if (base.state() == JobState.PROGRESSING && base.percent() != null && percent < base.percent()) {
            return null;
        }
        Duration elapsed = base.started() == null ? null
                : Duration.between(Instant.parse(base.started()), Instant.now(clock));
        OptionalLong eta = Eta.secondsLeft(percent, null, -1, elapsed);
        return base.progressing(percent, eta.isPresent() ? eta.getAsLong() : null, null, now());
    }

    /**
     * The upload's message was dead-lettered: Error with the reason and the queue it is parked in, on the record of
     * the key whatever ETag the letter's event claims (the letter is about this key). An upload without a record yet
     * (refused before its job began) gets one. A Complete (or Warning) record stays as it is.
     */
    public void parked(ObjectEvent event, String reason, String queue) {
        JobRecord.Source source = new JobRecord.Source(event.bucket(), event.key(), event.eTag(), event.size());
        change(event.key(), current -> (current != null ? current
                : JobRecord.submitted(source, null, null, null, null, now())).error(reason, queue, now()));
    }

    /** The upload's dead letter was moved back to its queue ({@code dlq redrive}): Submitted again. */
    public void redriven(String sourceKey) {
        change(sourceKey, current -> current == null || !current.state().terminal()
                || current.state().ready() ? null : current.redriven(now()));
    }

    /**
     * Extension point for the fan-out routes: {@code effect} ({@code mail}, {@code acl}, {@code metadata}) was done for
     * the upload {@code sourceKey}. Written without an event: the state does not change.
     */
    public void effectDone(String sourceKey, String effect) {
        change(sourceKey, current -> current == null ? null : current.withEffect(effect, now()), false);
    }

    /**
     * {@code effect} ({@code mail}, {@code acl}, {@code metadata}) was done for the output {@code outputKey} of the
     * upload {@code sourceKey} whose ETag is {@code sourceETag} (null: not checked; another ETag is another upload
     * under the key, whose record this output is not part of). Written without an event (the state does not change),
     * once: a redelivered message finds it recorded and writes nothing. A failed write is logged, never thrown.
     */
    public void effectDone(String sourceKey, String sourceETag, String effect, String outputKey) {
        effectsDone(sourceKey, sourceETag, List.of(new EffectDone(outputKey, effect, now())));
    }

    /** The same for several effects of one upload's outputs, in one write. */
    public void effectsDone(String sourceKey, String sourceETag, List<EffectDone> done) {
        change(sourceKey, current -> {
            if (current == null || sourceETag != null && !sourceETag.equals(current.source().eTag())) {
                return null;
            }
            JobRecord next = current;
            for (EffectDone effect : done) {
                next = next.withEffect(effect.effect(), effect.outputKey(), effect.at());
            }
            return next == current ? null : next;
        }, false);
    }

    /** {@code effect} was done for the output {@code outputKey} at {@code at} (ISO-8601, as {@link #now()}). */
    public record EffectDone(String outputKey, String effect, String at) {
    }

    Optional<JobRecord> change(String sourceKey, UnaryOperator<JobRecord> change) {
        return change(sourceKey, change, true);
    }

    Optional<JobRecord> change(String sourceKey, UnaryOperator<JobRecord> change, boolean publish) {
        JobRecord[] wanted = new JobRecord[1];
        Optional<JobRecord> stored;
        try {
            stored = store.update(sourceKey, current -> wanted[0] = change.apply(current));
        } catch (RuntimeException e) {
            LOG.warn("Could not write the job record of {}: {}", LogText.safe(sourceKey), LogText.safe(e.toString()));
            return Optional.empty();
        }
        if (stored.isPresent() && stored.get() == wanted[0]) {
            this.stored.accept(stored.get());
            if (publish && events != null) {
                events.publish(stored.get());
            }
        }
        return stored;
    }

    String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
