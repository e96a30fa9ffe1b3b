package io.videopipeline.jobs;

import io.videopipeline.event.KeyPattern;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the job record of an upload: {@value #DEFAULT_PATTERN} gives {@code uploads/clip/clip.job.json} for
 * {@code uploads/clip.mov}, beside the renditions. Placeholders as in the output key pattern ({@code {dir}},
 * {@code {name}}, {@code {ext}}), no {@code {preset}}: one record per upload. The pattern must end in
 * {@code .json}, so a record never has a rendition's suffix ({@code .mp4}, {@code .m3u8}) and never matches the
 * transcoded bucket's notification rules, which start the fan-out.
 */
public final class JobRecordKeys {

    public static final String DEFAULT_PATTERN = "{dir}{name}/{name}.job.json";
    /** What every record key ends with; {@code status} lists records by it. */
    public static final String SUFFIX = ".json";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private final String pattern;

    /** @throws IllegalArgumentException for an unknown placeholder, or a pattern not ending in {@code .json} */
    public JobRecordKeys(String pattern) {
        if (pattern == null || !pattern.endsWith(SUFFIX)) {
            throw new IllegalArgumentException("job record key pattern '" + pattern + "' must end in " + SUFFIX
                    + " (default " + DEFAULT_PATTERN + ")");
        }
        Matcher m = PLACEHOLDER.matcher(pattern);
        while (m.find()) {
            if (!m.group(1).equals("dir") && !m.group(1).equals("name") && !m.group(1).equals("ext")) {
                throw new IllegalArgumentException("job record key pattern '" + pattern
                        + "' has an unknown placeholder {" + m.group(1) + "}; known: {dir} {name} {ext}");
            }
        }
        this.pattern = pattern;
    }

    public String keyFor(String inputKey) {
        return KeyPattern.expand(pattern, inputKey, "");
    }

    /** The literal start of the pattern: where listing records may begin. */
    public String fixedPrefix() {
        int brace = pattern.indexOf('{');
        return brace < 0 ? pattern : pattern.substring(0, brace);
    }

    /** The literal end of the pattern after the last placeholder ({@code .job.json}): what every record key ends with. */
    public String fixedSuffix() {
        int brace = pattern.lastIndexOf('}');
        return brace < 0 ? pattern : pattern.substring(brace + 1);
    }
}
