package io.videopipeline.jobs;

import io.videopipeline.media.ProgressListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * One attempt at a job, as its record sees it: Progressing once the input is probed, then ffmpeg's progress at
 * most every {@code progressInterval}, then Complete. Progress arrives on the thread reading ffmpeg's output.
 */
public final class TrackedJob implements ProgressListener {

    private final JobTracker tracker;
    private final JobRecord.Source source;
    private final String backend;
    private final String jobId;
    private final int attempt;
    private final Duration interval;
    private final Clock clock;
    private volatile Duration mediaDuration;
    private volatile Instant encodeStarted;
    private Instant lastWrite;

    /** @param attempt the attempt this is ({@link JobRecord#attempts()} of its Submitted record); 0 if it has none */
    TrackedJob(JobTracker tracker, JobRecord.Source source, String backend, String jobId, int attempt,
               Duration interval, Clock clock) {
        this.tracker = tracker;
        this.source = source;
        this.backend = backend;
        this.jobId = jobId;
        this.attempt = attempt;
        this.interval = interval;
        this.clock = clock;
    }

    public int attempt() {
        return attempt;
    }

    /** The input passed the probe and the encode begins: Progressing at 0 %. */
    public void probed(Duration duration) {
        mediaDuration = duration;
        encodeStarted = clock.instant();
        write(0, null, null);
    }

    @Override
    public void onProgress(Progress progress) {
        if (progress.done() || progress.percent() <= 0 || progress.percent() >= 100) {
            return; // 100 % is Complete's to say, once the renditions are stored
        }
        Instant now = clock.instant();
        synchronized (this) {
            if (lastWrite != null && Duration.between(lastWrite, now).compareTo(interval) < 0) {
                return;
            }
            lastWrite = now;
        }
        Duration elapsed = encodeStarted == null ? null : Duration.between(encodeStarted, now);
        OptionalLong eta = Eta.secondsLeft(progress.percent(), mediaDuration, progress.speed(), elapsed);
        write(Math.round(progress.percent() * 10) / 10.0, eta.isPresent() ? eta.getAsLong() : null,
                progress.speed() >= 0 ? progress.speed() : null);
    }

    /**
     * An output was stored: listed in this attempt's record at once, not only at Complete. Without an event (the
     * state does not change); Complete's event lists every output.
     */
    public void outputWritten(JobRecord.Output output) {
        tracker.change(source.key(), current -> current == null || current.attempts() != attempt
                || !current.isOf(source) ? null : current.withOutput(output, tracker.now()), false);
    }

    /**
     * Complete, whichever attempt the record is at: the renditions of this upload are stored. A record whose earlier
     * writes failed (S3 was unreachable for a moment) is made whole here.
     */
    public void complete(List<JobRecord.Output> outputs) {
        tracker.change(source.key(), current -> {
            if (current == null) {
                return JobRecord.submitted(source, backend, jobId, null, null, tracker.now())
                        .complete(outputs, tracker.now());
            }
            return current.isOf(source) ? current.complete(outputs, tracker.now()) : null;
        });
    }

    /** Only into this attempt's record: a later attempt (a competing consumer) owns the progress now. */
    private void write(double percent, Long eta, Double speed) {
        tracker.change(source.key(), current -> current == null || current.attempts() != attempt
                || !current.isOf(source) ? null : current.progressing(percent, eta, speed, tracker.now()));
    }
}
