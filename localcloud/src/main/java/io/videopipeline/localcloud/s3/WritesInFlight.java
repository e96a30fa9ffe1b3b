package io.videopipeline.localcloud.s3;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The objects being written right now, so that listings can leave out the filesystem store's partial files. jclouds
 * writes {@code key} to {@code key-<random UUID>} beside it and renames it when complete, and a listing in between
 * showed that name as an object, which S3 never does: an object is listed once its PUT has succeeded. A name of that
 * shape is left out only while a write of its {@code key} is under way in the same bucket, so a client's own object
 * named like that is listed as ever.
 */
final class WritesInFlight {

    private static final Pattern PARTIAL_FILE =
            Pattern.compile("(.*)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", Pattern.DOTALL);

    /** Writes under way by bucket/key: a key can be written by several clients at once. */
    private final ConcurrentHashMap<String, Integer> writing = new ConcurrentHashMap<>();

    /** Runs a write of {@code container}/{@code key}, marked as under way until it returns or throws. */
    <T> T write(String container, String key, Supplier<T> write) {
        String id = id(container, key);
        writing.merge(id, 1, Integer::sum);
        try {
            return write.get();
        } finally {
            writing.computeIfPresent(id, (k, count) -> count == 1 ? null : count - 1);
        }
    }

    /** Whether {@code name} is the partial file of a write under way in {@code container}. */
    boolean isPartialFile(String container, String name) {
        if (name == null || writing.isEmpty()) {
            return false;
        }
        Matcher m = PARTIAL_FILE.matcher(name);
        return m.matches() && writing.containsKey(id(container, m.group(1)));
    }

    private static String id(String container, String key) {
        return container + '/' + key;
    }
}
