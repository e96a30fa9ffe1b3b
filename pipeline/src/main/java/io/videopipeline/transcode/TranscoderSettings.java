package io.videopipeline.transcode;

/**
 * What a {@link TranscoderProvider} may read of the configuration: its own settings, the keys under
 * {@code pipeline.<name>.} (as {@code pipeline.mediaconvert.*} are the MediaConvert backend's), named here without
 * that prefix. Nothing else of the application's configuration is visible, and nothing can be changed.
 */
public interface TranscoderSettings {

    /** The value of {@code pipeline.<name>.<key>}, or {@code defaultValue} when it is unset or blank. */
    String get(String key, String defaultValue);

    /** The value of {@code pipeline.<name>.<key>}; unset or blank fails with a message saying how to set it. */
    String require(String key);

    /** A whole number; a value that is none fails with a message naming the key. */
    int getInt(String key, int defaultValue);

    boolean getBoolean(String key, boolean defaultValue);
}
