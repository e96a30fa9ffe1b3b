package io.videopipeline.media;

import java.util.List;
import java.util.Objects;

/**
 * What a job writes besides its MP4s when streaming is on: an HLS ladder (CMAF) and pictures, all from the same
 * decode ({@link MediaEncoder}); {@code pipeline.hls.enabled}, on by default. The rungs and these numbers live in the {@code hls:} and {@code pictures:} sections
 * of {@code config/presets.yaml} ({@link PresetCatalog#loadStreaming}).
 *
 * @param enabled                   whether jobs write the package at all
 * @param rungs                     the ladder, largest first, in the preset format; a rung with the box and rate
 *                                  of one of the job's MP4 presets is that MP4's encode, packaged again
 * @param segmentGops               segment length in GOPs of the rung (90 frames at 29.97 = 3.003 s; 2 = ~6 s)
 * @param posterWidth               poster width in pixels (height keeps the source's shape)
 * @param posterWindowSeconds       the poster is the most representative frame of this many first seconds
 * @param posterMinLuma             frames of the window whose mean luma (8-bit, 0-255) is not above this are
 *                                  left out of the choice (a black or faded-in start), unless every frame is
 * @param thumbnailWidth            thumbnail width in pixels
 * @param thumbnailIntervalSeconds  one thumbnail every this many seconds, from 0
 * @param tileWidth                 storyboard tile width in pixels
 * @param storyboardIntervalSeconds one storyboard tile every this many seconds (more for long videos: at most
 *                                  {@code maxTiles})
 * @param columns                   tiles per sprite row
 * @param maxTiles                  most tiles in the one sprite
 */
public record StreamingSettings(boolean enabled, List<Preset> rungs, int segmentGops, int posterWidth,
                                int posterWindowSeconds, int posterMinLuma, int thumbnailWidth, int thumbnailIntervalSeconds,
                                int tileWidth, int storyboardIntervalSeconds, int columns, int maxTiles) {

    public static final StreamingSettings OFF = new StreamingSettings(false, List.of(), 2, 640, 10, 32, 320, 10, 160, 5,
            10, 100);

    public StreamingSettings {
        rungs = List.copyOf(Objects.requireNonNull(rungs, "rungs"));
        if (enabled && rungs.isEmpty()) {
            throw new IllegalArgumentException("streaming is enabled but the hls section has no rungs");
        }
        for (int value : new int[]{segmentGops, posterWidth, posterWindowSeconds, thumbnailWidth,
                thumbnailIntervalSeconds, tileWidth, storyboardIntervalSeconds, columns, maxTiles}) {
            if (value <= 0) {
                throw new IllegalArgumentException("streaming settings must be positive, got " + value);
            }
        }
        if (posterMinLuma < 0 || posterMinLuma > 254) {
            throw new IllegalArgumentException("posterMinLuma must be 0..254, got " + posterMinLuma);
        }
        for (int width : new int[]{posterWidth, thumbnailWidth, tileWidth}) {
            if (width % 2 != 0) {
                throw new IllegalArgumentException("picture widths must be even, got " + width);
            }
        }
    }

    public StreamingSettings withEnabled(boolean on) {
        return new StreamingSettings(on, rungs, segmentGops, posterWidth, posterWindowSeconds, posterMinLuma,
                thumbnailWidth,
                thumbnailIntervalSeconds, tileWidth, storyboardIntervalSeconds, columns, maxTiles);
    }
}
