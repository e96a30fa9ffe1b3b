package io.videopipeline.localcloud.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One document per bucket for a sub-resource the gateway keeps itself (notification configuration, ownership
 * controls): in memory and, unless {@code dir} is null (transient), also as {@code <dir>/<bucket>.xml} in AWS's XML,
 * replaced atomically, so it survives a restart.
 */
final class BucketDocumentStore<T> {

    /** Reads a stored document; any exception means the file is unreadable. */
    interface Parser<T> {
        T parse(byte[] xml) throws Exception;
    }

    private final String what;
    private final Path dir;
    private final Function<T, byte[]> toXml;
    private final Map<String, T> documents = new ConcurrentHashMap<>();

    /** @param what what the documents are, for error messages ("notification configuration") */
    BucketDocumentStore(String what, Path dir, Function<T, byte[]> toXml, Parser<T> parser) {
        this.what = what;
        this.dir = dir;
        this.toXml = toXml;
        if (dir != null) {
            load(parser);
        }
    }

    /** The bucket's document, or null when it has none. */
    T get(String bucket) {
        return documents.get(bucket);
    }

    void put(String bucket, T document) {
        if (dir != null) {
            try {
                BucketConfigFiles.writeAtomically(file(bucket), toXml.apply(document));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write the " + what + " of bucket " + bucket + " to " + dir, e);
            }
        }
        documents.put(bucket, document);
    }

    void remove(String bucket) {
        documents.remove(bucket);
        if (dir != null) {
            try {
                Files.deleteIfExists(file(bucket));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete the " + what + " of bucket " + bucket, e);
            }
        }
    }

    private Path file(String bucket) {
        // Bucket names are validated by S3Proxy (letters, digits, '.', '-', '_'), so they are safe file names.
        return dir.resolve(bucket + ".xml");
    }

    private void load(Parser<T> parser) {
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (!name.endsWith(".xml")) {
                        continue;
                    }
                    try {
                        documents.put(name.substring(0, name.length() - 4), parser.parse(Files.readAllBytes(file)));
                    } catch (IOException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException("Unreadable bucket " + what + " " + file + ": " + e.getMessage(), e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read bucket " + what + "s from " + dir, e);
        }
    }
}
