package io.videopipeline.transcode;

/** Object keys are untrusted: escape control characters (CR/LF would forge log lines) before logging them. */
public final class LogText {
    private LogText() {
    }

    public static String safe(String value) {
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
}
