package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sources a worker keeps between chunk tasks: loaded once per job, never removed under a task, bounded. */
class SourceCacheTest {

    private static final FfmpegProbe.MediaInfo INFO = new FfmpegProbe.MediaInfo("mov", Duration.ofSeconds(1), true,
            null, null, 2, 2, false, null, null, 0, 0, 0);

    @TempDir
    Path work;

    private final AtomicInteger loads = new AtomicInteger();

    private SourceCache.Loader loader(String content) {
        return file -> {
            loads.incrementAndGet();
            try {
                Files.writeString(file, content);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return INFO;
        };
    }

    @Test
    void twoTasksOfOneJobAtOnceLoadOnceAndShareTheFile() throws Exception {
        SourceCache cache = new SourceCache(work, 1);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SourceCache.Loader slow = file -> {
            loading.countDown();
            try {
                release.await(10, TimeUnit.SECONDS); // the second task arrives while the first downloads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return loader("a").load(file);
        };
        CompletableFuture<Path> first = CompletableFuture.supplyAsync(() -> use(cache, "test-source-a", slow));
        assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Path> second = new CompletableFuture<>();
        Thread task = new Thread(() -> second.complete(use(cache, "test-source-a", slow)));
        task.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (task.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until the second task waits for the first one's download
        }
        assertThat(task.getState()).isEqualTo(Thread.State.WAITING);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(second.get(10, TimeUnit.SECONDS));
        assertThat(loads).hasValue(1);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void anotherJobsSourceReplacesTheKeptOneBeforeItsDownload() throws Exception {
        SourceCache cache = new SourceCache(work, 1);
        Path a;
        try (SourceCache.Lease lease = cache.acquire("test-source-a", ".mp4", loader("a"))) {
            a = lease.file();
        }
        assertThat(a).exists();
        try (SourceCache.Lease lease = cache.acquire("test-source-b", ".mp4", file -> {
            assertThat(a).as("the other job's source while this one downloads").doesNotExist();
            return loader("b").load(file);
        })) {
            assertThat(lease.file()).hasContent("b");
        }
        try (SourceCache.Lease lease = cache.acquire("test-source-b", ".mp4", loader("b"))) {
            assertThat(lease.info()).isEqualTo(INFO);
        }
        assertThat(loads).hasValue(2);
        assertThat(dirs()).hasSize(1);
    }

    @Test
    void aSourceInUseIsRemovedOnlyWhenItsLastTaskEnds() throws Exception {
        SourceCache cache = new SourceCache(work, 1);
        SourceCache.Lease held = cache.acquire("test-source-a", "", loader("a"));
        cache.remove("test-source-a"); // the stitch runs here while a redelivered chunk still encodes
        assertThat(held.file()).hasContent("a");
        held.close();
        assertThat(dirs()).isEmpty();
        assertThat(cache.size()).isZero();
        cache.remove("test-source-nothing"); // nothing kept: nothing to do
    }

    @Test
    void aFailedDownloadKeepsNothingAndTheNextTaskTriesAgain() throws Exception {
        SourceCache cache = new SourceCache(work, 1);
        assertThatThrownBy(() -> cache.acquire("test-source-a", ".mov", file -> {
            loads.incrementAndGet();
            throw new TranscodeFailedException("cannot download", "in", "key", null);
        })).isInstanceOf(TranscodeFailedException.class);
        assertThat(dirs()).isEmpty();
        try (SourceCache.Lease lease = cache.acquire("test-source-a", ".mov", loader("a"))) {
            assertThat(lease.file()).hasContent("a");
        }
        assertThat(loads).hasValue(2);
    }

    @Test
    void sizeZeroKeepsNothingAfterATask() throws Exception {
        SourceCache cache = new SourceCache(work, 0);
        try (SourceCache.Lease lease = cache.acquire("test-source-a", "", loader("a"))) {
            assertThat(lease.file()).exists();
        }
        assertThat(dirs()).isEmpty();
    }

    /** A kept source is a locked job dir: a dead process's is swept at the next start, a live one's never. */
    @Test
    void theStartUpSweepRemovesOnlyWhatADeadProcessKept() throws Exception {
        SourceCache cache = new SourceCache(work, 1);
        try (SourceCache.Lease lease = cache.acquire("test-source-a", "", loader("a"))) {
            assertThat(lease.file()).exists();
        }
        assertThat(JobDir.sweepDead(work, "test-", Instant.now())).isZero(); // this process keeps it: live
        assertThat(dirs()).hasSize(1);
        Path dead = Files.createDirectory(work.resolve("test-source-0123456789abcdef-1"));
        Files.writeString(dead.resolve("source.mp4"), "left by a killed worker");
        Files.createFile(dead.resolve(JobDir.OWNER_LOCK)); // its lock went with its process
        assertThat(JobDir.sweepDead(work, "test-", Instant.now())).isEqualTo(1);
        assertThat(dead).doesNotExist();
        assertThat(dirs()).hasSize(1);
    }

    private static Path use(SourceCache cache, String name, SourceCache.Loader loader) {
        try (SourceCache.Lease lease = cache.acquire(name, ".mp4", loader)) {
            return lease.file();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Path> dirs() throws Exception {
        try (Stream<Path> all = Files.list(work)) {
            return all.filter(p -> p.getFileName().toString().startsWith("test-source-")).toList();
        }
    }
}
