package io.videopipeline.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sources of the split-and-stitch jobs this worker is working on, downloaded and probed once for all its tasks of
 * a job: without it every chunk task fetched the whole source again (a 60-minute 1080p upload is gigabytes; 60 chunks
 * fetched it 60 times per worker).
 *
 * <p>Each source sits in a {@link JobDir} of its own, named {@code <kind>source-<hash>-<random>}: the name is the
 * caller's (a hash, never a key) and the dir stays locked while this process keeps it, so the start-up sweep of
 * {@link JobDir#sweepDead} removes what a dead process kept and never a live replica's. At most {@code capacity}
 * sources are kept, the least recently used going first, before a new one is downloaded; a source in use by a task
 * is never removed under it, so the disk holds at most the larger of {@code capacity} and the number of tasks
 * running (before, each running task held its own copy). {@link #remove} drops a job's source (its stitch runs here); 0 keeps nothing after a task.
 *
 * <p>Two tasks of one job at once: the first downloads, the second waits for it and reuses the file (one lock per
 * source). A download or probe that fails leaves nothing kept, and the next task tries again.
 */
final class SourceCache {

    /** A source a task is using: release it with {@link #close}, which may remove it if it was dropped meanwhile. */
    final class Lease implements AutoCloseable {
        private final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        Path file() {
            return entry.file;
        }

        FfmpegProbe.MediaInfo info() {
            return entry.info;
        }

        @Override
        public void close() {
            release(entry);
        }
    }

    /** What fills an empty source: download into the file, then probe it. */
    interface Loader {
        FfmpegProbe.MediaInfo load(Path file);
    }

    private static final class Entry {
        final String name;
        final ReentrantLock filling = new ReentrantLock();
        JobDir dir;            // guarded by filling
        volatile Path file;    // written under filling, set with info once both are good
        FfmpegProbe.MediaInfo info;
        int users;             // guarded by the cache
        boolean dropped;       // guarded by the cache: out of the map, removed when its last user goes

        Entry(String name) {
            this.name = name;
        }
    }

    private final Path workDir;
    private final int capacity;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // least recently used first

    /** @param capacity how many sources are kept between tasks; 0 = none */
    SourceCache(Path workDir, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the source cache size must be 0 or more, got " + capacity);
        }
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.capacity = capacity;
    }

    /**
     * The source named {@code name}, loaded by {@code loader} if no task of this job loaded it here yet.
     *
     * @param name   a file-name-safe id of the job's source (a hash; starts with the encoder's kind for the sweep)
     * @param suffix the source file's extension ({@link TempFiles#extension}), a demuxer hint
     */
    Lease acquire(String name, String suffix, Loader loader) throws IOException {
        Entry entry;
        List<Entry> evicted = new ArrayList<>();
        synchronized (this) {
            entry = entries.computeIfAbsent(name, Entry::new);
            entry.users++;
            evictUnused(evicted); // before the download: another job's kept source never shares the disk with it
        }
        evicted.forEach(SourceCache::delete);
        boolean ok = false;
        try {
            entry.filling.lock();
            try {
                if (entry.file == null) {
                    if (entry.dir == null) {
                        entry.dir = JobDir.create(workDir, name);
                    }
                    Path file = entry.dir.path().resolve("source" + suffix);
                    try {
                        entry.info = loader.load(file);
                        entry.file = file;
                    } finally {
                        if (entry.file == null) {
                            Files.deleteIfExists(file); // a half download is nothing to reuse
                        }
                    }
                }
            } finally {
                entry.filling.unlock();
            }
            ok = true;
            return new Lease(entry);
        } finally {
            if (!ok) {
                release(entry);
            }
        }
    }

    /** Drops the job's source: now if no task uses it, else when the last one ends. */
    void remove(String name) {
        Entry gone;
        synchronized (this) {
            gone = entries.remove(name);
            if (gone == null) {
                return;
            }
            gone.dropped = true;
            if (gone.users > 0) {
                return;
            }
        }
        delete(gone);
    }

    /** How many sources are kept (for tests and logs). */
    synchronized int size() {
        return entries.size();
    }

    private void release(Entry entry) {
        List<Entry> evicted = new ArrayList<>();
        synchronized (this) {
            entry.users--;
            if (entry.dropped) {
                if (entry.users == 0) {
                    evicted.add(entry);
                }
            } else {
                if (entry.file == null && entry.users == 0) {
                    entries.remove(entry.name); // failed to load: keep nothing
                    evicted.add(entry);
                }
                evictUnused(evicted);
            }
        }
        evicted.forEach(SourceCache::delete);
    }

    /** The least recently used sources no task uses, out of the map until no more than {@code capacity} are kept. */
    private void evictUnused(List<Entry> evicted) {
        Iterator<Entry> oldest = entries.values().iterator();
        while (entries.size() > capacity && oldest.hasNext()) {
            Entry e = oldest.next();
            if (e.users == 0) {
                oldest.remove();
                e.dropped = true;
                evicted.add(e);
            }
        }
    }

    private static void delete(Entry entry) {
        entry.filling.lock();
        try {
            if (entry.dir != null) {
                entry.dir.close();
                entry.dir = null;
            }
            entry.file = null;
            entry.info = null;
        } finally {
            entry.filling.unlock();
        }
    }
}
