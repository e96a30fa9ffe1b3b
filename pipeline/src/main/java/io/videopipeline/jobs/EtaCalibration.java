package io.videopipeline.jobs;

/**
 * How far one part of this process's ETAs was off: the ratio of the time a part took to the time estimated for it,
 * averaged over the jobs finished so far (each new job weighs a third, so a change of load shows within a few jobs).
 * Two are kept: one for the work after the encode ({@link Eta.Finish}, estimated when the encode ended: it corrects
 * what the job's own measurements cannot know, such as how much slower an upload is than a download), one for the
 * encode's second half (estimated at half-way: on a short clip the second half runs faster than the first, whose
 * frames also feed the poster's analysis, and the speed so far cannot know that).
 * Thread-safe: the jobs of every consumer share one.
 */
public final class EtaCalibration {

    private static final double WEIGHT = 1.0 / 3;
    /** A ratio outside this is a job that stalled or a clock that jumped, not the machine's cost: not learned. */
    private static final double MIN_RATIO = 0.1;
    private static final double MAX_RATIO = 10;

    private double factor;

    /** @param initial the factor before any job finished (for the work after the encode: {@code pipeline.jobs.eta-finish-factor}) */
    public EtaCalibration(double initial) {
        if (!(initial > 0)) {
            throw new IllegalArgumentException("the initial factor must be positive: " + initial);
        }
        this.factor = initial;
    }

    public synchronized double factor() {
        return factor;
    }

    /**
     * A job's work after the encode took {@code actualSeconds} where the uncorrected estimate at the encode's end was
     * {@code estimatedSeconds}.
     */
    public synchronized void learn(double estimatedSeconds, double actualSeconds) {
        if (!(estimatedSeconds > 0) || !(actualSeconds > 0)) {
            return;
        }
        double ratio = actualSeconds / estimatedSeconds;
        if (ratio >= MIN_RATIO && ratio <= MAX_RATIO) {
            factor = factor * (1 - WEIGHT) + ratio * WEIGHT;
        }
    }
}
