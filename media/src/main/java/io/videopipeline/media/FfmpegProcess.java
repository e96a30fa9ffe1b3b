package io.videopipeline.media;

import io.videopipeline.logging.LogText;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ffmpeg or ffprobe as a child process and makes sure it never outlives its job or the JVM.
 *
 * <ul>
 *   <li>stderr is kept as a ring of the last {@value #STDERR_LINES} lines, quoted in the failure message;</li>
 *   <li>for ffmpeg, stdout carries {@code -progress pipe:1} blocks ({@code out_time_us=}, {@code speed=},
 *       {@code progress=continue|end}) which become {@link ProgressListener} calls and a log line every
 *       {@code progressLogInterval};</li>
 *   <li>on timeout or thread interrupt the process and all its descendants are killed;</li>
 *   <li>a JVM shutdown hook kills whatever is still running, so a stopped pipeline leaves no ffmpeg behind.</li>
 * </ul>
 * A non-zero exit becomes a {@link TranscodeFailedException} naming the object and ending with stderr's tail.
 */
public final class FfmpegProcess {

    static final int STDERR_LINES = 30;
    private static final int MAX_LINE_CHARS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(FfmpegProcess.class);
    /** Every running child and the shutdown grace of the runner that started it. */
    private static final Map<Process, Duration> RUNNING = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(FfmpegProcess::killAll, "ffmpeg-reaper"));
    }

    private final Duration timeout;
    private final Duration progressLogInterval;
    private final Duration shutdownGrace;

    public FfmpegProcess(Duration timeout, Duration progressLogInterval) {
        this(timeout, progressLogInterval, Duration.ZERO);
    }

    /**
     * @param shutdownGrace how long the JVM's shutdown waits for this runner's processes before killing them. JVM
     *                      shutdown hooks run concurrently, so without this wait the reaper would kill a transcode
     *                      at the first moment of a SIGTERM, while Camel's own hook is still giving in-flight work
     *                      its grace period ({@code pipeline.shutdown.grace-seconds}).
     */
    public FfmpegProcess(Duration timeout, Duration progressLogInterval, Duration shutdownGrace) {
        this.timeout = timeout;
        this.progressLogInterval = progressLogInterval;
        this.shutdownGrace = shutdownGrace == null || shutdownGrace.isNegative() ? Duration.ZERO : shutdownGrace;
    }

    /** A runner for {@code settings}: its timeout, progress log interval and shutdown grace. */
    public FfmpegProcess(FfmpegSettings settings) {
        this(settings.timeout(), settings.progressLogInterval(), settings.shutdownGrace());
    }

    /**
     * A shutdown hook cannot run on SIGKILL (or an OOM kill), and the kernel does not end a dead parent's children:
     * an orphaned ffmpeg would keep a core busy and write into a dead job's temp dir. On Linux the child is
     * therefore started through util-linux {@code setpriv --pdeathsig KILL}, which asks the kernel to kill it
     * when the thread that started it ends; {@link #execute} waits for the child on that very thread, so this
     * happens only when the JVM dies. Without setpriv the command runs as given.
     */
    private static final List<String> ORPHAN_GUARD = orphanGuard();

    private static List<String> orphanGuard() {
        java.nio.file.Path setpriv = java.nio.file.Path.of("/usr/bin/setpriv");
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                || !java.nio.file.Files.isExecutable(setpriv)) {
            return List.of();
        }
        List<String> guard = List.of(setpriv.toString(), "--pdeathsig", "KILL", "--");
        try {
            Process probe = new ProcessBuilder(concat(guard, List.of("true"))).redirectErrorStream(true).start();
            probe.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return guard;
            }
            probe.destroyForcibly();
        } catch (IOException e) {
            // not usable here (e.g. a seccomp profile refusing prctl): run children unguarded
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("{} --pdeathsig does not work here: an ffmpeg may outlive a SIGKILLed JVM", setpriv);
        return List.of();
    }

    /** The command behind the orphan guard; a program that cannot be found is left to fail to start as itself. */
    public static List<String> guarded(List<String> command) {
        return ORPHAN_GUARD.isEmpty() || command.isEmpty() || !executable(command.get(0)) ? command
                : concat(ORPHAN_GUARD, command);
    }

    private static boolean executable(String program) {
        if (program.contains("/")) {
            return java.nio.file.Files.isExecutable(java.nio.file.Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Number of ffmpeg/ffprobe processes started by this JVM that are still running (for tests and health). */
    public static int running() {
        RUNNING.keySet().removeIf(p -> !p.isAlive());
        return RUNNING.size();
    }

    /**
     * Runs an ffmpeg command that writes {@code -progress pipe:1} to stdout.
     *
     * @param mediaDuration probed duration of the input, for percentages; null if unknown
     */
    public Outcome transcode(List<String> command, String bucket, String key, String jobId, Duration mediaDuration,
                             ProgressListener listener) {
        return transcode(command, bucket, key, jobId, mediaDuration, listener, null);
    }

    /**
     * As {@link #transcode(List, String, String, String, Duration, ProgressListener)}, with progress also read from
     * {@code videoStats}, the file the command names in {@code -vstats_file} (null: none). ffmpeg prints no
     * {@code -progress} block before every output file has been opened, and an output that waits for its first
     * frame (a poster chosen from the first seconds, a storyboard sprite filled only at the end) keeps a short clip
     * silent to the end; the per-frame video statistics come as the frames are encoded, with each stream's size.
     */
    public Outcome transcode(List<String> command, String bucket, String key, String jobId, Duration mediaDuration,
                             ProgressListener listener, java.nio.file.Path videoStats) {
        ProgressParser parser = new ProgressParser(jobId, key, mediaDuration, listener);
        VideoStatsTail tail = videoStats == null ? null : VideoStatsTail.start(videoStats, parser);
        try {
            return new Outcome(execute(command, "ffmpeg", bucket, key, parser::line).errorLines());
        } finally {
            if (tail != null) {
                tail.stop();
            }
        }
    }

    /**
     * What a successful ffmpeg run said besides its outputs.
     *
     * @param errorLines the lines it logged at level error (with {@code -loglevel level+...}, which tags them
     *                   {@code [error]}), first ones first, at most {@value #STDERR_LINES}; for a run that exited 0,
     *                   damage in the input that the decoder concealed
     * @param errors     how many such lines there were in all
     */
    public record Outcome(List<String> errorLines, int errors) {
        public Outcome {
            errorLines = List.copyOf(errorLines);
        }

        Outcome(ErrorLines lines) {
            this(lines.first(), lines.count());
        }
    }

    /** Runs a command (ffprobe) and returns its stdout, at most {@code maxChars} characters of it. */
    public String capture(List<String> command, String label, String bucket, String key, int maxChars) {
        return run(command, label, bucket, key, maxChars).stdout();
    }

    /** What a successful run printed: stdout (capped) and the last lines of stderr (warnings). */
    public record Captured(String stdout, List<String> stderrTail) {
    }

    /** Like {@link #capture}, also returning stderr's tail: ffprobe reports refused frames there and still exits 0. */
    public Captured run(List<String> command, String label, String bucket, String key, int maxChars) {
        StringBuilder out = new StringBuilder();
        StderrRing stderr = execute(command, label, bucket, key, line -> {
            if (out.length() < maxChars) {
                out.append(line, 0, Math.min(line.length(), maxChars - out.length())).append('\n');
            }
        });
        return new Captured(out.toString(), stderr.lines());
    }

    private StderrRing execute(List<String> command, String label, String bucket, String key,
                               Consumer<String> stdout) {
        String object = "s3://" + bucket + "/" + LogText.safe(key);
        Process process;
        try {
            process = new ProcessBuilder(guarded(command)).start();
        } catch (IOException e) {
            throw new TranscodeFailedException(label + " could not be started for " + object + ": " + e.getMessage(),
                    bucket, key, e);
        }
        RUNNING.put(process, shutdownGrace);
        StderrRing stderr = new StderrRing();
        Thread errReader = reader(process.getErrorStream(), stderr::add, label + "-stderr");
        Thread outReader = reader(process.getInputStream(), stdout, label + "-stdout");
        try {
            process.getOutputStream().close(); // nothing to say on stdin; ffmpeg also gets -nostdin
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                TranscodeFailedException failed = failure(label + " timed out after " + timeout + " on " + object
                        + " (pipeline.ffmpeg.timeout-minutes)", bucket, key, stderr, null);
                throw new TranscodeTimeoutException(failed.getMessage(), bucket, key, failed.stderrTail());
            }
            errReader.join(5_000);
            outReader.join(5_000);
            int exit = process.exitValue();
            if (exit != 0) {
                TranscodeFailedException failed = failure(label + " failed with exit code " + exit + " on " + object,
                        bucket, key, stderr, null);
                throw new ExitCodeException(failed.getMessage(), bucket, key, failed.stderrTail());
            }
            return stderr;
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw failure(label + " was interrupted on " + object, bucket, key, stderr, e);
        } catch (IOException e) {
            killTree(process);
            throw failure(label + " could not be driven on " + object + ": " + e.getMessage(), bucket, key, stderr, e);
        } finally {
            if (process.isAlive()) {
                killTree(process);
            }
            RUNNING.remove(process);
        }
    }

    private static TranscodeFailedException failure(String message, String bucket, String key, StderrRing stderr,
                                                    Throwable cause) {
        List<String> tail = stderr.lines();
        String text = tail.isEmpty() ? message : message + "; last stderr lines:\n  " + String.join("\n  ", tail);
        return new TranscodeFailedException(text, bucket, key, tail, cause);
    }

    private static Thread reader(InputStream stream, Consumer<String> sink, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.accept(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line);
                }
            } catch (IOException e) {
                // The process died or was killed: its pipes close; nothing more to read.
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    public static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killAll() {
        Duration grace = RUNNING.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && running() > 0) {
            try {
                Thread.sleep(100); // the reaper has nothing else to wait on: the processes belong to job threads
            } catch (InterruptedException e) {
                break;
            }
        }
        for (Process process : RUNNING.keySet()) {
            LOG.warn("Killing {} (pid {}) left running at JVM shutdown", process.info().command().orElse("process"),
                    process.pid());
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** The first lines ffmpeg tagged {@code [error]} (what follows the tag), and how many there were. */
    record ErrorLines(List<String> first, int count) {
        private static final String TAG = "[error] ";

        /** The text after the tag, or null if the line is not at level error. */
        static String text(String line) {
            int at = line.startsWith(TAG) ? 0 : line.indexOf("] " + TAG);
            if (at < 0) {
                return null;
            }
            return line.substring(line.startsWith(TAG) ? TAG.length() : at + 2 + TAG.length()).trim();
        }
    }

    /**
     * A job's temp dir and ffmpeg's object addresses ({@code [mov @ 0x55ff…]}) say nothing to whoever reads a failure
     * (the dead letter's reason, the job record, the console, a mail), and the runner's paths are nobody else's
     * business: stderr lines keep only the file names ({@code source.mov}, {@code 0-1080p.mp4}).
     */
    private static final Pattern RUNNER_PATH =
            Pattern.compile("(?:file:|(?<![\\w:/.]))/(?:[^\\s/:'\"]+/)+(?=[^\\s/:'\"])");
    private static final Pattern OBJECT_ADDRESS = Pattern.compile(" @ 0x[0-9a-f]+(?=])");

    static String withoutRunnerDetail(String line) {
        return OBJECT_ADDRESS.matcher(RUNNER_PATH.matcher(line).replaceAll("")).replaceAll("");
    }

    /** The last lines of stderr (older lines fall off), and the lines at level error. */
    private static final class StderrRing {
        private final Deque<String> lines = new ArrayDeque<>(STDERR_LINES);
        private final List<String> errors = new ArrayList<>();
        private int errorCount;

        synchronized ErrorLines errorLines() {
            return new ErrorLines(List.copyOf(errors), errorCount);
        }

        synchronized void add(String raw) {
            if (raw.isBlank()) {
                return;
            }
            String line = withoutRunnerDetail(raw);
            String error = ErrorLines.text(line);
            if (error != null) {
                errorCount++;
                if (errors.size() < STDERR_LINES) {
                    errors.add(error);
                }
            }
            if (lines.size() == STDERR_LINES) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }

        synchronized List<String> lines() {
            return new ArrayList<>(lines);
        }
    }

    /** Turns {@code -progress} key=value blocks into listener calls and periodic log lines. */
    private final class ProgressParser {
        private final String jobId;
        private final String key;
        private final Duration mediaDuration;
        private final ProgressListener listener;
        private final long startNanos = System.nanoTime();
        private long outTimeUs;
        private double speed = -1;
        private double statsSpeed = -1;
        private long outputBytes = -1;
        private long lastLogNanos = startNanos;

        ProgressParser(String jobId, String key, Duration mediaDuration, ProgressListener listener) {
            this.jobId = jobId;
            this.key = key;
            this.mediaDuration = mediaDuration;
            this.listener = listener == null ? ProgressListener.NONE : listener;
        }

        /** Progress from the video statistics: media time encoded and bytes of video written, if ahead of ffmpeg's. */
        synchronized void videoStats(long timeUs, long bytes) {
            outputBytes = Math.max(outputBytes, bytes);
            if (timeUs > outTimeUs) {
                outTimeUs = timeUs;
                double wall = (System.nanoTime() - startNanos) / 1e9;
                statsSpeed = wall > 0 ? timeUs / 1e6 / wall : -1;
                report(false);
            }
        }

        synchronized void line(String line) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                return;
            }
            String name = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            switch (name) {
                case "out_time_us", "out_time_ms" -> { // both are microseconds (out_time_ms is misnamed)
                    try {
                        outTimeUs = Math.max(outTimeUs, Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        // "N/A" before the first frame
                    }
                }
                case "speed" -> {
                    try {
                        speed = Double.parseDouble(value.endsWith("x") ? value.substring(0, value.length() - 1) : value);
                    } catch (NumberFormatException e) {
                        speed = -1;
                    }
                }
                case "progress" -> report("end".equals(value));
                default -> { }
            }
        }

        private void report(boolean end) {
            Duration encoded = Duration.ofNanos(outTimeUs * 1000);
            double percent = -1;
            if (mediaDuration != null && !mediaDuration.isZero()) {
                percent = end ? 100 : Math.min(100, 100.0 * outTimeUs / (mediaDuration.toNanos() / 1000.0));
            }
            double rate = speed >= 0 ? speed : statsSpeed;
            try {
                listener.onProgress(new ProgressListener.Progress(jobId, percent, encoded, rate, end, outputBytes));
            } catch (RuntimeException e) {
                LOG.warn("Progress listener failed for job {}: {}", jobId, e.toString());
            }
            long now = System.nanoTime();
            if (end || now - lastLogNanos >= progressLogInterval.toNanos()) {
                lastLogNanos = now;
                LOG.info("Transcoding {} (job {}): {} encoded{}{}", LogText.safe(key), jobId, encoded,
                        percent >= 0 ? String.format(" (%.0f%%)", percent) : "",
                        rate >= 0 ? String.format(", speed %.2fx", rate) : "");
            }
        }
    }

    /**
     * Reads the {@code -vstats_file} as ffmpeg appends to it: a line per encoded video frame ({@code out= 0 st= 0
     * frame= 12 q= 25.0 f_size= 5120 s_size= 57kB time= 0.400 br= ...}). ffmpeg writes the file through a buffer,
     * so lines come in bursts of a few kB; the file is polled every half second, as often as ffmpeg's own progress.
     */
    private static final class VideoStatsTail {
        private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
                "out=\\s*(\\d+)\\s+st=\\s*(\\d+)\\s.*s_size=\\s*(\\d+)kB\\s+time=\\s*([0-9.]+)");
        private final java.nio.file.Path file;
        private final ProgressParser parser;
        private final Map<String, Long> streamBytes = new java.util.HashMap<>();
        private final StringBuilder partial = new StringBuilder();
        private final Thread thread;
        private volatile boolean stopped;
        private long position;
        private long timeUs;

        private VideoStatsTail(java.nio.file.Path file, ProgressParser parser) {
            this.file = file;
            this.parser = parser;
            this.thread = new Thread(this::run, "ffmpeg-vstats");
            thread.setDaemon(true);
        }

        static VideoStatsTail start(java.nio.file.Path file, ProgressParser parser) {
            VideoStatsTail tail = new VideoStatsTail(file, parser);
            tail.thread.start();
            return tail;
        }

        void stop() {
            stopped = true;
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            while (!stopped) {
                try {
                    Thread.sleep(500); // a file has nothing to wait on: polled, as ffmpeg's stats period is 0.5 s
                    readNew();
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.debug("Cannot read ffmpeg's video statistics {}: {}", file, e.toString());
                }
            }
        }

        private void readNew() throws IOException {
            if (!java.nio.file.Files.isRegularFile(file)) {
                return; // ffmpeg opens it at the first encoded frame
            }
            try (java.nio.channels.SeekableByteChannel in = java.nio.file.Files.newByteChannel(file)) {
                if (in.size() <= position) {
                    return;
                }
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(in.size() - position,
                        1 << 20));
                in.position(position);
                position += in.read(buffer);
                partial.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            }
            int end;
            boolean changed = false;
            while ((end = partial.indexOf("\n")) >= 0) {
                java.util.regex.Matcher m = LINE.matcher(partial.substring(0, end));
                partial.delete(0, end + 1);
                if (m.find()) {
                    streamBytes.put(m.group(1) + ":" + m.group(2), Long.parseLong(m.group(3)) * 1024);
                    timeUs = Math.max(timeUs, Math.round(Double.parseDouble(m.group(4)) * 1e6));
                    changed = true;
                }
            }
            if (changed) {
                parser.videoStats(timeUs, streamBytes.values().stream().mapToLong(Long::longValue).sum());
            }
        }
    }

    /**
     * The process ran to its end and said no (a non-zero exit), as opposed to being killed, timing out or not
     * starting: for ffprobe on a local file, a verdict on the file itself.
     */
    public static final class ExitCodeException extends TranscodeFailedException {
        private static final long serialVersionUID = 1L;

        ExitCodeException(String message, String bucket, String key, List<String> stderrTail) {
            super(message, bucket, key, stderrTail, null);
        }
    }
}
