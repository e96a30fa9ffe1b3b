package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One scale per size (FfmpegCommand): the shipped Generic 720p and Web 720p share one scale when the source is no
 * faster than their 29.97 + 30 fps together, and each output still gets the frames its own {@code fps,scale} gave.
 */
class SharedScaleTest {

    private static final PresetCatalog CATALOG = PresetCatalog.load(PresetCatalogTest.SHIPPED);
    private static final Path IN = Path.of("/work/job-1/source.mov");
    private static final String BOX_1080 = "scale=w='min(iw,1920)':h='min(ih,1080)'"
            + ":force_original_aspect_ratio=decrease:force_divisible_by=2";
    private static final String BOX_720 = "scale=w='min(iw,1280)':h='min(ih,720)'"
            + ":force_original_aspect_ratio=decrease:force_divisible_by=2";

    private final FfmpegCommand command = new FfmpegCommand("ffmpeg", "ultrafast", 1);

    private static List<FfmpegCommand.Output> threeOutputs(Path dir, String prefix) {
        return CATALOG.presets().stream()
                .map(p -> new FfmpegCommand.Output(p, dir.resolve(prefix + p.name() + ".mp4"))).toList();
    }

    private static String graph(List<String> cmd) {
        return cmd.get(cmd.indexOf("-filter_complex") + 1);
    }

    @Test
    void theTwo720pOutputsShareOneScaleForA30FpsSource() {
        String graph = graph(command.build(IN, null, threeOutputs(Path.of("/o"), ""), true, null, 30));

        assertThat(graph).isEqualTo("[0:v:0]split=2[v0][v1]"
                + ";[v0]fps=30000/1001," + BOX_1080 + ",format=yuv420p[o0]"
                + ";[v1]" + BOX_720 + ",format=yuv420p,split=2[s1][s2];[s1]fps=30000/1001[o1];[s2]fps=30[o2]");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, 60, 120})
    void aSourceOfUnknownRateOrFasterThanTheOutputsTogetherKeepsAScaleEach(double sourceFps) {
        String graph = graph(command.build(IN, null, threeOutputs(Path.of("/o"), ""), true, null, sourceFps));

        assertThat(graph).startsWith("[0:v:0]split=3[v0][v1][v2];")
                .endsWith(";[v1]fps=30000/1001," + BOX_720 + ",format=yuv420p[o1];[v2]fps=30," + BOX_720
                        + ",format=yuv420p[o2]");
    }

    @Test
    void thePictureChainsFollowTheSharedBranchAndKeepTheirOutputLabels() {
        Preset rung = PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, true).rungs().get(3);
        FfmpegCommand.StreamingOutputs extras = new FfmpegCommand.StreamingOutputs(
                List.of(new FfmpegCommand.Output(rung, Path.of("/o/rung.mp4"))), List.of(0), 180,
                new FfmpegCommand.Pictures(Path.of("/p/poster.jpg"), Path.of("/o/any.jpg"), 640, 10, 32,
                        Path.of("/p/thumb-%05d.jpg"), 320, 10, Path.of("/p/storyboard.jpg"), 160, 90, 5, 10, 2));

        List<String> cmd = command.build(IN, null, threeOutputs(Path.of("/o"), ""), true, extras, 30);

        // branches: 1080p, the two 720p, the 640x360 rung, then the poster, thumbnails and storyboard
        assertThat(graph(cmd)).startsWith("[0:v:0]split=6[v0][v1][v2][v3][v4][v5];")
                .contains(";[v2]fps=30000/1001,scale=w='min(iw,640)':h='min(ih,360)'")
                .contains(";[v3]trim=end=10,fps=2,")
                .contains("thumbnail=20,format=yuvj420p[o4];[pa4]thumbnail=20,format=yuvj420p[o5]")
                .endsWith(",setsar=1,tile=10x2,format=yuvj420p[o7]");
        // every label the graph makes is mapped once, in output order
        assertThat(cmd.stream().filter(a -> a.matches("\\[o\\d+]")).toList())
                .containsExactly("[o0]", "[o1]", "[o2]", "[o3]", "[o4]", "[o5]", "[o6]", "[o7]");
    }

    @Test
    void eachOutputOfTheSharedScaleIsWhatItsOwnScaleGave(@TempDir Path dir) throws Exception {
        Path clip = dir.resolve("clip.mp4");
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1920x1080:r=30:d=2", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000:d=2", "-c:v", "libx264", "-preset", "ultrafast",
                "-threads", "1", "-c:a", "aac", "-shortest", clip.toString()));
        List<String> shared = command.build(clip, null, threeOutputs(dir, "shared-"), true, null, 30);
        List<String> own = command.build(clip, null, threeOutputs(dir, "own-"), true, null, 0);
        assertThat(graph(shared)).contains("split=2[s1][s2]");
        assertThat(graph(own)).doesNotContain("[s1]");

        run(shared);
        run(own);

        for (Preset p : CATALOG.presets()) {
            assertThat(videoMd5(dir.resolve("shared-" + p.name() + ".mp4"))).as(p.name())
                    .isEqualTo(videoMd5(dir.resolve("own-" + p.name() + ".mp4")));
        }
    }

    /** The MD5 of the file's video packets, as stored. */
    private static String videoMd5(Path file) throws Exception {
        return run(List.of("ffmpeg", "-v", "error", "-i", file.toString(), "-map", "0:v:0", "-c", "copy", "-f", "md5",
                "-"));
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("failed: " + cmd + "\n" + out);
        }
        return out.trim();
    }
}
