package io.videopipeline.console;

/**
 * What the console API answers: an HTTP status and a JSON document (empty for 204). Written by Jackson only, so
 * nothing in it is escaped or assembled by hand.
 */
public record ConsoleResponse(int status, String json) {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
}
