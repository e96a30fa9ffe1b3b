package io.videopipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.cli.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code run} exits with when the beans cannot be wired (profile aws: nothing starts before them, nothing
 * reaches AWS): a setting to fix is exit 3, a bug is exit 1 ({@code FailingTranscoderProvider} on the test class
 * path). A bug once ended as exit 3, reported as if the user had a setting to fix.
 */
class MainExitCodeTest {

    @TempDir
    Path work;

    @Test
    void aSettingTheSettingsCheckRefusesIsExit3() {
        assertThat(run("--set", "pipeline.mail.transport=smpt")).isEqualTo(UserError.CONFIG);
    }

    @Test
    void aSettingRefusedWhileWiringIsExit3() {
        assertThat(run("--set", "pipeline.transcode.output-key-pattern={nope}.mp4")).isEqualTo(UserError.CONFIG);
        assertThat(run("--set", "pipeline.transcoder=failing")).isEqualTo(UserError.CONFIG);
    }

    @Test
    void aPresetsFileThatCannotBeReadIsExit3InEveryProfile() {
        assertThat(run("--set", "pipeline.presets.file=missing.yaml")).isEqualTo(UserError.CONFIG);
        // the local profile reads it first for the local cloud's Elastic Transcoder, before the cloud starts
        assertThat(run("--profile", "local", "--set", "pipeline.presets.file=missing.yaml")).isEqualTo(UserError.CONFIG);
    }

    @Test
    void aBugWhileWiringIsExit1() {
        assertThat(run("--set", "pipeline.transcoder=failing", "--set", "pipeline.failing.required=set")).isEqualTo(1);
    }

    private int run(String... args) {
        // the last --profile wins
        List<String> all = new ArrayList<>(List.of("run", "--profile", "aws", "--config", "config", "--routes", "routes",
                "--set", "camel.management.enabled=false",
                "--set", "pipeline.aws.access-key=test", "--set", "pipeline.aws.secret-key=test",
                "--set", "pipeline.ffmpeg.work-dir=" + work.resolve("work")));
        all.addAll(List.of(args));
        return Main.run(all.toArray(String[]::new));
    }
}
