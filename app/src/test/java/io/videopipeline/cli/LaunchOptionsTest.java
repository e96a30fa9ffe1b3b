package io.videopipeline.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchOptionsTest {

    @Test
    void defaultsAreRunLocalAndTheDirectoriesBesideTheJar() {
        LaunchOptions o = LaunchOptions.parse(new String[0], Map.of());

        assertThat(o.command()).isEqualTo("run");
        assertThat(o.profile()).isEqualTo("local");
        assertThat(o.routesDir()).isEqualTo(Path.of("routes"));
        assertThat(o.configDir()).isEqualTo(Path.of("config"));
    }

    @Test
    void optionWinsOverEnvironmentWhichWinsOverDefault() {
        Map<String, String> env = Map.of("PIPELINE_ROUTES_DIR", "/env/routes",
                "PIPELINE_CONFIG_DIR", "/env/config", "CAMEL_MAIN_PROFILE", "aws");

        LaunchOptions fromEnv = LaunchOptions.parse(new String[0], env);
        LaunchOptions fromCli = LaunchOptions.parse(
                new String[]{"--routes", "/cli/routes", "--config=/cli/config", "--profile", "test"}, env);

        assertThat(fromEnv.routesDir()).isEqualTo(Path.of("/env/routes"));
        assertThat(fromEnv.profile()).isEqualTo("aws");
        assertThat(fromCli.routesDir()).isEqualTo(Path.of("/cli/routes"));
        assertThat(fromCli.configDir()).isEqualTo(Path.of("/cli/config"));
        assertThat(fromCli.profile()).isEqualTo("test");
    }

    @Test
    void subCommandsAndRepeatableSet() {
        LaunchOptions o = LaunchOptions.parse(
                new String[]{"provision", "--dry-run", "--set", "a=1", "--set", "b.c=x=y"}, Map.of());

        assertThat(o.command()).isEqualTo("provision");
        assertThat(o.dryRun()).isTrue();
        assertThat(o.cliProperties()).containsEntry("a", "1").containsEntry("b.c", "x=y");
    }

    @Test
    void mistakesAreUsageErrorsNamingTheOption() {
        assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"--nope"}, Map.of()))
                .isInstanceOf(UserError.class).hasMessageContaining("--nope")
                .extracting(e -> ((UserError) e).exitCode()).isEqualTo(UserError.USAGE);
        assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"--routes"}, Map.of()))
                .hasMessageContaining("--routes needs a value");
        assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"--set", "novalue"}, Map.of()))
                .hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> LaunchOptions.parse(new String[]{"transcode"}, Map.of()))
                .hasMessageContaining("unknown command 'transcode'");
    }
}
