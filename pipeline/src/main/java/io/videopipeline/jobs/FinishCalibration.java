package io.videopipeline.jobs;

/**
 * How far this process's estimates of the work after the encode ({@link Eta.Finish}) were off: the ratio of the
 * time it took to the time estimated when the encode ended, averaged over the jobs finished so far (each new job
 * weighs a third, so a change of load shows within a few jobs). The estimate's shape comes from measurements of the
 * job itself; this corrects what they cannot know, such as how much slower an upload is than a download.
 * Thread-safe: the jobs of every consumer share one.
 */
public final class FinishCalibration {

    private static final double WEIGHT = 1.0 / 3;
    /** A ratio outside this is a job that stalled or a clock that jumped, not the machine's cost: not learned. */
    private static final double MIN_RATIO = 0.1;
    private static final double MAX_RATIO = 10;

    private double factor;

    /** @param initial the factor before any job finished ({@code pipeline.jobs.eta-finish-factor}) */
    public FinishCalibration(double initial) {
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
