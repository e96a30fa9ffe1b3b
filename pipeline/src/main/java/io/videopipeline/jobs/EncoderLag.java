package io.videopipeline.jobs;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * The media time an encode's end comes sooner than its speed says, learned from the jobs this process finished.
 * Thread-safe: the jobs of every consumer share one.
 *
 * <p>ffmpeg reports the media time that has left the encoders, and x264 holds frames back (look-ahead, frame
 * threads): when the last input frame is read, those frames are decoded, scaled and analysed already, and come out
 * faster than the rate seen until then. Measured with three x264 {@code fast} outputs of a 10 s 1080p clip: the
 * encode's last 1.5 s of media came out in 1.4 s of wall time against 0.70 media seconds a second before, so an ETA
 * at 50 % from that rate ran 1–3 s (20–30 %) long; on a 60 s clip the same held-back frames are a few percent. The
 * frames held back are a property of the encoder settings, not of the clip's length or the machine's speed, so they
 * are kept in media seconds: each finished encode says, from where it stood at half way (media left, recent speed)
 * and when it really ended, how much media time its end took no time for. The median of the last {@value #KEPT}
 * encodes is subtracted from the media left ({@link Eta}); before any encode ended, nothing is.
 */
public final class EncoderLag {

    static final int KEPT = 8;

    /** media seconds, oldest first */
    private final Deque<Double> learned = new ArrayDeque<>();

    /** The media seconds to take off the media left; 0 until an encode has ended. */
    public synchronized double mediaSeconds() {
        if (learned.isEmpty()) {
            return 0;
        }
        double[] sorted = learned.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * An encode that had {@code mediaLeft} seconds left at {@code speed} media seconds a second ended
     * {@code wallSeconds} later.
     */
    public synchronized void learn(double mediaLeft, double speed, double wallSeconds) {
        if (!(mediaLeft > 0) || !(speed > 0) || !(wallSeconds > 0)) {
            return;
        }
        // an encode that slowed down (load came) took longer than its speed said: nothing held back, not a negative
        double lag = Math.max(0, Math.min(mediaLeft, mediaLeft - wallSeconds * speed));
        learned.addLast(lag);
        if (learned.size() > KEPT) {
            learned.removeFirst();
        }
    }

    @Override
    public synchronized String toString() {
        return "EncoderLag" + Arrays.toString(learned.toArray());
    }
}
