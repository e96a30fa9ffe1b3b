package io.videopipeline.jobs;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The time left of a job from how far its encode got: the encode's time left plus the work after it.
 *
 * <p><b>Encode</b>: the media time still to encode over the speed so far, less what the encoders hold back and
 * release at the end without costing time ({@link EncoderLag}). ffmpeg's {@code speed} is media time encoded over
 * wall time since it began, so this is the same as the wall time so far scaled by what is left; when ffmpeg gives no
 * speed yet, the elapsed wall time stands in for it.
 *
 * <p><b>After the encode</b> ({@link Finish}) the job still packages the HLS rungs, uploads every file (MP4s and
 * package), probes each rendition for the record and writes the record: on a 10 s clip that is a third of the time
 * left at 50 %, on a minute's clip a tenth. Percent of media does not count it, so it is estimated apart, from
 * what is known at that moment: the bytes the outputs will weigh (bytes encoded so far over the fraction done),
 * what a byte cost to move from S3 and a tool cost to start in this very job (its download and its probe), which
 * give the estimate its shape, and what the work after the encode really took in the jobs this process finished
 * before, which gives its scale ({@link FinishCalibration}).
 */
public final class Eta {

    private Eta() {
    }

    /**
     * What the work after the encode costs.
     *
     * @param secondsPerByte each byte the outputs will weigh: its upload, and its part in packaging
     * @param fixedSeconds   whatever does not grow with the bytes: process starts (packager, a probe per rendition),
     *                       record writes
     */
    public record Finish(double secondsPerByte, double fixedSeconds) {
        public static final Finish NONE = new Finish(0, 0);

        /**
         * @param bytesSoFar video bytes encoded at {@code percent}, or negative if unknown (then only the fixed part)
         * @return the seconds the work after the encode will take
         */
        public double seconds(double percent, long bytesSoFar) {
            double bytes = bytesSoFar > 0 && percent > 0 ? bytesSoFar * 100.0 / Math.min(percent, 100) : 0;
            return fixedSeconds + bytes * secondsPerByte;
        }

        /** This estimate scaled by {@code factor} (how far such estimates were off so far). */
        public Finish times(double factor) {
            return new Finish(secondsPerByte * factor, fixedSeconds * factor);
        }
    }

    /**
     * The encode's time left only (no work after it).
     *
     * @see #secondsLeft(double, Duration, double, Duration, long, Finish)
     */
    public static OptionalLong secondsLeft(double percent, Duration mediaDuration, double speed, Duration elapsed) {
        return secondsLeft(percent, mediaDuration, speed, elapsed, -1, Finish.NONE);
    }

    /** @see #secondsLeft(double, Duration, double, Duration, long, Finish, double) with nothing held back */
    public static OptionalLong secondsLeft(double percent, Duration mediaDuration, double speed, Duration elapsed,
                                           long bytesSoFar, Finish finish) {
        return secondsLeft(percent, mediaDuration, speed, elapsed, bytesSoFar, finish, 0);
    }

    /**
     * @param percent    0..100 of the source encoded; unknown (negative) gives no estimate
     * @param speed      media seconds per wall second so far, or negative if unknown
     * @param elapsed    wall time since the encode began
     * @param bytesSoFar video bytes encoded so far, or negative if unknown
     * @param finish     the work after the encode (null: none)
     * @param heldBack   media seconds the encoders' end takes no time for ({@link EncoderLag}), taken off the media
     *                   left before it is divided by the speed
     * @return whole seconds left, rounded to the nearest, or empty before there is anything to go on; at 100 % the
     *         encode is done and what is left is the work after it
     */
    public static OptionalLong secondsLeft(double percent, Duration mediaDuration, double speed, Duration elapsed,
                                           long bytesSoFar, Finish finish, double heldBack) {
        if (percent <= 0) {
            return OptionalLong.empty();
        }
        double after = finish == null ? 0 : finish.seconds(percent, bytesSoFar);
        if (percent >= 100) {
            return OptionalLong.of(Math.round(after));
        }
        double leftFraction = (100 - percent) / 100;
        double encode;
        if (speed > 0 && mediaDuration != null && !mediaDuration.isZero()) {
            double mediaLeft = leftFraction * mediaDuration.toMillis() / 1000.0;
            encode = Math.max(0, mediaLeft - Math.max(0, heldBack)) / speed;
        } else if (elapsed != null && !elapsed.isZero()) {
            encode = elapsed.toMillis() / 1000.0 * (100 - percent) / percent;
        } else {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.round(encode + after));
    }
}
