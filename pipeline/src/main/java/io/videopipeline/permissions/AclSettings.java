package io.videopipeline.permissions;

import java.util.Objects;

/**
 * Settings of set-permissions.
 *
 * @param mode             what to do ({@code pipeline.acl.mode}, default {@code public-read} like the seed)
 * @param transcodedBucket the only bucket whose objects this step may touch ({@code pipeline.bucket.transcoded})
 * @param outputPrefix     the only "folder" it may touch, e.g. {@code renditions/}; empty = the whole
 *                         bucket. A prefix without a trailing slash is treated as a folder
 *                         ({@code out} allows {@code out/a.mp4}, not {@code outside/a.mp4}).
 */
public record AclSettings(AclMode mode, String transcodedBucket, String outputPrefix) {

    public AclSettings {
        Objects.requireNonNull(mode, "mode");
        if (transcodedBucket == null || transcodedBucket.isBlank()) {
            throw new IllegalArgumentException("AclSettings: transcodedBucket (pipeline.bucket.transcoded) is required");
        }
        outputPrefix = normalisePrefix(outputPrefix);
    }

    /** The seed's behaviour on the default bucket name: public-read, whole bucket. */
    public static AclSettings defaults() {
        return new AclSettings(AclMode.PUBLIC_READ, "video-transcoded", "");
    }

    /** True if {@code key} lies under {@link #outputPrefix()}. */
    public boolean covers(String key) {
        return key.startsWith(outputPrefix);
    }

    private static String normalisePrefix(String prefix) {
        if (prefix == null) {
            return "";
        }
        String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }
}
