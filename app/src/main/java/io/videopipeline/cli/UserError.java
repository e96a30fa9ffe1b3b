package io.videopipeline.cli;

/**
 * A mistake the user can fix (bad option, missing directory, broken route, undefined property).
 * Main prints its message as one line and exits with {@link #exitCode()}; the stack trace is only
 * shown at debug level because it would bury the one line that matters. Below the command line a bad
 * setting is a {@link io.videopipeline.config.ConfigurationError}, which Main ends with {@link #CONFIG}.
 */
public final class UserError extends RuntimeException {
    /** Bad command line. */
    public static final int USAGE = 2;
    /** Bad configuration or routes. */
    public static final int CONFIG = 3;

    private final int exitCode;

    public UserError(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public UserError(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
