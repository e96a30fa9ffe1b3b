package io.videopipeline.media;

import java.time.Duration;
import java.util.Objects;

/**
 * How a long source is split for split-and-stitch encoding: chunk {@code k} covers the frames
 * {@code [k x chunkFrames, (k+1) x chunkFrames)} of the plan's rate (the last chunk runs to the end), counted on the
 * same grid the unchunked encode's {@code fps} filter puts frames on. A rendition of another rate gets, in each
 * chunk, exactly the frames of its own grid whose times fall in the chunk ({@link #firstFrame}), so every frame of
 * the unchunked encode is in exactly one chunk and the joins are exact whatever the rates.
 *
 * <p>{@code chunkFrames} is a multiple of {@code alignFrames}: the first preset's GOP (the unchunked encode's keyframe
 * cadence stays the same, chunk starts being keyframes anyway) or, with streaming, the HLS segment length (every
 * chunk start is a segment boundary, so segments never straddle a join).
 *
 * @param rate        the frame rate the plan counts in, as ET writes it ({@code 29.97}) or a rational
 * @param chunkFrames frames of {@code rate} per chunk
 * @param count       number of chunks, at least 1
 */
public record ChunkPlan(String rate, long chunkFrames, int count) {

    public ChunkPlan {
        Objects.requireNonNull(rate, "rate");
        if (chunkFrames <= 0 || count <= 0) {
            throw new IllegalArgumentException("a chunk plan needs positive chunk frames and count, got "
                    + chunkFrames + " and " + count);
        }
    }

    /**
     * @param duration     the source's probed duration
     * @param chunkSeconds about how long a chunk is (rounded to a whole number of {@code alignFrames}, at least one)
     */
    public static ChunkPlan of(Duration duration, String rate, int alignFrames, double chunkSeconds) {
        if (alignFrames <= 0 || chunkSeconds <= 0) {
            throw new IllegalArgumentException("align frames and chunk seconds must be positive");
        }
        long[] r = rational(rate);
        long units = Math.max(1, Math.round(chunkSeconds * r[0] / r[1] / alignFrames));
        long chunkFrames = units * alignFrames;
        // frames of the grid inside the duration; a remainder under a frame makes no chunk of its own
        long total = Math.max(1, (long) Math.ceil(duration.toNanos() / 1e9 * r[0] / r[1] - 1e-6));
        long count = (total + chunkFrames - 1) / chunkFrames;
        if (count > 10_000) {
            throw new IllegalArgumentException("a chunk plan of " + count + " chunks is too many: raise the chunk length");
        }
        return new ChunkPlan(rate, chunkFrames, (int) count);
    }

    /** The first frame (on the grid of {@code fps}) of chunk {@code k}: ceil(start time x fps), exactly. */
    public long firstFrame(int k, String fps) {
        check(k);
        long[] plan = rational(rate);
        long[] own = rational(fps);
        // start time = k x chunkFrames x plan[1] / plan[0]; frames of fps = time x own[0] / own[1]
        long num = k * chunkFrames * plan[1] * own[0];
        long den = plan[0] * own[1];
        return Math.floorDiv(num + den - 1, den);
    }

    /** The frame after the last of chunk {@code k} on the grid of {@code fps}, or -1 for the last chunk (to the end). */
    public long endFrame(int k, String fps) {
        check(k);
        return k == count - 1 ? -1 : firstFrame(k + 1, fps);
    }

    /** Where chunk {@code k} starts on the source timeline, in seconds. */
    public double startSeconds(int k) {
        check(k);
        long[] r = rational(rate);
        return (double) (k * chunkFrames * r[1]) / r[0];
    }

    /** How long chunk {@code k} is, for its progress; the last one up to {@code total}. */
    public Duration length(int k, Duration total) {
        double end = k == count - 1 ? total.toNanos() / 1e9 : startSeconds(k + 1);
        return Duration.ofNanos(Math.max(0, Math.round((end - startSeconds(k)) * 1e9)));
    }

    private void check(int k) {
        if (k < 0 || k >= count) {
            throw new IllegalArgumentException("chunk " + k + " is not in 0.." + (count - 1));
        }
    }

    /** {@code {num, den}} of a rate such as {@code 29.97}, {@code 30000/1001} or {@code 25}. */
    static long[] rational(String fps) {
        String exact = FfmpegCommand.frameRate(fps);
        int slash = exact.indexOf('/');
        if (slash >= 0) {
            return new long[]{Long.parseLong(exact.substring(0, slash)), Long.parseLong(exact.substring(slash + 1))};
        }
        java.math.BigDecimal d = new java.math.BigDecimal(exact);
        int scale = Math.max(0, d.scale());
        return new long[]{d.movePointRight(scale).longValueExact(), java.math.BigInteger.TEN.pow(scale).longValueExact()};
    }
}
