package io.videopipeline.localcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bucket notification configurations, one per bucket: kept in memory and, unless transient, also as
 * {@code <dir>/<bucket>.xml} (AWS's XML) so they survive a restart.
 */
final class NotificationConfigurationStore {

    private final Path dir;
    private final Map<String, NotificationConfiguration> cache = new ConcurrentHashMap<>();

    /** @param dir where configurations are written, or null to keep them in memory only */
    NotificationConfigurationStore(Path dir) {
        this.dir = dir;
        if (dir != null) {
            load();
        }
    }

    NotificationConfiguration get(String bucket) {
        return cache.getOrDefault(bucket, NotificationConfiguration.empty());
    }

    void put(String bucket, NotificationConfiguration configuration) {
        if (configuration.destinations().isEmpty()) {
            remove(bucket);
            return;
        }
        if (dir != null) {
            try {
                BucketConfigFiles.writeAtomically(file(bucket), configuration.toXmlBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write the notification configuration of bucket " + bucket + " to " + dir, e);
            }
        }
        cache.put(bucket, configuration);
    }

    void remove(String bucket) {
        cache.remove(bucket);
        if (dir != null) {
            try {
                Files.deleteIfExists(file(bucket));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete the notification configuration of bucket " + bucket, e);
            }
        }
    }

    private Path file(String bucket) {
        // Bucket names are validated by S3Proxy (letters, digits, '.', '-', '_'), so they are safe file names.
        return dir.resolve(bucket + ".xml");
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (!name.endsWith(".xml")) {
                        continue;
                    }
                    try {
                        cache.put(name.substring(0, name.length() - 4), NotificationConfiguration.parse(Files.readAllBytes(file)));
                    } catch (NotificationConfiguration.InvalidConfigurationException e) {
                        throw new IllegalStateException("Unreadable bucket notification configuration " + file + ": " + e.getMessage()
                                + "\n" + new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read bucket notification configurations from " + dir, e);
        }
    }
}
