package io.videopipeline.transcode.cloud;

import io.videopipeline.media.Preset;
import io.videopipeline.media.StreamingSettings;

/** The ladder's segment length in whole seconds, as the cloud services take it. */
public final class LadderTiming {

    private LadderTiming() {
    }

    /**
     * {@code segmentGops} GOPs of the largest rung, rounded to whole seconds (2 x 90 frames at 29.97 = 6.006 s → 6),
     * at least 1.
     */
    public static int segmentSeconds(StreamingSettings streaming) {
        Preset top = streaming.rungs().get(0);
        FrameRate rate = FrameRate.parse(top.fps());
        double seconds = (double) streaming.segmentGops() * top.gop() * rate.denominator() / rate.numerator();
        return (int) Math.max(1, Math.round(seconds));
    }
}
