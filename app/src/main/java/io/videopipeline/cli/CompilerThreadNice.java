package io.videopipeline.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Lowers the scheduling priority of this JVM's JIT compiler threads ({@code pipeline.runner.jit-nice}), so that a
 * fresh runner's compiling uses the cores its ffmpeg leaves idle instead of taking them from the encode (issue 20:
 * on 2 cores a fresh runner's C2 compiled for seconds while its first jobs encoded).
 *
 * <p>Linux keeps a nice value per thread and a thread starts with its creator's, so compiler threads the JVM adds
 * later (they are added by compiler threads) inherit it. A process may always lower its own threads' priority; it
 * is done with {@code renice} on the thread ids because Java 17 has no call for it. Anywhere that is not possible
 * (no {@code /proc}, no {@code renice}) the runner runs as before and says so once in its debug log.
 */
public final class CompilerThreadNice {
    private static final Logger LOG = LoggerFactory.getLogger(CompilerThreadNice.class);
    /** HotSpot's compiler threads ("C1 CompilerThread0", cut to 15 characters by the kernel). */
    private static final List<String> COMPILER_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");

    private CompilerThreadNice() {
    }

    /**
     * Sets this JVM's compiler threads to the JVM's own nice value plus {@code increment} (0 leaves them); returns
     * how many threads now run at that value.
     */
    public static int lower(int increment) {
        if (increment == 0) {
            return 0;
        }
        Path tasks = Path.of("/proc/self/task");
        try {
            int base = niceOf(Path.of("/proc/self/stat")).orElseThrow(() -> new IOException("no nice in stat"));
            int target = Math.min(19, base + increment);
            List<String> ids = compilerThreadIds(tasks);
            if (ids.isEmpty()) {
                LOG.debug("No JIT compiler threads found in {}: their priority is left", tasks);
                return 0;
            }
            List<String> command = new ArrayList<>(List.of("renice", "-n", String.valueOf(target), "-p"));
            command.addAll(ids);
            Process renice = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
            }
            int done = 0;
            for (String id : ids) {
                if (niceOf(tasks.resolve(id).resolve("stat")).orElse(base) == target) {
                    done++;
                }
            }
            LOG.debug("JIT compiler threads {} at nice {} (the JVM at {}): {} of {}", ids, target, base, done,
                    ids.size());
            return done;
        } catch (IOException | RuntimeException e) {
            LOG.debug("JIT compiler threads' priority left as it was: {}", e.toString());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Thread ids (names of {@code tasks}' entries) whose name is a HotSpot compiler thread's. */
    static List<String> compilerThreadIds(Path tasks) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(tasks)) {
            for (Path task : entries.toList()) {
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                } catch (IOException gone) {
                    continue; // the thread ended while we looked
                }
                if (COMPILER_THREADS.stream().anyMatch(name::startsWith)) {
                    ids.add(task.getFileName().toString());
                }
            }
        }
        return ids;
    }

    /** The nice value in a {@code /proc/.../stat} file: field 19, counted after the name in parentheses. */
    static OptionalInt niceOf(Path stat) {
        try {
            return niceInStat(Files.readString(stat));
        } catch (IOException gone) {
            return OptionalInt.empty();
        }
    }

    /** The name may hold spaces and parentheses, so fields are counted from its last ')'. */
    static OptionalInt niceInStat(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return OptionalInt.empty();
        }
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        // fields[0] is field 3 (state), so field 19 (nice) is fields[16]
        if (fields.length < 17) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(fields[16]));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
