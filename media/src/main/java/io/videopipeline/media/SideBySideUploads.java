package io.videopipeline.media;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A job's uploads side by side ({@code pipeline.transcode.upload-concurrency} at a time), each awaited in the order it
 * was started, so the caller reports them in its own order and fails on the first in that order. An upload is mostly
 * waiting — for its round trip, or for a single connection's throughput — so a few at once finish a package of
 * hundreds of small files, or three large renditions, in a fraction of the time. Closing gives up what is still
 * running (after a failure, those files are not wanted).
 */
final class SideBySideUploads implements AutoCloseable {

    /** One upload, as {@link S3FileUpload#upload} throws. */
    interface Upload {
        void run() throws IOException;
    }

    private final ExecutorService threads;
    private final List<Future<?>> started = new ArrayList<>();

    SideBySideUploads(int count, String name) {
        this.threads = Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @return its number, for {@link #await} */
    int start(Upload upload) {
        started.add(threads.submit(() -> {
            upload.run();
            return null;
        }));
        return started.size() - 1;
    }

    /** Waits for upload {@code number}; its failure is thrown as the upload threw it. */
    void await(int number) throws IOException {
        try {
            started.get(number).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for an upload");
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
