package io.videopipeline.jobs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The encode's speed over its recent past rather than since it began: ffmpeg's own {@code speed} averages over the
 * whole run, start-up included (opening the outputs, filling the encoders' look-ahead: seconds in which no media
 * time comes out), and over whatever load the machine had minutes ago. On a shared machine the recent rate predicts
 * the rest better; on a short clip the start-up alone would make the average too slow. The window is the later
 * half of the time so far (at least {@value #MIN_WINDOW_SECONDS} s), so half the evidence is kept.
 * Thread-safe.
 */
final class RecentSpeed {

    static final long MIN_WINDOW_SECONDS = 2;

    /** {wall seconds, media seconds encoded} */
    private final Deque<double[]> samples = new ArrayDeque<>();

    /**
     * @param elapsed wall time since the encode began
     * @param encoded media time encoded by then
     * @return media seconds per wall second over the window, or -1 before it holds two samples far enough apart
     */
    synchronized double add(Duration elapsed, Duration encoded) {
        double now = elapsed.toNanos() / 1e9;
        double media = encoded.toNanos() / 1e9;
        samples.addLast(new double[] {now, media});
        double from = now - Math.max(MIN_WINDOW_SECONDS, now / 2);
        // keep the last sample at or before the window's start: the rate then spans the whole window
        while (samples.size() > 2) {
            java.util.Iterator<double[]> it = samples.iterator();
            it.next();
            if (it.next()[0] > from) {
                break;
            }
            samples.removeFirst();
        }
        double[] oldest = samples.peekFirst();
        double span = now - oldest[0];
        if (span < MIN_WINDOW_SECONDS / 2.0 || media <= oldest[1]) {
            return -1;
        }
        return (media - oldest[1]) / span;
    }
}
