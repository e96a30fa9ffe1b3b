package io.videopipeline.logging;

/**
 * The one escaper for untrusted text (object keys, bucket names, message ids, exception messages that quote
 * them, ffmpeg's stderr) on its way into a log line. Every log event also passes through it at the logging
 * layer ({@code io.videopipeline.logging.SafeMessageConverter} in logback.xml); call it directly where
 * untrusted text goes somewhere else that is read as text — an exception message that becomes a dead letter's
 * reason, an error answer.
 *
 * <p>What it escapes, as {@code \\u} and four hex digits: every C0 control (CR/LF would forge log lines; ESC starts terminal
 * escape sequences that recolour, hide or retitle what an operator sees; BEL, BS, ...), DEL, every C1 control
 * (U+0080-U+009F; U+009B is a one-character CSI on some terminals, U+0085 a line break), the Unicode line and
 * paragraph separators (U+2028, U+2029), and the bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A-U+202E, U+2066-U+2069), which reorder what is displayed so that a key can look like another
 * ("Trojan Source"). Also the two noncharacters U+FFFE/U+FFFF and a surrogate without its pair: SQS refuses
 * them in a message attribute (a dead letter's reason) and XML cannot carry them. Everything else, other scripts
 * and emoji included, stays readable.
 */
public final class LogText {
    private LogText() {
    }

    /** {@code value} with every character {@link #needsEscape} replaced by {@code \\u} and four hex digits; "null" for null. */
    public static String safe(String value) {
        if (value == null) {
            return "null";
        }
        int first = 0;
        while (first < value.length() && !needsEscapeAt(value, first)) {
            first++;
        }
        if (first == value.length()) {
            return value; // the common case: nothing to escape, no copy
        }
        StringBuilder out = new StringBuilder(value.length() + 16).append(value, 0, first);
        for (int i = first; i < value.length(); i++) {
            char c = value.charAt(i);
            if (needsEscapeAt(value, i)) {
                out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                        .append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@link #needsEscape}, or a noncharacter U+FFFE/U+FFFF, or half of a surrogate pair standing alone. */
    private static boolean needsEscapeAt(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1));
        }
        return c == 0xfffe || c == 0xffff || needsEscape(c);
    }

    /** True for a control, line-separator or bidi-control character (see the class comment). */
    public static boolean needsEscape(char c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return true;
        }
        if (c < 0x061c) {
            return false;
        }
        return c == 0x061c || c == 0x200e || c == 0x200f || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
