package io.videopipeline.localcloud;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic pseudo-random test content of any length, generated on the fly (never held in memory). */
final class GeneratedContent extends InputStream {

    private final long length;
    private long position;
    private long state;

    GeneratedContent(long seed, long length) {
        this.length = length;
        this.state = seed * 0x9E3779B97F4A7C15L + 1;
    }

    @Override
    public int read() {
        if (position >= length) {
            return -1;
        }
        position++;
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return (int) (state & 0xff);
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) read();
        }
        return n;
    }

    /** SHA-256 of the stream's remaining content, hex. */
    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
