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

    /**
     * What {@link FfmpegCommand#scaleFilter} makes of a source, in ffmpeg's own integer steps (libavfilter
     * {@code ff_scale_adjust_dimensions}: each side scaled from the other and rounded to the nearest, the smaller
     * kept, then rounded down to even), so the rung's name and RESOLUTION are the size the encode really has:
     * 1080x1920 gives 608x1080, where exact arithmetic truncated would say 606x1080.
     */
    static int[] fit(int sourceWidth, int sourceHeight, int maxWidth, int maxHeight) {
        long w = Math.min(sourceWidth, maxWidth);
        long h = Math.min(sourceHeight, maxHeight);
        long scaledWidth = rescale(h, sourceWidth, sourceHeight);
        long scaledHeight = rescale(w, sourceHeight, sourceWidth);
        w = Math.min(scaledWidth, w) / 2 * 2;
        h = Math.min(scaledHeight, h) / 2 * 2;
        return new int[]{(int) Math.max(2, w), (int) Math.max(2, h)};
    }

    /** {@code a * b / c} rounded to the nearest, halves up (av_rescale for positive numbers). */
    private static long rescale(long a, long b, long c) {
        return (a * b + c / 2) / c;
    }
}
