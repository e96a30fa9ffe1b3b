package io.videopipeline.metadata;

/**
 * What extract-metadata did for one object.
 *
 * @param bucket      the bucket
 * @param videoKey    the rendition's key
 * @param metadataKey where the document was written ({@code null} when skipped)
 * @param summary     the summary block written ({@code null} when skipped, and for a master playlist, whose
 *                    summary is a {@link PackageSummary})
 * @param skipped     {@code true} for keys that are not {@code .mp4} (notably our own {@code .json})
 */
public record MetadataResult(String bucket, String videoKey, String metadataKey, RenditionSummary summary,
        boolean skipped) {

    /** The summary of a streaming package written to {@code metadataKey} (see {@link PackageSummary}). */
    static MetadataResult packageSummary(String bucket, String masterKey, String metadataKey) {
        return new MetadataResult(bucket, masterKey, metadataKey, null, false);
    }

    static MetadataResult skipped(String bucket, String key) {
        return new MetadataResult(bucket, key, null, null, true);
    }
}
