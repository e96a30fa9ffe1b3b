package io.videopipeline.bench;

import io.videopipeline.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Child processes and what Linux says about them (/proc): CPU time, peak RSS. */
final class Procs {
    /** USER_HZ; 100 on every Linux this runs on. */
    private static final double TICK_MS = 10.0;

    private Procs() {
    }

    /**
     * CPU milliseconds of a process including its waited-for children (utime + stime + cutime + cstime of
     * /proc/PID/stat): for the runner that is the JVM plus every ffmpeg/ffprobe it ran to completion.
     */
    static double cpuMsWithChildren(long pid) {
        String[] f = statFields(pid);
        return (Long.parseLong(f[13]) + Long.parseLong(f[14]) + Long.parseLong(f[15]) + Long.parseLong(f[16])) * TICK_MS;
    }

    /** CPU milliseconds of a process's finished (waited-for) child processes: cutime + cstime of /proc/PID/stat. */
    static double childrenCpuMs(long pid) {
        String[] f = statFields(pid);
        return (Long.parseLong(f[15]) + Long.parseLong(f[16])) * TICK_MS;
    }

    /** CPU milliseconds of this JVM's finished (waited-for) child processes: cutime + cstime. */
    static double childrenCpuMs() {
        String[] f = statFields(ProcessHandle.current().pid());
        return (Long.parseLong(f[15]) + Long.parseLong(f[16])) * TICK_MS;
    }

    /** CPU time of this JVM only (all threads), from the JVM itself: finer than /proc ticks. */
    static double jvmCpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e6;
    }

    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name (field 2) may hold spaces: split after its closing parenthesis
            String rest = stat.substring(stat.lastIndexOf(')') + 2);
            String[] tail = rest.trim().split(" ");
            String[] fields = new String[tail.length + 2];
            System.arraycopy(tail, 0, fields, 2, tail.length);
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/stat", e);
        }
    }

    /** A /proc/PID/status value in MiB, e.g. VmHWM (peak RSS) or VmRSS. */
    static double statusMb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(field + " missing from /proc/" + pid + "/status");
    }

    /** HTTP status of a GET, or -1 if nothing answers. */
    static int httpStatus(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int code = c.getResponseCode();
            c.disconnect();
            return code;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Runs a command to completion, failing with its output if it fails. */
    static String run(List<String> cmd, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code java [jvmArgs] -jar video-pipeline.jar args...} with its output in a file. */
    static final class Jar implements AutoCloseable {
        final Process process;
        final Path log;
        final long startedNanos;
        final java.time.LocalDateTime startedWallClock = java.time.LocalDateTime.now();

        private Jar(Process process, Path log, long startedNanos) {
            this.process = process;
            this.log = log;
            this.startedNanos = startedNanos;
        }

        static Jar start(Path jar, Path cwd, String name, List<String> jvmArgs, List<String> args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // -Dbench.runner.jvm-args="-XX:..." : every runner of the run gets these too (e.g. the container's flags)
            String extra = System.getProperty("bench.runner.jvm-args", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.split("\\s+")));
            }
            cmd.addAll(jvmArgs);
            cmd.add("-jar");
            cmd.add(jar.toString());
            cmd.addAll(args);
            return startCommand(cmd, cwd, name);
        }

        static Jar startCommand(List<String> cmd, Path cwd, String name) throws IOException {
            Files.createDirectories(cwd);
            Path log = cwd.resolve(name + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PIPELINE_") || k.startsWith("CAMEL_")
                    || k.startsWith("AWS_"));
            long t0 = System.nanoTime();
            return new Jar(pb.start(), log, t0);
        }

        long pid() {
            return process.pid();
        }

        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        /** Waits for a line matching {@code regex}; returns the match. */
        Matcher awaitLine(String regex, long timeoutSeconds) throws InterruptedException {
            Pattern p = Pattern.compile(regex);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                Matcher m = p.matcher(output());
                if (m.find()) {
                    return m;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("process ended (exit " + process.exitValue() + ") before '"
                            + regex + "':\n" + tail());
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("no '" + regex + "' within " + timeoutSeconds + " s:\n" + tail());
        }

        /**
         * Seconds from process start to the first log line containing {@code marker}, from the line's own
         * HH:mm:ss.SSS timestamp (logback pattern) against the wall clock at start.
         */
        double secondsToLine(String marker) {
            for (String line : output().split("\n")) {
                if (line.contains(marker) && line.length() > 12) {
                    java.time.LocalTime at = java.time.LocalTime.parse(line.substring(0, 12));
                    java.time.LocalTime started = startedWallClock.toLocalTime();
                    return java.time.Duration.between(started, at).toNanos() / 1e9;
                }
            }
            return Double.NaN;
        }

        /** Wall-clock times (from the logback HH:mm:ss.SSS prefix) of the log lines containing every marker. */
        List<java.time.LocalTime> lineTimes(String... markers) {
            List<java.time.LocalTime> times = new ArrayList<>();
            lines:
            for (String line : output().split("\n")) {
                for (String m : markers) {
                    if (!line.contains(m)) {
                        continue lines;
                    }
                }
                if (line.length() > 12 && line.charAt(2) == ':') {
                    times.add(java.time.LocalTime.parse(line.substring(0, 12)));
                }
            }
            return times;
        }

        /** Polls a URL until it answers 200; returns the seconds since the process was started. */
        double awaitHttp200(String url, long timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (System.nanoTime() < deadline) {
                if (httpStatus(url) == 200) {
                    return (System.nanoTime() - startedNanos) / 1e9;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("process ended (exit " + process.exitValue() + ") before "
                            + url + " was ready:\n" + tail());
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException(url + " not ready within " + timeoutSeconds + " s:\n" + tail());
        }

        String tail() {
            String out = output();
            return out.length() > 4000 ? out.substring(out.length() - 4000) : out;
        }

        /**
         * SIGKILL (and its children): for runners whose shutdown is not being measured — a graceful stop waits
         * for the routes' in-flight 20 s SQS long polls.
         */
        void kill() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }
}
