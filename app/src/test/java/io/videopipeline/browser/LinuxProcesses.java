package io.videopipeline.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Processes found by their command line as Linux's {@code /proc} shows it. {@link ProcessHandle.Info#arguments()}
 * is not enough: chromium's helpers rewrite their command line into one space-separated title, which the JDK then
 * reports as having no arguments at all.
 */
final class LinuxProcesses {

    private LinuxProcesses() {
    }

    /** Live (not zombie) processes whose command line contains the text. */
    static List<ProcessHandle> naming(String text) {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            return all.filter(p -> read(p, "cmdline").replace('\0', ' ').contains(text)).filter(LinuxProcesses::running)
                    .toList();
        }
    }

    /** Alive and not a zombie: a zombie has exited, only its parent has not collected its status yet. */
    static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        String stat = read(p, "stat");
        int end = stat.lastIndexOf(") ");
        return end >= 0 && stat.length() > end + 2 && stat.charAt(end + 2) != 'Z' && stat.charAt(end + 2) != 'X';
    }

    private static String read(ProcessHandle p, String file) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), file)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // gone meanwhile, or not ours to read
        }
    }
}
