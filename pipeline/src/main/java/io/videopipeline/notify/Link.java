package io.videopipeline.notify;

import java.time.Instant;

/**
 * A download link for a rendition.
 *
 * @param url       the URL (a presigned URL is a bearer credential: put it in the mail, not in logs)
 * @param isPublic  {@code true} for a plain public URL
 * @param expiresAt when a presigned URL stops working; {@code null} for public URLs
 */
public record Link(String url, boolean isPublic, Instant expiresAt) {

    @Override
    public String toString() {
        // Records print every component; this one must not print a signature.
        int q = url.indexOf('?');
        return "Link[" + (q < 0 ? url : url.substring(0, q) + "?…") + ", public=" + isPublic + ", expiresAt="
                + expiresAt + "]";
    }
}
