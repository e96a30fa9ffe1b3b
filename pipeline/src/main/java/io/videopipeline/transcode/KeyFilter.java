package io.videopipeline.transcode;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decides which uploaded keys are worth transcoding: keys under an include prefix (none = everywhere), not under
 * an exclude prefix (put the transcoded-output prefix here when inputs and outputs share a bucket, see
 * {@link OutputKeys#fixedPrefix()}), with an allowed suffix (case-insensitive; none = every suffix). Folder
 * markers (keys ending in {@code /}) are never accepted.
 */
public final class KeyFilter {

    /** Containers ffmpeg reads that cameras, phones and editors commonly produce. */
    public static final List<String> VIDEO_SUFFIXES = List.of(".mov", ".mp4", ".m4v", ".avi", ".mkv", ".webm",
            ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".mts", ".m2ts", ".ts", ".ogv", ".mxf");

    private final List<String> includePrefixes;
    private final List<String> excludePrefixes;
    private final List<String> allowedSuffixes;

    public KeyFilter(List<String> includePrefixes, List<String> excludePrefixes, List<String> allowedSuffixes) {
        this.includePrefixes = clean(includePrefixes, false);
        this.excludePrefixes = clean(excludePrefixes, false);
        this.allowedSuffixes = clean(allowedSuffixes, true);
    }

    /** Accepts every key except folder markers. */
    public static KeyFilter acceptAll() {
        return new KeyFilter(List.of(), List.of(), List.of());
    }

    /** Video suffixes only ({@link #VIDEO_SUFFIXES}), anywhere in the bucket. */
    public static KeyFilter videosOnly() {
        return new KeyFilter(List.of(), List.of(), VIDEO_SUFFIXES);
    }

    /** This filter, also excluding keys under {@code prefix} (ignored if blank). */
    public KeyFilter excluding(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return this;
        }
        return new KeyFilter(includePrefixes, Stream.concat(excludePrefixes.stream(), Stream.of(prefix)).toList(),
                allowedSuffixes);
    }

    public boolean accepts(String key) {
        return rejection(key).isEmpty();
    }

    /** Why {@code key} is not accepted, for a debug log line; empty if it is accepted. */
    public Optional<String> rejection(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("key is empty");
        }
        if (key.endsWith("/")) {
            return Optional.of("key ends with '/' (a folder marker)");
        }
        if (!includePrefixes.isEmpty() && includePrefixes.stream().noneMatch(key::startsWith)) {
            return Optional.of("key is not under any include prefix " + includePrefixes);
        }
        for (String prefix : excludePrefixes) {
            if (key.startsWith(prefix)) {
                return Optional.of("key is under the excluded prefix '" + prefix + "'");
            }
        }
        String lower = key.toLowerCase(Locale.ROOT);
        if (!allowedSuffixes.isEmpty() && allowedSuffixes.stream().noneMatch(lower::endsWith)) {
            return Optional.of("key does not end with an allowed suffix " + allowedSuffixes);
        }
        return Optional.empty();
    }

    private static List<String> clean(List<String> values, boolean lowerCase) {
        if (values == null) {
            return List.of();
        }
        return values.stream().filter(v -> v != null && !v.isEmpty())
                .map(v -> lowerCase ? v.toLowerCase(Locale.ROOT) : v).toList();
    }

    @Override
    public String toString() {
        return "KeyFilter[include=" + includePrefixes + ", exclude=" + excludePrefixes + ", suffixes="
                + allowedSuffixes + "]";
    }
}
