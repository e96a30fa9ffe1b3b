package io.videopipeline.notify;

/**
 * Makes untrusted text (object keys, user metadata) safe for the places a mail puts it.
 *
 * <p>Object keys may hold any Unicode, including CR/LF: in a header that would start a new header
 * ({@code Bcc:}…), in a text body a forged line, in HTML markup. Line breaks of every kind — C0/C1
 * controls (NUL, CR, LF, NEL U+0085…), DEL, U+2028/U+2029 — and bidirectional overrides (which can
 * make {@code gpj.exe} read as {@code exe.jpg}) become spaces; unpaired surrogates become U+FFFD.
 */
public final class MailText {

    /** Default subject cap: long enough for a long key, short enough for every mail client. */
    public static final int DEFAULT_SUBJECT_MAX = 150;

    private MailText() {
    }

    /** One line, no control characters; runs of whitespace collapsed. {@code null} → empty. */
    public static String singleLine(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        boolean lastSpace = false;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int len = Character.charCount(cp);
            if (Character.isSurrogate((char) cp) && len == 1) {
                cp = 0xFFFD; // an unpaired surrogate cannot be encoded
            }
            boolean space = isBreaking(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp);
            if (space) {
                if (!lastSpace) {
                    out.append(' ');
                }
            } else {
                out.appendCodePoint(cp);
            }
            lastSpace = space;
            i += len;
        }
        return out.toString().strip();
    }

    /** A header-safe subject: {@link #singleLine}, then capped at {@code max} code points (with "…"). */
    public static String subject(String value, int max) {
        if (max < 2) {
            throw new IllegalArgumentException("subject length cap must be at least 2, got " + max);
        }
        String line = singleLine(value);
        if (line.codePointCount(0, line.length()) <= max) {
            return line;
        }
        int end = line.offsetByCodePoints(0, max - 1);
        return line.substring(0, end).stripTrailing() + "…";
    }

    /** {@link #singleLine} and HTML-escaped, for element text and quoted attribute values. */
    public static String html(String value) {
        String line = singleLine(value);
        StringBuilder out = new StringBuilder(line.length() + 16);
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isBreaking(int cp) {
        return Character.getType(cp) == Character.CONTROL        // C0, DEL, C1 (incl. U+0085 NEL)
                || cp == 0x2028 || cp == 0x2029                   // line / paragraph separator
                || (cp >= 0x202A && cp <= 0x202E)                 // bidi embeddings and overrides
                || (cp >= 0x2066 && cp <= 0x2069)                 // bidi isolates
                || cp == 0x200E || cp == 0x200F || cp == 0xFEFF;  // marks, BOM
    }
}
