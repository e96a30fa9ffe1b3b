package io.videopipeline.media;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * How many ffmpeg encodes of one process run at once, whatever the number of jobs in flight. With more jobs than
 * slots the jobs around an encode (download, probe, package, upload) overlap the encode of another: one ffmpeg
 * keeps every core busy while the next job's input arrives and the previous job's outputs leave, instead of two
 * encodes sharing the cores (each ffmpeg with {@code -threads 0} already uses every core). Only the encode waits
 * here; the job's message stays invisible meanwhile, as its visibility extension runs for the whole job.
 */
public final class EncodeSlots {
    private final int count;
    private final Semaphore permits;

    private EncodeSlots(int count) {
        this.count = count;
        this.permits = count <= 0 ? null : new Semaphore(count, true); // fair: the job that waited longest goes first
    }

    /** At most {@code count} encodes at once ({@code count} ≥ 1). */
    public static EncodeSlots of(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("encode slots must be at least 1, got " + count);
        }
        return new EncodeSlots(count);
    }

    /** No limit: every job encodes as soon as it is ready (the behaviour before slots existed). */
    public static EncodeSlots unlimited() {
        return new EncodeSlots(0);
    }

    /** The limit, or 0 for none. */
    public int count() {
        return count;
    }

    /**
     * Runs {@code encode} in a slot, waiting for one first.
     *
     * @throws TranscodeFailedException if interrupted while waiting (shutdown): the job ends unfinished and its
     *                                  message comes back
     */
    public void run(Runnable encode, String bucket, String key) {
        call(() -> {
            encode.run();
            return null;
        }, bucket, key);
    }

    /** {@link #run} for an encode that gives a result. */
    public <T> T call(Supplier<T> encode, String bucket, String key) {
        if (permits == null) {
            return encode.get();
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeFailedException("interrupted while waiting for an encode slot", bucket, key, e);
        }
        try {
            return encode.get();
        } finally {
            permits.release();
        }
    }

    @Override
    public String toString() {
        return count <= 0 ? "unlimited" : String.valueOf(count);
    }
}
