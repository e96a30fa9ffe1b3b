package io.videopipeline.transcode.cloud;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The HLS part of the {@code elastictranscoder} backend's jobs when streaming is on ({@code pipeline.hls.enabled}):
 * one output per entry of {@code pipeline.elastictranscoder.hls-presets}, all in one {@code HLSv3} playlist.
 *
 * <p>The outputs use Elastic Transcoder's own HLS system presets ("System preset: HLS 2M" … "HLS 400k") rather than
 * the ladder of {@code config/presets.yaml}: a job can only name presets the ET account has, every ET account has
 * these, and they were what ET's users streamed with (MPEG-TS, fixed GOP). The ladder's rungs are fragmented-MP4
 * 1080p…360p, which no ET system preset is; an account with custom presets for them lists their ids instead.
 *
 * @param outputs         name (a file name part: the variant is {@code {dir}{name}/hls/{output}.m3u8}) and preset id
 *                        of each HLS output, largest first
 * @param segmentDuration ET's {@code SegmentDuration} in whole seconds (1-60), the ladder's segment length
 */
public record ElasticTranscoderStreaming(List<Output> outputs, int segmentDuration) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,39}");

    /** One HLS output: the file name part and the ET preset. */
    public record Output(String name, String presetId) {
        public Output {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("pipeline.elastictranscoder.hls-presets: output name '" + name
                        + "' must be 1-40 letters, digits, '.', '_' or '-'");
            }
            if (presetId == null || presetId.isBlank()) {
                throw new IllegalArgumentException("pipeline.elastictranscoder.hls-presets: output '" + name
                        + "' has no preset id");
            }
        }
    }

    public ElasticTranscoderStreaming {
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("pipeline.elastictranscoder.hls-presets is empty but streaming is on");
        }
        if (outputs.stream().map(Output::name).distinct().count() != outputs.size()) {
            throw new IllegalArgumentException("pipeline.elastictranscoder.hls-presets names an output twice");
        }
        if (segmentDuration < 1 || segmentDuration > 60) {
            throw new IllegalArgumentException("Elastic Transcoder segment duration must be 1-60 s, got "
                    + segmentDuration);
        }
    }

    /** {@code name:presetId,name:presetId,...} as in {@code pipeline.elastictranscoder.hls-presets}. */
    public static List<Output> parse(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(entry -> {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("pipeline.elastictranscoder.hls-presets: '" + entry
                        + "' is not name:presetId");
            }
            return new Output(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }).toList();
    }
}
