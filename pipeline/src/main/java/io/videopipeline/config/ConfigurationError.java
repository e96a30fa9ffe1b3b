package io.videopipeline.config;

/**
 * A setting the user has to fix: missing, out of range, a value its reader refuses, a file it names that cannot be
 * read. The message is one line naming the setting and what to do; the command line turns it into its
 * "bad configuration" exit code without a stack trace. Whatever else goes wrong while the configuration is read or
 * the beans are wired is a bug and stays one.
 */
public final class ConfigurationError extends RuntimeException {

    public ConfigurationError(String message) {
        super(message);
    }

    public ConfigurationError(String message, Throwable cause) {
        super(message, cause);
    }
}
