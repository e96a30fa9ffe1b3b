package io.videopipeline.transcode.cloud;

import io.videopipeline.media.Preset;
import io.videopipeline.media.StreamingSettings;
import java.util.List;

/**
 * The HLS ladder and thumbnails the {@code mediaconvert} backend's jobs also get when streaming is on
 * ({@code pipeline.hls.enabled}): the same data as the ffmpeg backend's ({@code hls:} and {@code pictures:} of
 * {@code config/presets.yaml}).
 *
 * @param rungs                    the ladder, largest first
 * @param segmentSeconds           CMAF segment length in whole seconds ({@link LadderTiming})
 * @param thumbnailIntervalSeconds one frame capture every this many seconds
 * @param thumbnailWidth           frame capture width in pixels (the height keeps the source's shape)
 * @param maxCaptures              most frame captures per job ({@code pipeline.mediaconvert.max-captures})
 */
public record MediaConvertStreaming(List<Preset> rungs, int segmentSeconds, int thumbnailIntervalSeconds,
                                    int thumbnailWidth, int maxCaptures) {

    public MediaConvertStreaming {
        rungs = List.copyOf(rungs);
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("streaming is on but the ladder has no rungs");
        }
        if (maxCaptures < 1 || maxCaptures > 10_000_000) {
            throw new IllegalArgumentException("pipeline.mediaconvert.max-captures must be 1-10000000, got "
                    + maxCaptures);
        }
    }

    public static MediaConvertStreaming of(StreamingSettings streaming, int maxCaptures) {
        return new MediaConvertStreaming(streaming.rungs(), LadderTiming.segmentSeconds(streaming),
                streaming.thumbnailIntervalSeconds(), streaming.thumbnailWidth(), maxCaptures);
    }
}
