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
 */
public record MetadataSettings(String ffprobe, Duration timeout, Duration presignLifetime) {

    public MetadataSettings {
        if (ffprobe == null || ffprobe.isBlank()) {
            throw new IllegalArgumentException("MetadataSettings: ffprobe path (pipeline.ffprobe.path) is required");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(presignLifetime, "presignLifetime");
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
