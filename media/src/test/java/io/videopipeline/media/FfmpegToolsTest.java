package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up checks of the media tools, and the same checks started ahead of Camel by the runner (issue 20,
 * start-up): waited for by the check, never run twice, and a failure reported by the check with the setting to fix.
 * The binaries are small scripts that log each run, so a test sees how often they were started.
 */
class FfmpegToolsTest {

    @TempDir
    Path dir;

    @Test
    void aCheckStartedAheadRunsOnItsOwnAndTheCheckWaitsForItInsteadOfStartingTheToolAgain() throws Exception {
        Path runs = dir.resolve("runs.log");
        Path tool = script("tool", "echo run >> '" + runs + "'\necho 'tool version 7'\n");

        FfmpegTools.checkAhead(tool.toString());
        // nobody has asked yet: the version check runs by itself
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(runs) && lines(runs) == 1);

        // ffmpeg and ffprobe are the same binary here: both checks take the answer given ahead
        FfmpegTools.check(settings(tool, tool));
        assertThat(lines(runs)).isEqualTo(1);
        assertThat(FfmpegTools.answered(tool.toString())).isTrue();
    }

    @Test
    void aToolMissingAheadIsReportedByTheCheckNamingItsSetting() {
        String missing = dir.resolve("no-such-ffmpeg").toString();
        FfmpegTools.checkAhead(missing);

        assertThatThrownBy(() -> FfmpegTools.check(settings(Path.of(missing), dir.resolve("no-such-ffprobe"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ffmpeg not found at '" + missing + "'")
                .hasMessageContaining("pipeline.ffmpeg.path");
        assertThat(FfmpegTools.answered(missing)).isFalse();
    }

    @Test
    void aToolFailingAheadIsCheckedAgainAndReportedWithItsExitCode() throws Exception {
        Path runs = dir.resolve("runs.log");
        Path broken = script("broken-ffprobe", "echo run >> '" + runs + "'\nexit 3\n");
        Path ffmpeg = script("ffmpeg", "echo ok\n");
        FfmpegTools.checkAhead(broken.toString());

        assertThatThrownBy(() -> FfmpegTools.check(settings(ffmpeg, broken)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ffprobe at '" + broken + "' failed '-version' with exit code 3")
                .hasMessageContaining("pipeline.ffprobe.path");
        // ahead, then again by the check, which reports it
        assertThat(lines(runs)).isEqualTo(2);
    }

    private FfmpegSettings settings(Path ffmpeg, Path ffprobe) {
        return FfmpegSettings.defaults().withFfmpegPath(ffmpeg.toString()).withFfprobePath(ffprobe.toString())
                .withWorkDir(dir.resolve("work"));
    }

    private Path script(String name, String body) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static long lines(Path file) throws Exception {
        return Files.readAllLines(file).size();
    }
}
