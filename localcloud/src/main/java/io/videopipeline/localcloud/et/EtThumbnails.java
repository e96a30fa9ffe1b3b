package io.videopipeline.localcloud.et;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A preset's {@code Thumbnails} settings: what an output with a {@code ThumbnailPattern} writes. Sizing is ET's
 * {@code ShrinkToFit} without padding, as for the video.
 *
 * @param format          {@code png} or {@code jpg}
 * @param intervalSeconds one thumbnail every this many seconds, the first at 0
 * @param maxWidth        box width in pixels
 * @param maxHeight       box height in pixels
 */
record EtThumbnails(String format, int intervalSeconds, int maxWidth, int maxHeight) {

    /** What ET's Generic 1080p system preset had (AWS's ReadPreset fixture); the catalog's presets get it too. */
    static final EtThumbnails GENERIC = new EtThumbnails("png", 60, 192, 144);
    /** What ET's HLS system presets had (AWS's ReadPreset fixtures of HLS 400k and 600k). */
    static final EtThumbnails HLS = new EtThumbnails("png", 300, 192, 108);

    void json(ObjectNode preset) {
        ObjectNode t = preset.putObject("Thumbnails");
        t.put("Format", format);
        t.put("Interval", String.valueOf(intervalSeconds));
        t.put("MaxWidth", String.valueOf(maxWidth));
        t.put("MaxHeight", String.valueOf(maxHeight));
        t.put("SizingPolicy", "ShrinkToFit");
        t.put("PaddingPolicy", "NoPad");
    }
}
