package io.videopipeline.media;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The scratch files of a transcoding job: named safely, removed completely. Shared by every ffmpeg runner. */
public final class TempFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TempFiles.class);
    private static final Pattern SAFE_EXTENSION = Pattern.compile("[A-Za-z0-9]{1,10}");

    private TempFiles() {
    }

    /**
     * The key's extension if it is plainly alphanumeric (a demuxer hint for ffmpeg), else none: a key is
     * untrusted and never becomes more of a file name than this.
     */
    public static String extension(String key) {
        String file = key.substring(key.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String ext = dot > 0 ? file.substring(dot + 1) : "";
        return SAFE_EXTENSION.matcher(ext).matches() ? "." + ext : "";
    }

    /** Deletes a job's temp dir and everything in it; failures are logged, never thrown. */
    public static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Could not delete temp file {}: {}", path, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not clean up temp dir {}: {}", dir, e.toString());
        }
    }
}
