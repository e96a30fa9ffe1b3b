package io.videopipeline.console;

import io.videopipeline.transcode.KeyFilter;
import java.nio.charset.StandardCharsets;

/**
 * Object keys as the console accepts them from a browser: S3's rules (1 to 1,024 bytes of UTF-8) and no control
 * characters (nothing a log line or a terminal could be steered by); an upload's key must also be one the pipeline
 * transcodes ({@code pipeline.transcode.*}, as transcode-video filters). Anything else printable is a key: angle
 * brackets, quotes and bidi characters stay as they are, and the page shows them as text.
 */
public final class ConsoleKeys {

    public static final int MAX_KEY_BYTES = 1024;

    private final KeyFilter uploads;

    public ConsoleKeys(KeyFilter uploads) {
        this.uploads = uploads;
    }

    /** A key naming an existing upload or record. */
    public static String existing(String key) {
        if (key == null || key.isEmpty()) {
            throw ConsoleError.badRequest("query parameter 'key' is required");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw ConsoleError.badRequest("key is " + key.getBytes(StandardCharsets.UTF_8).length
                    + " bytes of UTF-8; S3 keys are at most " + MAX_KEY_BYTES);
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw ConsoleError.badRequest("key has a control character (U+"
                        + String.format("%04X", (int) key.charAt(i)) + ") at index " + i);
            }
        }
        return key;
    }

    /** A key a new upload may get. */
    public String upload(String key) {
        existing(key);
        uploads.rejection(key).ifPresent(why -> {
            throw ConsoleError.badRequest("key would not be transcoded: " + why);
        });
        return key;
    }
}
