package io.videopipeline.metadata;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of extract-metadata.
 *
 * @param ffprobe         the ffprobe executable ({@code pipeline.ffprobe.path}, default {@code /usr/bin/ffprobe};
 *                        a bare name is looked up on the PATH)
 * @param timeout         how long one ffprobe run may take before it is killed ({@code pipeline.metadata.timeout})
 * @param presignLifetime lifetime of the presigned GET ffprobe reads through
 *                        ({@code pipeline.metadata.presign-lifetime}); must outlast {@code timeout},
 *                        because ffprobe opens a new ranged request whenever it seeks
 * @param bucket          the only bucket this step reads and writes: the transcoded bucket
 *                        ({@code pipeline.buckets.transcoded})
 * @param keyPrefix       the only keys it works on: the literal start of the output key pattern (empty for the
 *                        default pattern, i.e. the whole bucket)
 * @param maxPixels       ffprobe's {@code -max_pixels} ({@code pipeline.transcode.max-pixels})
 * @param packageMaxObjects most objects a streaming package's folder may hold to be summarised
 *                        ({@code pipeline.acl.package-max-objects}, the bound set-permissions uses)
 */
public record MetadataSettings(String ffprobe, Duration timeout, Duration presignLifetime, String bucket,
                               String keyPrefix, long maxPixels, int packageMaxObjects) {

    public MetadataSettings(String ffprobe, Duration timeout, Duration presignLifetime, String bucket,
                            String keyPrefix, long maxPixels) {
        this(ffprobe, timeout, presignLifetime, bucket, keyPrefix, maxPixels,
                io.videopipeline.permissions.AclSettings.DEFAULT_PACKAGE_MAX_OBJECTS);
    }

    /** The transcoded bucket's default name (DESIGN.md §6), whole bucket, the default pixel limit. */
    public MetadataSettings(String ffprobe, Duration timeout, Duration presignLifetime) {
        this(ffprobe, timeout, presignLifetime, "video-transcoded", "",
                io.videopipeline.media.InputLimits.DEFAULTS.maxPixels());
    }

    public MetadataSettings {
        if (ffprobe == null || ffprobe.isBlank()) {
            throw new IllegalArgumentException("MetadataSettings: ffprobe path (pipeline.ffprobe.path) is required");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(presignLifetime, "presignLifetime");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("MetadataSettings: the transcoded bucket is required");
        }
        keyPrefix = keyPrefix == null ? "" : keyPrefix;
        if (packageMaxObjects < 1) {
            throw new IllegalArgumentException("MetadataSettings: packageMaxObjects must be positive, got "
                    + packageMaxObjects);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("MetadataSettings: maxPixels must be positive, got " + maxPixels);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("MetadataSettings: timeout must be positive, got " + timeout);
        }
        if (presignLifetime.compareTo(timeout) < 0) {
            throw new IllegalArgumentException("MetadataSettings: presign lifetime " + presignLifetime
                    + " is shorter than the ffprobe timeout " + timeout
                    + "; ffprobe's later range requests would be refused");
        }
    }

    /** {@code /usr/bin/ffprobe}, 2 minutes, URLs valid for 5 minutes. */
    public static MetadataSettings defaults() {
        return new MetadataSettings("/usr/bin/ffprobe", Duration.ofMinutes(2), Duration.ofMinutes(5));
    }
}
