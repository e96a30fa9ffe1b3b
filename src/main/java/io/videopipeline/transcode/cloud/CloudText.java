package io.videopipeline.transcode.cloud;

import java.nio.charset.StandardCharsets;

/**
 * Text helpers for the cloud backends. Copies of the package-private helpers in {@code io.videopipeline.transcode}
 * ({@code FfmpegTranscoder.headerSafe}, {@code LogText.safe}) so that every backend writes {@code source-key} the
 * same way; {@code CloudTextTest} checks they stay equal.
 */
final class CloudText {
    private CloudText() {
    }

    /** Percent-encodes UTF-8 bytes outside printable ASCII, and '%', '+' and space, for an HTTP header value. */
    static String headerSafe(String value) {
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

    /** Object keys are untrusted: escape control characters (CR/LF would forge log lines) before logging them. */
    static String safe(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String s3Uri(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }
}
