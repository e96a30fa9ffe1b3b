package io.videopipeline.localcloud.et;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The system presets the local Elastic Transcoder knows: the catalog's presets that have an {@code etPresetId} and
 * ET's HLS system presets ({@link EtHlsPresets}), described in ET's ReadPreset shape (values as strings, as ET
 * returned them; level {@code 4.0} is written {@code "4"} like ET's own fixtures). A preset with container
 * {@code ts} is written as HLS segments ({@link #segmented}).
 */
final class EtPresets {

    private final Map<String, Preset> byId = new LinkedHashMap<>();
    private final Map<String, EtThumbnails> thumbnails = new LinkedHashMap<>();
    private final String arnPrefix;

    EtPresets(PresetCatalog catalog, String region, String accountId) {
        for (Preset preset : catalog.presets()) {
            if (preset.etPresetId() != null && !preset.etPresetId().isBlank()) {
                byId.putIfAbsent(preset.etPresetId(), preset);
                thumbnails.putIfAbsent(preset.etPresetId(), EtThumbnails.GENERIC);
            }
        }
        for (Preset preset : EtHlsPresets.ALL) {
            byId.putIfAbsent(preset.etPresetId(), preset);
            thumbnails.putIfAbsent(preset.etPresetId(), EtThumbnails.HLS);
        }
        this.arnPrefix = "arn:aws:elastictranscoder:" + region + ":" + accountId + ":preset/";
    }

    Optional<Preset> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    EtThumbnails thumbnails(String id) {
        return thumbnails.get(id);
    }

    /** True for MPEG-TS presets: ET writes their outputs as HLS segments and a variant playlist. */
    static boolean segmented(Preset preset) {
        return "ts".equals(preset.container());
    }

    List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    ObjectNode json(ObjectMapper mapper, String id) {
        Preset p = byId.get(id);
        ObjectNode node = mapper.createObjectNode();
        node.put("Id", id);
        node.put("Arn", arnPrefix + id);
        node.put("Name", "System preset: " + p.description());
        node.put("Description", "System preset " + p.description());
        node.put("Container", p.container());
        ObjectNode audio = node.putObject("Audio");
        audio.put("Codec", "aac".equals(p.audioCodec()) ? "AAC" : p.audioCodec());
        audio.put("SampleRate", String.valueOf(p.sampleRate()));
        audio.put("BitRate", String.valueOf(p.audioBitrateKbps()));
        audio.put("Channels", String.valueOf(p.channels()));
        audio.putObject("CodecOptions").put("Profile", "AAC-LC");
        ObjectNode video = node.putObject("Video");
        video.put("Codec", "h264".equals(p.videoCodec()) ? "H.264" : p.videoCodec());
        ObjectNode options = video.putObject("CodecOptions");
        options.put("ColorSpaceConversionMode", "None");
        options.put("InterlacedMode", "Progressive");
        options.put("Level", p.level().endsWith(".0") ? p.level().substring(0, p.level().length() - 2) : p.level());
        if (p.refs() != null) {
            options.put("MaxReferenceFrames", String.valueOf(p.refs()));
        }
        options.put("Profile", p.profile());
        video.put("KeyframesMaxDist", String.valueOf(p.gop()));
        video.put("FixedGOP", String.valueOf(segmented(p)));
        video.put("BitRate", String.valueOf(p.videoBitrateKbps()));
        video.put("FrameRate", p.fps());
        video.put("MaxWidth", String.valueOf(p.maxWidth()));
        video.put("MaxHeight", String.valueOf(p.maxHeight()));
        video.put("DisplayAspectRatio", "auto");
        video.put("SizingPolicy", "ShrinkToFit");
        video.put("PaddingPolicy", "NoPad");
        video.putArray("Watermarks");
        thumbnails.get(id).json(node);
        node.put("Type", "System");
        return node;
    }
}
