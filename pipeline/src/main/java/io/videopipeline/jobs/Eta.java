package io.videopipeline.jobs;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * The time left of an encode from how far it got: the media time still to encode over the speed so far.
 * ffmpeg's {@code speed} is media time encoded over wall time since it began, so this is the same as the wall
 * time so far scaled by what is left; when ffmpeg gives no speed yet, the elapsed wall time stands in for it.
 */
public final class Eta {

    private Eta() {
    }

    /**
     * @param percent 0..100 of the source encoded; unknown (negative) gives no estimate
     * @param speed   media seconds per wall second so far, or negative if unknown
     * @param elapsed wall time since the encode began
     * @return whole seconds left, rounded up, or empty before there is anything to go on
     */
    public static OptionalLong secondsLeft(double percent, Duration mediaDuration, double speed, Duration elapsed) {
        if (percent <= 0 || percent >= 100) {
            return percent >= 100 ? OptionalLong.of(0) : OptionalLong.empty();
        }
        double leftFraction = (100 - percent) / 100;
        double seconds;
        if (speed > 0 && mediaDuration != null && !mediaDuration.isZero()) {
            seconds = leftFraction * mediaDuration.toMillis() / 1000.0 / speed;
        } else if (elapsed != null && !elapsed.isZero()) {
            seconds = elapsed.toMillis() / 1000.0 * (100 - percent) / percent;
        } else {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) Math.ceil(seconds));
    }
}
