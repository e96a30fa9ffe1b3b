package io.videopipeline.media;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the user metadata a transcoder writes on each rendition ({@code source-bucket},
 * {@code source-key}, {@code source-etag}, {@code preset}, {@code duration-seconds}). {@code source-key} travels
 * percent-encoded because S3 user metadata are HTTP headers; this gives it back as the real key.
 */
public final class SourceMetadata {
    private SourceMetadata() {
    }

    /**
     * Percent-encodes UTF-8 bytes outside printable ASCII, and '%', '+' and space, so a key can travel
     * as an HTTP header value; {@link java.net.URLDecoder} gives it back exactly.
     */
    public static String encodeKey(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%' && c != '+') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The {@code duration-seconds} value: seconds with milliseconds ("83.400"), whatever the locale. */
    public static String encodeDuration(Duration duration) {
        return String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0);
    }

    /** The rendition's duration from its user metadata; null when absent or not a number of seconds. */
    public static Duration duration(Map<String, String> userMetadata) {
        String seconds = userMetadata.get(RenditionMetadata.DURATION);
        if (seconds == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(seconds.trim());
            return Double.isFinite(value) && value >= 0 ? Duration.ofMillis(Math.round(value * 1000)) : null;
        } catch (NumberFormatException e) {
            return null; // written by something else: the mail says "unknown" rather than fail
        }
    }

    public static Map<String, String> decode(Map<String, String> userMetadata) {
        Map<String, String> decoded = new LinkedHashMap<>(userMetadata);
        String key = decoded.get(RenditionMetadata.SOURCE_KEY);
        if (key != null) {
            try {
                decoded.put(RenditionMetadata.SOURCE_KEY, URLDecoder.decode(key, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // written by something else, not percent-encoded: keep it as it is
            }
        }
        return decoded;
    }
}
