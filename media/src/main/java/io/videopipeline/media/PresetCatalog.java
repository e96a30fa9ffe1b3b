package io.videopipeline.media;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The output presets, read from a YAML file ({@code config/presets.yaml}). Adding a rendition is a change to
 * that file only. Every error names the file and the offending field, e.g.
 * {@code config/presets.yaml: presets[1].video.bitrateKbps must be a positive whole number, got 'fast'}.
 *
 * <pre>
 * presets:
 *   - name: 720p
 *     etPresetId: "1351620000001-000010"
 *     description: Generic 720p
 *     container: mp4
 *     maxWidth: 1280
 *     maxHeight: 720
 *     video: {codec: h264, profile: baseline, level: "3.1", bitrateKbps: 2400, fps: "29.97", gop: 90, refs: 3}
 *     audio: {codec: aac, bitrateKbps: 160, sampleRate: 44100, channels: 2}
 * </pre>
 */
public final class PresetCatalog {

    /** Preset names end up in object keys and temp file names: keep them to a safe alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern LEVEL = Pattern.compile("[1-6](\\.[0-2])?");
    private static final Pattern FPS = Pattern.compile("\\d{1,3}(\\.\\d{1,3})?|\\d{1,6}/\\d{1,6}");
    private static final Set<String> PRESET_FIELDS = Set.of("name", "etPresetId", "description", "container",
            "maxWidth", "maxHeight", "video", "audio");
    private static final Set<String> VIDEO_FIELDS = Set.of("codec", "profile", "level", "bitrateKbps", "fps", "gop",
            "refs");
    private static final Set<String> AUDIO_FIELDS = Set.of("codec", "bitrateKbps", "sampleRate", "channels");

    private final Map<String, Preset> byName;

    private PresetCatalog(List<Preset> presets) {
        Map<String, Preset> map = new LinkedHashMap<>();
        for (Preset preset : presets) {
            if (map.putIfAbsent(preset.name(), preset) != null) {
                throw new IllegalArgumentException("duplicate preset name '" + preset.name() + "'");
            }
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("no presets");
        }
        this.byName = map;
    }

    /** A catalog of presets built in code (tests, or another configuration source). */
    public static PresetCatalog of(List<Preset> presets) {
        return new PresetCatalog(presets);
    }

    /**
     * @throws IllegalArgumentException if the file is missing, not YAML or a field is missing/invalid; the
     *                                  message names the file and the field
     */
    public static PresetCatalog load(Path file) {
        String where = file.toString();
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": file not found (set pipeline.presets.file)", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not valid YAML: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read: " + e, e);
        }
        return new Reader(where).catalog(root);
    }

    /**
     * The {@code hls:} and {@code pictures:} sections of the presets file, switched on or off by {@code enabled};
     * a section left out keeps {@link StreamingSettings#OFF}'s numbers.
     */
    public static StreamingSettings loadStreaming(Path file, boolean enabled) {
        String where = file.toString();
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read: " + e, e);
        }
        return new Reader(where).streaming(root, enabled);
    }

    public List<Preset> presets() {
        return List.copyOf(byName.values());
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** @throws IllegalArgumentException naming the known presets if there is none called {@code name} */
    public Preset get(String name) {
        Preset preset = byName.get(name);
        if (preset == null) {
            throw new IllegalArgumentException("no preset named '" + name + "'; known presets: " + names());
        }
        return preset;
    }

    /** The named presets in the given order; an empty list means all of them. */
    public List<Preset> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return presets();
        }
        return names.stream().map(String::trim).filter(n -> !n.isEmpty()).map(this::get).toList();
    }

    /** Reads and validates the tree, remembering the file name for messages. */
    private static final class Reader {
        private final String file;

        Reader(String file) {
            this.file = file;
        }

        PresetCatalog catalog(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw error("is empty; expected a 'presets:' list");
            }
            if (!root.isObject()) {
                throw error("expected a mapping with a 'presets:' list at the top");
            }
            checkFields(root, Set.of("presets", "hls", "pictures"), "");
            JsonNode list = root.get("presets");
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw error("presets must be a non-empty list");
            }
            List<Preset> presets = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Preset preset = preset(list.get(i), "presets[" + i + "]");
                if (!seen.add(preset.name())) {
                    throw error("presets[" + i + "].name '" + preset.name() + "' is used by an earlier preset");
                }
                presets.add(preset);
            }
            return new PresetCatalog(presets);
        }

        StreamingSettings streaming(JsonNode root, boolean enabled) {
            StreamingSettings d = StreamingSettings.OFF;
            JsonNode hls = root == null ? null : root.get("hls");
            List<Preset> rungs = new ArrayList<>();
            int segmentGops = d.segmentGops();
            if (hls != null && !hls.isNull()) {
                checkFields(hls, Set.of("segmentGops", "rungs"), "hls");
                segmentGops = hls.has("segmentGops") ? positiveInt(hls, "segmentGops", "hls") : segmentGops;
                JsonNode list = hls.get("rungs");
                for (int i = 0; list != null && i < list.size(); i++) {
                    rungs.add(preset(list.get(i), "hls.rungs[" + i + "]"));
                }
            }
            JsonNode p = root == null ? null : root.get("pictures");
            if (p == null || p.isNull()) {
                return new StreamingSettings(enabled, rungs, segmentGops, d.posterWidth(), d.posterWindowSeconds(),
                        d.posterMinLuma(), d.thumbnailWidth(), d.thumbnailIntervalSeconds(), d.tileWidth(),
                        d.storyboardIntervalSeconds(), d.columns(), d.maxTiles());
            }
            checkFields(p, Set.of("posterWidth", "posterWindowSeconds", "posterMinLuma", "thumbnailWidth",
                    "thumbnailIntervalSeconds", "tileWidth", "storyboardIntervalSeconds", "columns", "maxTiles"),
                    "pictures");
            return new StreamingSettings(enabled, rungs, segmentGops,
                    positiveEven(p, "posterWidth", "pictures"), positiveInt(p, "posterWindowSeconds", "pictures"),
                    p.has("posterMinLuma") ? positiveInt(p, "posterMinLuma", "pictures") : d.posterMinLuma(),
                    positiveEven(p, "thumbnailWidth", "pictures"),
                    positiveInt(p, "thumbnailIntervalSeconds", "pictures"),
                    positiveEven(p, "tileWidth", "pictures"), positiveInt(p, "storyboardIntervalSeconds", "pictures"),
                    positiveInt(p, "columns", "pictures"), positiveInt(p, "maxTiles", "pictures"));
        }

        private Preset preset(JsonNode node, String at) {
            if (!node.isObject()) {
                throw error(at + " must be a mapping");
            }
            checkFields(node, PRESET_FIELDS, at);
            String name = text(node, "name", at, NAME, "letters, digits, '.', '_' or '-'");
            String etPresetId = optionalText(node, "etPresetId", at);
            String description = optionalText(node, "description", at);
            String container = oneOf(node, "container", at, "mp4");
            int maxWidth = positiveEven(node, "maxWidth", at);
            int maxHeight = positiveEven(node, "maxHeight", at);
            JsonNode video = mapping(node, "video", at);
            String videoAt = at + ".video";
            checkFields(video, VIDEO_FIELDS, videoAt);
            JsonNode audio = mapping(node, "audio", at);
            String audioAt = at + ".audio";
            checkFields(audio, AUDIO_FIELDS, audioAt);
            Integer refs = video.has("refs") && !video.get("refs").isNull()
                    ? positiveInt(video, "refs", videoAt) : null;
            return new Preset(name, etPresetId, description == null ? name : description, container, maxWidth,
                    maxHeight,
                    oneOf(video, "codec", videoAt, "h264"),
                    oneOf(video, "profile", videoAt, "baseline", "main", "high"),
                    text(video, "level", videoAt, LEVEL, "an H.264 level such as 3.1 or 4.0"),
                    positiveInt(video, "bitrateKbps", videoAt),
                    text(video, "fps", videoAt, FPS, "a frame rate such as 29.97, 30 or 30000/1001"),
                    positiveInt(video, "gop", videoAt),
                    refs,
                    oneOf(audio, "codec", audioAt, "aac"),
                    positiveInt(audio, "bitrateKbps", audioAt),
                    positiveInt(audio, "sampleRate", audioAt),
                    positiveInt(audio, "channels", audioAt));
        }

        private void checkFields(JsonNode node, Set<String> known, String at) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!known.contains(field)) {
                    throw error(join(at, field) + " is not a known field; known fields: "
                            + known.stream().sorted().toList());
                }
            }
        }

        private JsonNode mapping(JsonNode node, String field, String at) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(join(at, field) + " is missing");
            }
            if (!value.isObject()) {
                throw error(join(at, field) + " must be a mapping");
            }
            return value;
        }

        private String text(JsonNode node, String field, String at, Pattern pattern, String expected) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(join(at, field) + " is missing");
            }
            if (!value.isValueNode()) {
                throw error(join(at, field) + " must be " + expected);
            }
            String text = value.asText().trim();
            if (!pattern.matcher(text).matches()) {
                throw error(join(at, field) + " must be " + expected + ", got '" + text + "'");
            }
            return text;
        }

        private String optionalText(JsonNode node, String field, String at) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isValueNode()) {
                throw error(join(at, field) + " must be text");
            }
            return value.asText();
        }

        private String oneOf(JsonNode node, String field, String at, String... allowed) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(join(at, field) + " is missing");
            }
            String text = value.asText();
            if (!List.of(allowed).contains(text)) {
                throw error(join(at, field) + " must be one of " + List.of(allowed) + ", got '" + text + "'");
            }
            return text;
        }

        private int positiveInt(JsonNode node, String field, String at) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                throw error(join(at, field) + " is missing");
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() <= 0) {
                throw error(join(at, field) + " must be a positive whole number, got '" + value.asText() + "'");
            }
            return value.asInt();
        }

        private int positiveEven(JsonNode node, String field, String at) {
            int value = positiveInt(node, field, at);
            if (value % 2 != 0) {
                throw error(join(at, field) + " must be even (H.264 4:2:0 needs even sizes), got " + value);
            }
            return value;
        }

        private static String join(String at, String field) {
            return at.isEmpty() ? field : at + "." + field;
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(file + ": " + message);
        }
    }
}
