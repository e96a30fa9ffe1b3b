package io.videopipeline.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The page's files: from the jar ({@code console/} on the classpath), or from {@code pipeline.console.static-dir}
 * when set, so the page can be changed without recompiling. A request path is a file name or names
 * ({@code console.js}, {@code vendor/hls.min.js}) of letters, digits, {@code . _ -}: no {@code ..}, no hidden files,
 * and with a directory, nothing that resolves (symbolic links included) outside it.
 */
public final class ConsoleStatic {

    /** A file to send. */
    public record StaticFile(byte[] bytes, String contentType) {
    }

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*"
            + "(/[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "json", "application/json; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "jpg", "image/jpeg", "ico", "image/x-icon", "map", "application/json");

    private final Path dir;

    /** @param dir the directory replacing the jar's page, or null */
    public ConsoleStatic(Path dir) {
        this.dir = dir == null ? null : dir.toAbsolutePath().normalize();
    }

    /** @param path the request path after the leading {@code /}; empty: {@code index.html} */
    public Optional<StaticFile> find(String path) {
        String name = path == null || path.isEmpty() ? "index.html" : path;
        if (name.length() > 200 || !SAFE.matcher(name).matches()) {
            return Optional.empty();
        }
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(ext);
        if (type == null) {
            return Optional.empty();
        }
        try {
            byte[] bytes = dir == null ? fromJar(name) : fromDir(name);
            return Optional.ofNullable(bytes).map(b -> new StaticFile(b, type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] fromJar(String name) throws IOException {
        try (InputStream in = ConsoleStatic.class.getClassLoader().getResourceAsStream("console/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private byte[] fromDir(String name) throws IOException {
        Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir) || !Files.isRegularFile(file)
                || !file.toRealPath().startsWith(dir.toRealPath())) {
            return null;
        }
        return Files.readAllBytes(file);
    }
}
