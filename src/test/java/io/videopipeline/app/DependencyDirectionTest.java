package io.videopipeline.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command line ({@code cli}, {@code Main}) and the wiring ({@code app}) sit on top: they use the pipeline's
 * packages, and no pipeline package names them, not even fully qualified. (Until the modules make this a compile
 * error.)
 */
class DependencyDirectionTest {

    private static final Path SOURCES = Path.of("src/main/java/io/videopipeline");
    private static final Pattern UPWARD = Pattern.compile("\\bio\\.videopipeline\\.(cli|app)\\.|\\bio\\.videopipeline\\.Main\\b");

    @Test
    void noPipelinePackageReferencesTheCommandLineOrTheWiring() throws IOException {
        List<String> upward;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            upward = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !isTop(SOURCES.relativize(f)))
                    .filter(f -> UPWARD.matcher(read(f)).find())
                    .map(f -> SOURCES.relativize(f).toString()).toList();
        }
        assertThat(upward).isEmpty();
    }

    private static boolean isTop(Path relative) {
        String first = relative.getName(0).toString();
        return first.equals("cli") || first.equals("app") || first.equals("Main.java");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
