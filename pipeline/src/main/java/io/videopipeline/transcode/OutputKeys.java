package io.videopipeline.transcode;

import io.videopipeline.media.Preset;

import io.videopipeline.event.KeyPattern;
import io.videopipeline.event.ObjectEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the renditions of an input key. For {@code {dir}{name}.{ext}} (dir = everything up to and including the
 * last {@code /}, name = the file name without its <em>last</em> extension) the default pattern
 * {@value #DEFAULT_PATTERN} gives {@code uploads/a/clip/clip-720p.mp4} for {@code uploads/a/clip.mov}, and
 * {@code my.holiday.video/my.holiday.video-720p.mp4} for {@code my.holiday.video.mov} (the seed's
 * {@code split('.')[0]} would have cut that to {@code my}).
 *
 * <p>Placeholders: {@code {dir}}, {@code {name}}, {@code {ext}} (without the dot, empty if none) and
 * {@code {preset}} (required, or the renditions would overwrite each other). A file name without an extension
 * (or starting with its only dot, like {@code .mov}) is used whole as the name.
 */
public final class OutputKeys {

    public static final String DEFAULT_PATTERN = "{dir}{name}/{name}-{preset}.mp4";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
    private static final Set<String> KNOWN = Set.of("dir", "name", "ext", "preset");

    private final String pattern;

    public OutputKeys() {
        this(DEFAULT_PATTERN);
    }

    /** @throws IllegalArgumentException for an unknown placeholder or a pattern without {@code {preset}} */
    public OutputKeys(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException("output key pattern is empty; default: " + DEFAULT_PATTERN);
        }
        Matcher m = PLACEHOLDER.matcher(pattern);
        boolean hasPreset = false;
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                throw new IllegalArgumentException("output key pattern '" + pattern + "' has an unknown placeholder {"
                        + m.group(1) + "}; known: {dir} {name} {ext} {preset}");
            }
            hasPreset |= m.group(1).equals("preset");
        }
        if (!hasPreset) {
            throw new IllegalArgumentException("output key pattern '" + pattern
                    + "' lacks {preset}: every rendition would get the same key");
        }
        this.pattern = pattern;
    }

    public String pattern() {
        return pattern;
    }

    /**
     * The literal start of the pattern before any placeholder, e.g. {@code transcoded/} for
     * {@code transcoded/{dir}{name}-{preset}.mp4}; empty for the default pattern. Useful as an exclude prefix
     * when inputs and outputs share a bucket.
     */
    public String fixedPrefix() {
        int brace = pattern.indexOf('{');
        return brace < 0 ? pattern : pattern.substring(0, brace);
    }

    /** @throws IllegalArgumentException for an empty key or one ending in {@code /} (a folder, not a file) */
    public String keyFor(String inputKey, String presetName) {
        if (inputKey == null || inputKey.isEmpty()) {
            throw new IllegalArgumentException("input key is empty");
        }
        if (inputKey.endsWith("/")) {
            throw new IllegalArgumentException("input key '" + inputKey + "' ends with '/': it is a folder, not a video");
        }
        return expand(pattern, inputKey, presetName);
    }

    /**
     * {@code pattern} with {@code {dir}}, {@code {name}}, {@code {ext}} of {@code inputKey} and {@code {preset}} filled
     * in; also names an upload's other objects (its job record).
     */
    public static String expand(String pattern, String inputKey, String presetName) {
        return KeyPattern.expand(pattern, inputKey, presetName);
    }

    /** A job for every preset, in order, from an upload event. */
    public TranscodeJob jobFor(ObjectEvent event, String outputBucket, List<Preset> presets) {
        return jobFor(event.bucket(), event.key(), event.size(), event.eTag(), outputBucket, presets);
    }

    public TranscodeJob jobFor(String inputBucket, String inputKey, Long inputSize, String inputETag,
                               String outputBucket, List<Preset> presets) {
        List<TranscodeOutput> outputs = new ArrayList<>(presets.size());
        for (Preset preset : presets) {
            outputs.add(new TranscodeOutput(preset, keyFor(inputKey, preset.name())));
        }
        return new TranscodeJob(inputBucket, inputKey, inputSize, inputETag, outputBucket, outputs);
    }
}
