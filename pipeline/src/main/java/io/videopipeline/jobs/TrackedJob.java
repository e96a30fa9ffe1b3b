package io.videopipeline.jobs;

import io.videopipeline.media.ProgressListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt at a job, as its record sees it: Progressing once the input is probed, then ffmpeg's progress at
 * most every {@code progressInterval}, then Complete (or Warning: complete, with something the user should know).
 * Progress arrives on the thread reading ffmpeg's output.
 *
 * <p>The ETA ({@link Eta}) takes the encode's speed over its recent past ({@link RecentSpeed}), and counts the work
 * after the encode too: its shape from this job's own download and probe ({@link #fetched}), its scale from what
 * that work really took in the jobs finished before, measured against this shape ({@link FinishCalibration}); this
 * job's own finish is then measured for the next. Likewise the media time the encoders hold back and release at
 * the end ({@link EncoderLag}), measured from where each encode stood at half way.
 */
public final class TrackedJob implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(TrackedJob.class);

    private final JobTracker tracker;
    private final JobRecord.Source source;
    private final String backend;
    private final String jobId;
    private final int attempt;
    private final Duration interval;
    private final Clock clock;
    private final FinishCalibration calibration;
    private final EncoderLag lag;
    private final RecentSpeed speed = new RecentSpeed();
    private volatile Duration mediaDuration;
    private volatile Instant encodeStarted;
    private volatile Eta.Finish finish = Eta.Finish.NONE;
    private volatile Instant encodeEnded;
    private volatile long encodedBytes = -1;
    /** {wall seconds since the encode began, media seconds left, recent speed} when it passed half way */
    private volatile double[] halfWay;
    private Instant lastWrite;
    /** outputs stored since this job's last write, for the next (guarded by this) */
    private final List<JobRecord.Output> unlisted = new ArrayList<>();

    /** @param attempt the attempt this is ({@link JobRecord#attempts()} of its Submitted record); 0 if it has none */
    TrackedJob(JobTracker tracker, JobRecord.Source source, String backend, String jobId, int attempt,
               Duration interval, Clock clock, FinishCalibration calibration, EncoderLag lag) {
        this.calibration = calibration;
        this.lag = lag;
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

    /**
     * The input was downloaded and probed: what a byte costs to move from S3 and a media tool to start, here and now,
     * which the work after the encode repeats — the uploads of every output byte, a probe per rendition and the
     * packager's start.
     *
     * @param bytes      the input's size (negative if unknown)
     * @param renditions the renditions the job writes
     */
    public void fetched(long bytes, Duration download, Duration probe, int renditions) {
        double perByte = bytes > 0 && download != null ? download.toNanos() / 1e9 / bytes : 0;
        double fixed = probe == null ? 0 : probe.toNanos() / 1e9 * (renditions + 1);
        finish = new Eta.Finish(perByte, fixed);
    }

    /** The input passed the probe and the encode begins: Progressing at 0 %, the first Progressing write. */
    public void probed(Duration duration) {
        mediaDuration = duration;
        encodeStarted = clock.instant();
        synchronized (this) {
            lastWrite = encodeStarted;
        }
        write(0, null, null);
    }

    @Override
    public void onProgress(Progress progress) {
        if (progress.outputBytes() > 0) {
            encodedBytes = progress.outputBytes();
        }
        if ((progress.done() || progress.percent() >= 100) && encodeEnded == null) {
            // the media is encoded: what follows (ffmpeg's own flush and faststart rewrite included) is the work
            // after the encode that the ETA estimates apart, and learns from
            encodeEnded = clock.instant();
            learnLag(encodeEnded);
        }
        if (progress.done() || progress.percent() <= 0 || progress.percent() >= 100) {
            return; // 100 % is Complete's to say, once the renditions are stored
        }
        Instant now = clock.instant();
        double recent = encodeStarted == null || progress.encoded() == null ? -1
                : speed.add(Duration.between(encodeStarted, now), progress.encoded());
        if (halfWay == null && recent > 0 && progress.percent() >= 50 && mediaDuration != null) {
            halfWay = new double[] {Duration.between(encodeStarted, now).toNanos() / 1e9,
                    (mediaDuration.toNanos() - progress.encoded().toNanos()) / 1e9, recent};
        }
        synchronized (this) {
            if (lastWrite != null && Duration.between(lastWrite, now).compareTo(interval) < 0) {
                return;
            }
            lastWrite = now;
        }
        Duration elapsed = encodeStarted == null ? null : Duration.between(encodeStarted, now);
        OptionalLong eta = Eta.secondsLeft(progress.percent(), mediaDuration,
                recent > 0 ? recent : progress.speed(), elapsed,
                progress.outputBytes(), finish.times(calibration.factor(finish)), lag.mediaSeconds());
        write(Math.round(progress.percent() * 10) / 10.0, eta.isPresent() ? eta.getAsLong() : null,
                progress.speed() >= 0 ? progress.speed() : null);
    }

    /**
     * An output was stored: listed in this attempt's record before Complete when the job's last write is at least
     * {@code progressInterval} old, else with the next such write or with Complete, which lists every output. A job's
     * renditions are stored one right after the other, so they are one write, not one each. Without an event (the
     * state does not change); Complete's event lists every output.
     */
    public void outputWritten(JobRecord.Output output) {
        List<JobRecord.Output> listing;
        synchronized (this) {
            unlisted.add(output);
            Instant now = clock.instant();
            if (lastWrite != null && Duration.between(lastWrite, now).compareTo(interval) < 0) {
                return;
            }
            lastWrite = now;
            listing = List.copyOf(unlisted);
            unlisted.clear();
        }
        tracker.change(source.key(), current -> {
            if (current == null || current.attempts() != attempt || !current.isOf(source)) {
                return null;
            }
            JobRecord next = current;
            for (JobRecord.Output stored : listing) {
                next = next.withOutput(stored, tracker.now());
            }
            return next;
        }, false);
    }

    /**
     * Complete, whichever attempt the record is at: the renditions of this upload are stored. A record whose earlier
     * writes failed (S3 was unreachable for a moment) is made whole here.
     */
    public void complete(List<JobRecord.Output> outputs) {
        finished(outputs, null);
    }

    /**
     * Warning: the renditions of this upload are stored, as for {@link #complete}, and {@code why} is what the user
     * should know about them (Elastic Transcoder's "completed with warnings"). The fan-out runs as for Complete.
     */
    public void warning(List<JobRecord.Output> outputs, String why) {
        finished(outputs, why);
    }

    private void finished(List<JobRecord.Output> outputs, String warning) {
        learnFinish();
        tracker.change(source.key(), current -> {
            JobRecord base = current != null ? current
                    : JobRecord.submitted(source, backend, jobId, null, null, tracker.now());
            if (!base.isOf(source)) {
                return null;
            }
            return warning == null ? base.complete(outputs, tracker.now())
                    : base.warning(warning, outputs, tracker.now());
        });
    }

    /** How much sooner than its speed at half way said this encode ended: the next jobs learn it. */
    private void learnLag(Instant ended) {
        double[] half = halfWay;
        if (half == null || encodeStarted == null) {
            return;
        }
        double wall = Duration.between(encodeStarted, ended).toNanos() / 1e9 - half[0];
        LOG.info("Job {}: the encode's second half took {} s, its speed at half way said {} s", jobId,
                String.format("%.2f", wall), String.format("%.2f", half[1] / half[2]));
        lag.learn(half[1], half[2], wall);
    }

    /** How long the work after the encode took, with how many bytes: the next jobs learn it. */
    private void learnFinish() {
        Instant ended = encodeEnded;
        if (ended == null) {
            return;
        }
        double actual = Duration.between(ended, clock.instant()).toNanos() / 1e9;
        Eta.Finish shape = finish;
        double estimated = shape.seconds(100, encodedBytes);
        double factor = calibration.factor(shape);
        LOG.info("Job {}: the work after the encode took {} s, estimated {} s at the encode's end ({} s a GB, {} s"
                        + " fixed, {} MB encoded) times {} = {} s", jobId, String.format("%.2f", actual),
                String.format("%.2f", estimated), String.format("%.1f", shape.secondsPerByte() * 1e9),
                String.format("%.2f", shape.fixedSeconds()), String.format("%.1f", encodedBytes / 1e6),
                String.format("%.2f", factor), String.format("%.2f", estimated * factor));
        calibration.learn(shape, encodedBytes, actual);
    }

    /** Only into this attempt's record: a later attempt (a competing consumer) owns the progress now. */
    private void write(double percent, Long eta, Double speed) {
        tracker.change(source.key(), current -> current == null || current.attempts() != attempt
                || !current.isOf(source) ? null : current.progressing(percent, eta, speed, tracker.now()));
    }
}
