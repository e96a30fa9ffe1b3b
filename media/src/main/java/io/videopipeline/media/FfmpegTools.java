package io.videopipeline.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Start-up checks of what {@link FfmpegSettings} names: a runner fails at start, not at its first job. */
public final class FfmpegTools {

    /** Binaries that answered {@code -version} in this JVM: the metadata step does not start ffprobe a second time. */
    private static final Set<String> ANSWERED = ConcurrentHashMap.newKeySet();
    /** Checks {@link #checkAhead} started, by binary. */
    private static final Map<String, CompletableFuture<Void>> AHEAD = new ConcurrentHashMap<>();

    private FfmpegTools() {
    }

    /** Whether {@code path} already passed this start-up check in this JVM (waiting for one started ahead). */
    public static boolean answered(String path) {
        awaitAhead(path);
        return ANSWERED.contains(path);
    }

    private static void awaitAhead(String path) {
        // kept, not removed: two checks of one binary (ffmpeg and ffprobe may be the same) both wait for it
        CompletableFuture<Void> ahead = AHEAD.get(path);
        if (ahead != null) {
            try {
                ahead.join();
            } catch (CompletionException | CancellationException e) {
                // not answered: the caller's own check runs again and reports it with its names
            }
        }
    }

    /**
     * Starts {@code binary -version} for each of {@code paths} on a thread of its own and returns at once: a runner
     * starts its checks before Camel, so the process starts (~0.1 s, mostly the dynamic linker) run beside Camel's
     * set-up instead of on its critical path (issue 20, start-up). {@link #check} then waits for them; a check that
     * failed here is run again there, which reports it.
     */
    public static void checkAhead(String... paths) {
        for (String path : paths) {
            // names in its messages do not matter: a failure here is only a reason for the check to run again
            AHEAD.computeIfAbsent(path, p -> CompletableFuture.runAsync(
                    () -> runVersion(p, p, "-"), command -> {
                        Thread t = new Thread(command, "version-check-ahead");
                        t.setDaemon(true);
                        t.start();
                    }));
        }
    }

    /**
     * @throws IllegalStateException if ffmpeg or ffprobe cannot be run, or the work dir is not writable
     */
    public static void check(FfmpegSettings settings) {
        // ffprobe's check runs beside ffmpeg's: each is a process start (~0.1 s idle, far more on a busy machine)
        // on the start-up's critical path
        CompletableFuture<Void> ffprobe = CompletableFuture.runAsync(
                () -> checkBinary(settings.ffprobePath(), "ffprobe", "pipeline.ffprobe.path"),
                command -> new Thread(command, "ffprobe-check").start());
        RuntimeException failure = null;
        try {
            checkBinary(settings.ffmpegPath(), "ffmpeg", "pipeline.ffmpeg.path");
        } catch (RuntimeException e) {
            failure = e; // reported first, as when the checks ran one after the other
        }
        try {
            ffprobe.join();
        } catch (CompletionException e) {
            if (failure == null) {
                failure = e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        checkWorkDir(settings.workDir());
    }

    /** Runs {@code binary -version}; a clear message if it is missing or broken. */
    static void checkBinary(String path, String name, String property) {
        if (!answered(path)) {
            runVersion(path, name, property);
        }
    }

    private static void runVersion(String path, String name, String property) {
        String hint = "install it with 'apt-get install ffmpeg' or set " + property;
        Process p;
        try {
            p = new ProcessBuilder(path, "-version").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(name + " not found at '" + path + "': " + hint, e);
        }
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            out.transferTo(OutputStream.nullOutputStream()); // the version banner
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                FfmpegProcess.killTree(p);
                throw new IllegalStateException(name + " at '" + path + "' did not answer '-version' within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(name + " at '" + path + "' failed '-version' with exit code "
                        + p.exitValue() + ": " + hint);
            }
            ANSWERED.add(path);
        } catch (IOException e) {
            throw new IllegalStateException(name + " at '" + path + "' could not be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            FfmpegProcess.killTree(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + name + " at '" + path + "'", e);
        }
    }

    private static void checkWorkDir(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalStateException("pipeline.ffmpeg.work-dir '" + workDir + "' cannot be created: " + e, e);
        }
        if (!Files.isDirectory(workDir) || !Files.isWritable(workDir)) {
            throw new IllegalStateException("pipeline.ffmpeg.work-dir '" + workDir + "' is not a writable directory");
        }
    }
}
