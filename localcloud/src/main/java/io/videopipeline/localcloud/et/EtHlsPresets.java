package io.videopipeline.localcloud.et;

import io.videopipeline.media.Preset;
import java.util.List;

/**
 * ET's HLS system presets ("HLS v3 and v4 (Apple HTTP Live Streaming)"): MPEG-TS, H.264 + AAC-LC 128 kbit/s,
 * the source's frame rate, a keyframe every 90 frames with {@code FixedGOP}. They are ET's own, not the pipeline's
 * renditions, so they live here rather than in {@code config/presets.yaml}. HLS 600k and 400k are AWS's ReadPreset
 * fixtures (aws-samples/migrate-workflow-from-amazon-elastic-trancoder-to-aws-elemental-mediaconvert); the sizes
 * and rates of 2M, 1.5M and 1M follow ET's preset table (video = total − 128 kbit/s audio) and were not checked
 * against a fixture.
 */
final class EtHlsPresets {

    /** ET's value for "keep the source's rate". */
    static final String AUTO = "auto";

    static final List<Preset> ALL = List.of(
            hls("1351620000001-200010", "HLS 2M", 1024, 768, "main", "3.1", 1872, 3),
            hls("1351620000001-200020", "HLS 1.5M", 960, 640, "main", "3.1", 1372, 3),
            hls("1351620000001-200030", "HLS 1M", 640, 432, "main", "3.1", 872, 3),
            hls("1351620000001-200040", "HLS 600k", 480, 320, "baseline", "3", 472, 3),
            hls("1351620000001-200050", "HLS 400k", 400, 288, "baseline", "3", 272, 1));

    private EtHlsPresets() {
    }

    private static Preset hls(String id, String name, int width, int height, String profile, String level,
                              int videoKbps, int refs) {
        return new Preset(name, id, name, "ts", width, height, "h264", profile, level, videoKbps, AUTO, 90, refs,
                "aac", 128, 44100, 2);
    }
}
