package io.videopipeline.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** On this JVM itself: its compiler threads get nicer, its other threads keep their priority. */
class CompilerThreadNiceTest {
    private static final Path TASKS = Path.of("/proc/self/task");

    @Test
    void compilerThreadsRunNicerThanTheRestOfTheJvm() throws IOException {
        int base = CompilerThreadNice.niceOf(Path.of("/proc/self/stat")).orElseThrow();

        int lowered = CompilerThreadNice.lower(3);

        var compilerThreads = CompilerThreadNice.compilerThreadIds(TASKS);
        assertThat(compilerThreads).as("HotSpot's C1 and C2 threads in %s", TASKS).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lowered).isEqualTo(compilerThreads.size());
        for (String id : compilerThreads) {
            assertThat(CompilerThreadNice.niceOf(TASKS.resolve(id).resolve("stat"))).hasValue(Math.min(19, base + 3));
        }
        // everything else, this test's thread among them, is where it was
        try (var tasks = Files.list(TASKS)) {
            for (Path task : tasks.filter(t -> !compilerThreads.contains(t.getFileName().toString())).toList()) {
                OptionalInt nice = CompilerThreadNice.niceOf(task.resolve("stat"));
                if (nice.isPresent()) { // else the thread has ended since
                    assertThat(nice.getAsInt()).as("nice of thread %s", task.getFileName()).isEqualTo(base);
                }
            }
        }
    }

    @Test
    void theNiceFieldIsCountedFromTheEndOfTheThreadName() {
        // a name with a space and a ')' in it, as a thread may be called anything
        String stat = "4242 (C2 Compile) x) S 1 4242 4242 0 -1 4194624 12 0 0 0 5 1 0 0 30 10 21 0 100 2000 50"
                + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(CompilerThreadNice.niceInStat(stat)).hasValue(10);
        assertThat(CompilerThreadNice.niceInStat("no name here")).isEqualTo(OptionalInt.empty());
        assertThat(CompilerThreadNice.niceInStat("1 (short) S 1 2")).isEqualTo(OptionalInt.empty());
    }
}
