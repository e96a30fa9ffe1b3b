package io.videopipeline.transcode;

import io.videopipeline.media.TranscodeException;

import io.videopipeline.failure.ClassifiedFailure;

import java.util.Locale;

/**
 * What the ffmpeg backend does when a rendition key already holds a rendition of <em>another</em> upload
 * ({@code pipeline.transcode.on-key-collision}). Rendition keys drop the upload's extension, so
 * {@code a/clip.mp4} and {@code a/clip.mov} both map to {@code a/clip/clip-720p.mp4}: without this check the
 * second upload silently replaced the first one's renditions (and made them public, and mailed about them).
 */
public enum KeyCollision {
    /** Default: refuse the second upload, permanently, with both keys in the reason. */
    REFUSE,
    /** Overwrite the other upload's renditions (logged as a warning): the last upload wins. */
    REPLACE;

    public static KeyCollision parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("pipeline.transcode.on-key-collision must be refuse or replace, got '"
                    + value + "'");
        }
    }

    /** A rendition key already belongs to another upload and the setting says refuse: permanent. */
    public static final class CollisionException extends TranscodeException implements ClassifiedFailure {
        private static final long serialVersionUID = 1L;

        CollisionException(String message, String bucket, String key) {
            super(message, bucket, key, null);
        }

        @Override
        public boolean isTransient() {
            return false;
        }
    }
}
