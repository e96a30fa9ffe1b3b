package io.videopipeline.media;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's temp dir in the work dir, locked for the job's life and deleted when it ends. The lock is what makes
 * a crash safe: the OS drops it when the process dies (kill -9, power loss, an OOM kill), which is how
 * {@link #sweepDead} at the next start tells a dead job's dir, whose {@code finally} never ran, from a live one.
 */
public final class JobDir implements AutoCloseable {

    /** The lock file a running job holds inside its temp dir. */
    public static final String OWNER_LOCK = ".owner.lock";

    private static final Logger LOG = LoggerFactory.getLogger(JobDir.class);

    private final Path path;
    private final FileChannel owner;

    private JobDir(Path path, FileChannel owner) {
        this.path = path;
        this.owner = owner;
    }

    /** A new dir {@code <name>-<random>} in {@code workDir}, already locked. */
    static JobDir create(Path workDir, String name) throws IOException {
        Files.createDirectories(workDir);
        Path dir = Files.createTempDirectory(workDir, name + "-");
        FileChannel owner = FileChannel.open(dir.resolve(OWNER_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            owner.lock();
        } catch (IOException | RuntimeException e) {
            owner.close();
            TempFiles.deleteRecursively(dir);
            throw e;
        }
        return new JobDir(dir, owner);
    }

    Path path() {
        return path;
    }

    /** Deletes the dir and everything in it, then lets the lock go; never throws. */
    @Override
    public void close() {
        TempFiles.deleteRecursively(path);
        try {
            owner.close();
        } catch (IOException e) {
            LOG.debug("Closing a job lock failed: {}", e.toString());
        }
    }

    /**
     * Deletes the temp dirs ({@code <prefix>*}) of jobs that died with an earlier process. A dir whose lock can be
     * taken is dead, whatever the clocks say, so replicas sharing a work dir never remove each other's live jobs.
     * A dir without the lock file (a crash between creating the dir and locking it) goes once it is older than
     * {@code before}.
     *
     * @return how many dirs were removed
     */
    static int sweepDead(Path workDir, String prefix, Instant before) {
        if (!Files.isDirectory(workDir)) {
            return 0; // nothing ran here yet
        }
        int removed = 0;
        try (Stream<Path> dirs = Files.list(workDir)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                if (isDead(dir, before)) {
                    TempFiles.deleteRecursively(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not sweep dead jobs' temp dirs in {}: {}", workDir, e.toString());
        }
        if (removed > 0) {
            LOG.info("Removed {} temp dir(s) of jobs that died with an earlier process from {}", removed, workDir);
        }
        return removed;
    }

    private static boolean isDead(Path dir, Instant before) throws IOException {
        Path lockFile = dir.resolve(OWNER_LOCK);
        if (!Files.exists(lockFile)) {
            return Files.getLastModifiedTime(dir).toInstant().isBefore(before);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false; // another process's live job
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // a live job of this process
        } catch (NoSuchFileException e) {
            return false; // finished and removed meanwhile
        }
    }
}
