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
 * @param packageMaxObjects most objects one streaming package may hold ({@code pipeline.acl.package-max-objects}):
 *                          the master's event lists the package's folder and changes each object's ACL, so a folder
 *                          far larger than any package (a crafted one) is refused instead of worked through
 */
public record AclSettings(AclMode mode, String transcodedBucket, String outputPrefix, int packageMaxObjects) {

    /** Two hours of 6 s segments in four rungs is 4,800 objects: room for far longer videos. */
    public static final int DEFAULT_PACKAGE_MAX_OBJECTS = 50_000;

    public AclSettings(AclMode mode, String transcodedBucket, String outputPrefix) {
        this(mode, transcodedBucket, outputPrefix, DEFAULT_PACKAGE_MAX_OBJECTS);
    }

    public AclSettings {
        Objects.requireNonNull(mode, "mode");
        if (packageMaxObjects < 1) {
            throw new IllegalArgumentException("AclSettings: packageMaxObjects (pipeline.acl.package-max-objects) must"
                    + " be positive, got " + packageMaxObjects);
        }
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
