package io.videopipeline.localcloud.s3;

import java.nio.file.Path;

/**
 * Each bucket's CORS configuration ({@code PutBucketCors}), which S3Proxy has only as one global setting: kept in
 * memory and, unless transient, as {@code <dir>/<bucket>.xml} (AWS's XML) so it survives a restart.
 */
final class BucketCorsRules {

    private final BucketDocumentStore<CorsConfiguration> configurations;

    /** @param dir where configurations are written, or null to keep them in memory only */
    BucketCorsRules(Path dir) {
        this.configurations = new BucketDocumentStore<>("CORS configuration", dir, CorsConfiguration::toXmlBytes,
                CorsConfiguration::parse);
    }

    /** The bucket's configuration, or null when it has none. */
    CorsConfiguration get(String bucket) {
        return configurations.get(bucket);
    }

    void put(String bucket, CorsConfiguration configuration) {
        configurations.put(bucket, configuration);
    }

    void remove(String bucket) {
        configurations.remove(bucket);
    }
}
