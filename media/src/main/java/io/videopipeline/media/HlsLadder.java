package io.videopipeline.media;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which HLS rungs a source gets: every rung is shrunk to fit as the MP4 presets are, never upscaled; rungs that
 * would come out at the same size collapse into one, so a source smaller than a rung's box gets one rung at its
 * own size and nothing above it. Of rungs with the same size, one that an MP4 preset already encodes (same box
 * and rate) is kept, else the one with the smallest box.
 */
final class HlsLadder {

    /**
     * @param preset       the rung's encode settings (the MP4 preset's when reused)
     * @param reusedOutput the index of the MP4 output whose encode this rung packages again, or -1 if encoded for
     *                     the ladder only
     */
    record Rung(Preset preset, int width, int height, int reusedOutput) {
        String name() {
            return width + "x" + height;
        }
    }

    private HlsLadder() {
    }

    static List<Rung> plan(List<Preset> rungs, List<Preset> mp4, int sourceWidth, int sourceHeight) {
        List<Preset> byBox = new ArrayList<>(rungs);
        byBox.sort(Comparator.comparingLong((Preset p) -> (long) p.maxWidth() * p.maxHeight()).reversed());
        Map<String, Rung> bySize = new LinkedHashMap<>();
        for (Preset rung : byBox) {
            int[] size = fit(sourceWidth, sourceHeight, rung.maxWidth(), rung.maxHeight());
            int reused = reusable(rung, mp4);
            Rung candidate = new Rung(reused >= 0 ? mp4.get(reused) : rung, size[0], size[1], reused);
            Rung kept = bySize.get(candidate.name());
            if (kept == null || kept.reusedOutput() < 0) {
                bySize.put(candidate.name(), candidate);
            }
        }
        return List.copyOf(bySize.values());
    }

    private static int reusable(Preset rung, List<Preset> mp4) {
        for (int i = 0; i < mp4.size(); i++) {
            Preset p = mp4.get(i);
            if (p.maxWidth() == rung.maxWidth() && p.maxHeight() == rung.maxHeight()
                    && FfmpegCommand.frameRate(p.fps()).equals(FfmpegCommand.frameRate(rung.fps()))) {
                return i;
            }
        }
        return -1;
    }

    /** What {@link FfmpegCommand#scaleFilter} makes of a source: fit inside the box, keep the shape, even sizes. */
    static int[] fit(int sourceWidth, int sourceHeight, int maxWidth, int maxHeight) {
        double w = Math.min(sourceWidth, maxWidth);
        double h = Math.min(sourceHeight, maxHeight);
        double aspect = (double) sourceWidth / sourceHeight;
        if (w / h > aspect) {
            w = h * aspect;
        } else {
            h = w / aspect;
        }
        return new int[]{Math.max(2, (int) w / 2 * 2), Math.max(2, (int) h / 2 * 2)};
    }
}
