package io.videopipeline.console;

/**
 * A request the console API refuses or cannot serve: the HTTP status and a message saying what and where, sent as
 * {@code {"error": message}}. The message may quote the caller's own input (a key); it goes out as JSON text, never
 * into a log line unescaped.
 */
public final class ConsoleError extends RuntimeException {

    private final int status;

    public ConsoleError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ConsoleError badRequest(String message) {
        return new ConsoleError(400, message);
    }

    public static ConsoleError notFound(String message) {
        return new ConsoleError(404, message);
    }
}
