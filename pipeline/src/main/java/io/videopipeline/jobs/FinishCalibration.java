package io.videopipeline.jobs;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the work after the encode really took in the jobs this process finished, turned into the factor that scales a
 * new job's estimate of it ({@link Eta.Finish}). Thread-safe: the jobs of every consumer share one.
 *
 * <p>A job's own download and probe give the estimate its <em>shape</em> (how much is fixed, how much grows with the
 * bytes), but not its scale: they are a fraction of the real cost, and a fraction that changes from job to job — the
 * first job of a JVM downloads and probes two to five times slower than the next ones (class loading, cold
 * connections) while its work after the encode takes as long as theirs. A factor learned as the ratio of the time
 * taken to the estimate of <em>that</em> job carries that job's cold or warm shape over to the next. So the measured
 * times are kept (seconds, bytes encoded) and the factor is worked out for the job asking, against its own shape:
 * the ratio of what each finished job took to what this shape says it would have taken. A job like the one before
 * thus gets what that one really took, whatever either's probe cost; a job with more bytes gets it scaled by the
 * shape.
 *
 * <p>The ratios are averaged from the oldest kept to the newest: the first one replaces the initial guess, the
 * second weighs a half, every later one a third (so a change of load shows within a few jobs).
 */
public final class FinishCalibration {

    private static final double WEIGHT = 1.0 / 3;
    /** At a third each, the eighth-newest job weighs under 2 %: older ones are dropped. */
    private static final int KEPT = 8;
    /** A ratio outside this is a job that stalled or a clock that jumped, not the machine's cost: not learned. */
    private static final double MIN_RATIO = 0.1;
    private static final double MAX_RATIO = 10;

    private final double initial;
    /** {seconds taken, video bytes encoded (negative if unknown)}, oldest first */
    private final Deque<double[]> finished = new ArrayDeque<>();

    /** @param initial the factor before any job finished ({@code pipeline.jobs.eta-finish-factor}) */
    public FinishCalibration(double initial) {
        if (!(initial > 0)) {
            throw new IllegalArgumentException("the initial factor must be positive: " + initial);
        }
        this.initial = initial;
    }

    /**
     * @param shape the uncorrected estimate of the job asking (its own download and probe)
     * @return the factor for {@code shape}: the initial one until a job finished, then the weighted ratio of what the
     *         finished jobs took to what {@code shape} says they would have
     */
    public synchronized double factor(Eta.Finish shape) {
        double factor = initial;
        int n = 0;
        for (double[] job : finished) {
            double ratio = ratio(shape, job[0], (long) job[1]);
            if (Double.isNaN(ratio)) {
                continue;
            }
            n++;
            double weight = Math.max(1.0 / n, WEIGHT);
            factor = factor * (1 - weight) + ratio * weight;
        }
        return factor;
    }

    /**
     * A job's work after the encode took {@code actualSeconds} with {@code bytes} video bytes encoded; {@code shape},
     * its own uncorrected estimate, only decides whether it stalled (then it is not kept).
     */
    public synchronized void learn(Eta.Finish shape, long bytes, double actualSeconds) {
        if (Double.isNaN(ratio(shape, actualSeconds, bytes))) {
            return;
        }
        finished.addLast(new double[] {actualSeconds, bytes});
        if (finished.size() > KEPT) {
            finished.removeFirst();
        }
    }

    /** What a job took over what {@code shape} says it would have, or NaN if that says nothing (or it stalled). */
    private static double ratio(Eta.Finish shape, double actualSeconds, long bytes) {
        double estimated = shape == null ? 0 : shape.seconds(100, bytes);
        if (!(estimated > 0) || !(actualSeconds > 0)) {
            return Double.NaN;
        }
        double ratio = actualSeconds / estimated;
        return ratio >= MIN_RATIO && ratio <= MAX_RATIO ? ratio : Double.NaN;
    }
}
