package io.videopipeline;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar as a real child process (for *IT tests): output goes to a file the test can
 * read, and {@link #close()} stops it with SIGTERM (then SIGKILL) so no process outlives a test.
 */
public final class PipelineProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private PipelineProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    public static Path jar() {
        return packaged("pipeline.jar", "target/video-pipeline.jar");
    }

    /** The worker jar: the {@code aws} profile only, built without the local cloud. */
    public static Path workerJar() {
        return packaged("pipeline.worker.jar", "target/video-pipeline-worker.jar");
    }

    private static Path packaged(String property, String defaultPath) {
        Path path = Path.of(System.getProperty(property, defaultPath));
        if (!Files.exists(path)) {
            throw new IllegalStateException("packaged jar " + path.toAbsolutePath()
                    + " is missing: run the ITs with 'mvn verify'");
        }
        return path.toAbsolutePath();
    }

    public static PipelineProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(jar(), workDir, env, args);
    }

    public static PipelineProcess start(Path jar, Path workDir, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "pipeline-", ".out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PIPELINE_") || k.startsWith("CAMEL_"));
        pb.environment().putAll(env);
        return new PipelineProcess(pb.start(), output);
    }

    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the process to end by itself; fails with its output when it does not. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, as a container runtime would send; returns the exit code. */
    public int terminate(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("no exit within " + grace + " of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM without waiting: for a test that watches what happens while the process stops. */
    public void terminateAsync() {
        process.destroy();
    }

    /** SIGKILL: the crash a chaos test wants. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    public File outputFile() {
        return output.toFile();
    }
}
