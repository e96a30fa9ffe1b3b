package io.videopipeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineConfigTest {

    @TempDir
    Path dir;

    @Test
    void fileThenProfileThenEnvironmentThenCommandLine() throws IOException {
        Files.writeString(dir.resolve("application.properties"), """
                pipeline.a=file
                pipeline.b=file
                pipeline.c=file
                pipeline.d-e=file
                """);
        Files.writeString(dir.resolve("application-test.properties"), """
                pipeline.b=profile
                pipeline.c=profile
                pipeline.d-e=profile
                """);
        Map<String, String> env = Map.of("PIPELINE_C", "env", "PIPELINE_D_E", "env");
        Map<String, String> cli = Map.of("pipeline.d-e", "cli");

        PipelineConfig config = PipelineConfig.load(dir, "test", env, cli);

        assertThat(config.get("pipeline.a")).isEqualTo("file");
        assertThat(config.get("pipeline.b")).isEqualTo("profile");
        assertThat(config.get("pipeline.c")).isEqualTo("env");
        assertThat(config.get("pipeline.d-e")).isEqualTo("cli");
        assertThat(config.filesRead()).containsExactly(
                dir.resolve("application.properties"), dir.resolve("application-test.properties"));
    }

    @Test
    void profileFileIsReadFromAMovedConfigDirectory() throws IOException {
        Path moved = Files.createDirectories(dir.resolve("elsewhere"));
        Files.writeString(moved.resolve("application.properties"), "pipeline.x=base\n");
        Files.writeString(moved.resolve("application-aws.properties"), "pipeline.x=aws\n");

        assertThat(PipelineConfig.load(moved, "aws", Map.of(), Map.of()).get("pipeline.x")).isEqualTo("aws");
    }

    @Test
    void unknownProfileAndMissingDirectoryAreConfigurationErrorsThatSayWhatToDo() throws IOException {
        Files.writeString(dir.resolve("application.properties"), "pipeline.x=1\n");

        assertThatThrownBy(() -> PipelineConfig.load(dir, "nosuch", Map.of(), Map.of()))
                .isInstanceOf(ConfigurationError.class)
                .hasMessageContaining("application-nosuch.properties").hasMessageContaining("--profile");
        assertThatThrownBy(() -> PipelineConfig.load(dir.resolve("missing"), "local", Map.of(), Map.of()))
                .isInstanceOf(ConfigurationError.class).hasMessageContaining("--config");
    }

    @Test
    void requireNamesTheKeyAndItsEnvironmentVariable() throws IOException {
        Files.writeString(dir.resolve("application.properties"), "pipeline.x=1\n");
        Files.writeString(dir.resolve("application-local.properties"), "\n");
        PipelineConfig config = PipelineConfig.load(dir, "local", Map.of(), Map.of());

        assertThatThrownBy(() -> config.require("pipeline.aws.endpoint-url"))
                .isInstanceOf(ConfigurationError.class)
                .hasMessageContaining("pipeline.aws.endpoint-url")
                .hasMessageContaining("PIPELINE_AWS_ENDPOINT_URL");
    }

    @Test
    void aListSettingIsSplitAtCommasAndTrimmed() throws IOException {
        Files.writeString(dir.resolve("application.properties"), "pipeline.suffixes= .mov , ,.mp4\npipeline.blank=  \n");
        PipelineConfig config = PipelineConfig.load(dir, "default", Map.of(), Map.of());

        assertThat(config.getList("pipeline.suffixes")).containsExactly(".mov", ".mp4");
        assertThat(config.getList("pipeline.blank")).isEmpty();
        assertThat(config.getList("pipeline.unset")).isEmpty();
        assertThat(PipelineConfig.csv(null)).isEmpty();
    }

    @Test
    void aValueItsReaderRefusesIsAConfigurationErrorNamingTheKeyAndNothingElseIs() throws IOException {
        Files.writeString(dir.resolve("application.properties"), "pipeline.mode=sideways\npipeline.named=x\n");
        PipelineConfig config = PipelineConfig.load(dir, "default", Map.of(), Map.of());

        assertThatThrownBy(() -> config.parse("pipeline.mode", "up", v -> {
            throw new IllegalArgumentException("must be up or down, got '" + v + "'");
        })).isInstanceOf(ConfigurationError.class)
                .hasMessage("property 'pipeline.mode': must be up or down, got 'sideways'");
        assertThatThrownBy(() -> config.parse("pipeline.named", "", v -> {
            throw new IllegalArgumentException("pipeline.named is not a name");
        })).isInstanceOf(ConfigurationError.class).hasMessage("pipeline.named is not a name");
        assertThat(config.<String>parse("pipeline.unset", "up", v -> v.toUpperCase(java.util.Locale.ROOT))).isEqualTo("UP");
        // a reader's bug is not the user's to fix
        assertThatThrownBy(() -> config.parse("pipeline.mode", "up", v -> {
            throw new IllegalStateException("bug");
        })).isExactlyInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFileSettingThatCannotBeReadIsAConfigurationErrorNamingTheKey() throws IOException {
        Files.writeString(dir.resolve("application.properties"), "pipeline.templates=mail\n");
        PipelineConfig config = PipelineConfig.load(dir, "default", Map.of(), Map.of());

        assertThatThrownBy(() -> config.load("pipeline.templates", "x", path -> {
            throw new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException(path.toString()));
        })).isInstanceOf(ConfigurationError.class)
                .hasMessageStartingWith("property 'pipeline.templates': ")
                .hasMessageContaining(dir.resolve("mail").toString());
        assertThat(config.load("pipeline.templates", "x", Path::getFileName)).isEqualTo(Path.of("mail"));
    }
}
