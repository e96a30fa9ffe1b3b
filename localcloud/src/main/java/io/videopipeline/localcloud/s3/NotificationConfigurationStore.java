package io.videopipeline.localcloud.s3;

import java.nio.file.Path;

/**
 * Bucket notification configurations, one per bucket: kept in memory and, unless transient, also as
 * {@code <dir>/<bucket>.xml} (AWS's XML) so they survive a restart.
 */
final class NotificationConfigurationStore {

    private final BucketDocumentStore<NotificationConfiguration> configurations;

    /** @param dir where configurations are written, or null to keep them in memory only */
    NotificationConfigurationStore(Path dir) {
        this.configurations = new BucketDocumentStore<>("notification configuration", dir,
                NotificationConfiguration::toXmlBytes, NotificationConfiguration::parse);
    }

    NotificationConfiguration get(String bucket) {
        NotificationConfiguration configuration = configurations.get(bucket);
        return configuration == null ? NotificationConfiguration.empty() : configuration;
    }

    /** An empty configuration removes the bucket's, as S3 does. */
    void put(String bucket, NotificationConfiguration configuration) {
        if (configuration.destinations().isEmpty()) {
            configurations.remove(bucket);
        } else {
            configurations.put(bucket, configuration);
        }
    }

    void remove(String bucket) {
        configurations.remove(bucket);
    }
}
