package io.videopipeline.metadata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The few lines of an HLS playlist (RFC 8216) a package summary needs, read as text: never handed to ffmpeg, which
 * would fetch whatever URLs the (untrusted) playlist names. Unknown tags are skipped.
 */
final class HlsPlaylist {

    /** A master's {@code #EXT-X-STREAM-INF} line and the URI after it. */
    record Variant(Map<String, String> attributes, String uri) {
    }

    /** A media playlist: its {@code #EXT-X-MAP} URI (null for TS) and each segment's URI and duration. */
    record Media(String initUri, List<Segment> segments) {
        double durationSeconds() {
            return segments.stream().mapToDouble(Segment::durationSeconds).sum();
        }
    }

    record Segment(String uri, double durationSeconds) {
    }

    private HlsPlaylist() {
    }

    static List<Variant> variants(String text) {
        requireHeader(text);
        List<Variant> variants = new ArrayList<>();
        Map<String, String> pending = null;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-STREAM-INF:")) {
                pending = attributes(line.substring("#EXT-X-STREAM-INF:".length()));
            } else if (pending != null && !line.isEmpty() && !line.startsWith("#")) {
                variants.add(new Variant(pending, line));
                pending = null;
            }
        }
        return variants;
    }

    static Media media(String text) {
        requireHeader(text);
        String init = null;
        List<Segment> segments = new ArrayList<>();
        Double duration = null;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-MAP:")) {
                init = attributes(line.substring("#EXT-X-MAP:".length())).get("URI");
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                int comma = value.indexOf(',');
                duration = parseDuration(comma < 0 ? value : value.substring(0, comma));
            } else if (duration != null && !line.isEmpty() && !line.startsWith("#")) {
                segments.add(new Segment(line, duration));
                duration = null;
            }
        }
        return new Media(init, segments);
    }

    /** {@code NAME=value,NAME="quoted, value"} → map (quotes removed). */
    static Map<String, String> attributes(String list) {
        Map<String, String> attributes = new LinkedHashMap<>();
        int i = 0;
        while (i < list.length()) {
            int eq = list.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = list.substring(i, eq).strip().toUpperCase(Locale.ROOT);
            int end;
            String value;
            if (eq + 1 < list.length() && list.charAt(eq + 1) == '"') {
                int close = list.indexOf('"', eq + 2);
                close = close < 0 ? list.length() : close;
                value = list.substring(eq + 2, close);
                end = list.indexOf(',', close);
            } else {
                end = list.indexOf(',', eq + 1);
                value = list.substring(eq + 1, end < 0 ? list.length() : end).strip();
            }
            attributes.put(name, value);
            i = end < 0 ? list.length() : end + 1;
        }
        return attributes;
    }

    private static double parseDuration(String text) {
        try {
            double d = Double.parseDouble(text.strip());
            if (!Double.isFinite(d) || d < 0) {
                throw new NumberFormatException(text);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new MetadataExtractionException("playlist has a segment duration that is not a number: '"
                    + io.videopipeline.logging.LogText.safe(text) + "'", false);
        }
    }

    private static void requireHeader(String text) {
        if (!text.stripLeading().startsWith("#EXTM3U")) {
            throw new MetadataExtractionException("not an HLS playlist (no #EXTM3U header)", false);
        }
    }
}
