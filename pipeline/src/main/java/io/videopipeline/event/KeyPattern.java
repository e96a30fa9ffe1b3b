package io.videopipeline.event;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a key pattern from an upload's key: {@code {dir}} (everything up to and including the last {@code /}),
 * {@code {name}} (the file name without its <em>last</em> extension; a name without one, or starting with its only
 * dot, is used whole), {@code {ext}} (without the dot, empty if none) and {@code {preset}}. The renditions'
 * ({@code transcode.OutputKeys}) and the job record's ({@code jobs.JobRecordKeys}) keys are both named so; here,
 * below both, so that neither package needs the other.
 */
public final class KeyPattern {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private KeyPattern() {
    }

    /** {@code pattern} with the placeholders of {@code inputKey} and {@code presetName} filled in. */
    public static String expand(String pattern, String inputKey, String presetName) {
        int slash = inputKey.lastIndexOf('/');
        String dir = inputKey.substring(0, slash + 1);
        String file = inputKey.substring(slash + 1);
        int dot = file.lastIndexOf('.');
        String name = dot > 0 ? file.substring(0, dot) : file;
        String ext = dot > 0 ? file.substring(dot + 1) : "";
        // One pass, so that a '{' inside the key itself is never taken for a placeholder.
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "dir" -> dir;
                case "name" -> name;
                case "ext" -> ext;
                case "preset" -> presetName;
                default -> m.group();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
