package io.videopipeline.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.config.ConfigurationError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.transcode.TranscoderSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {

    private final PipelineConfig config = PipelineConfig.load(Path.of("config"), "local", Map.of(), Map.of(
            "pipeline.scripted.speed", "3", "pipeline.scripted.fast", "true", "pipeline.scripted.name", "x"));

    @Test
    void aProviderReadsItsOwnKeysWithoutTheirPrefix() {
        TranscoderSettings settings = new ProviderSettings(config, "scripted");

        assertThat(settings.get("name", "none")).isEqualTo("x");
        assertThat(settings.getInt("speed", 1)).isEqualTo(3);
        assertThat(settings.getBoolean("fast", false)).isTrue();
        assertThat(settings.get("unset", "default")).isEqualTo("default");
    }

    @Test
    void everyOtherKeyIsOutOfSight() {
        TranscoderSettings settings = new ProviderSettings(config, "scripted");

        assertThat(config.get("pipeline.aws.region")).isNotBlank();
        assertThat(settings.get("pipeline.aws.region", "unseen")).isEqualTo("unseen");
        assertThat(settings.get("aws.region", "unseen")).isEqualTo("unseen");
        assertThatThrownBy(() -> settings.require("mail.from")).isInstanceOf(ConfigurationError.class)
                .hasMessageContaining("'pipeline.scripted.mail.from' is not set");
    }
}
