package io.videopipeline.app;

import io.videopipeline.config.PipelineConfig;
import io.videopipeline.transcode.TranscoderSettings;

/** A transcoder provider's view of the configuration: only the keys under {@code pipeline.<name>.}. */
final class ProviderSettings implements TranscoderSettings {
    private final PipelineConfig config;
    private final String prefix;

    ProviderSettings(PipelineConfig config, String providerName) {
        this.config = config;
        this.prefix = "pipeline." + providerName + ".";
    }

    @Override
    public String get(String key, String defaultValue) {
        return config.get(prefix + key, defaultValue);
    }

    @Override
    public String require(String key) {
        return config.require(prefix + key);
    }

    @Override
    public int getInt(String key, int defaultValue) {
        return config.getInt(prefix + key, defaultValue);
    }

    @Override
    public boolean getBoolean(String key, boolean defaultValue) {
        return config.getBoolean(prefix + key, defaultValue);
    }

    @Override
    public String toString() {
        return prefix + "*";
    }
}
