package io.videopipeline.bench;

import io.videopipeline.transcode.TranscodeJob;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts recorded jobs and notes when (wall clock and this JVM's CPU time) the first and the last one arrived:
 * the rate and CPU per event are taken between those two, so start-up and shutdown are not counted.
 */
final class JobRecorder {
    static final JobRecorder INSTANCE = new JobRecorder();

    private final AtomicInteger count = new AtomicInteger();
    private volatile int expected;
    private volatile CountDownLatch done = new CountDownLatch(1);
    private volatile long firstNanos;
    private volatile long lastNanos;
    private volatile double firstCpuMs;
    private volatile double lastCpuMs;

    synchronized void reset(int expected) {
        this.expected = expected;
        this.count.set(0);
        this.done = new CountDownLatch(1);
        firstNanos = lastNanos = 0;
        firstCpuMs = lastCpuMs = 0;
    }

    void record(TranscodeJob job) {
        int n = count.incrementAndGet();
        long now = System.nanoTime();
        if (n == 1) {
            firstNanos = now;
            firstCpuMs = Procs.jvmCpuMs();
        }
        lastNanos = now;
        lastCpuMs = Procs.jvmCpuMs();
        if (n >= expected) {
            done.countDown();
        }
    }

    boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    int count() {
        return count.get();
    }

    /** Events per second between the first and the last recorded job. */
    double rate() {
        int n = count.get();
        return n < 2 ? 0 : (n - 1) / ((lastNanos - firstNanos) / 1e9);
    }

    double cpuMsPerEvent() {
        int n = count.get();
        return n < 2 ? 0 : (lastCpuMs - firstCpuMs) / (n - 1);
    }
}
