package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class FfmpegCommandTest {

    private static final PresetCatalog CATALOG = PresetCatalog.load(PresetCatalogTest.SHIPPED);
    private static final Path IN = Path.of("/work/job-1/source.mov");

    private final FfmpegCommand command = new FfmpegCommand("/usr/bin/ffmpeg", "fast", 2);

    private static List<FfmpegCommand.Output> threeOutputs() {
        return CATALOG.presets().stream()
                .map(p -> new FfmpegCommand.Output(p, Path.of("/work/job-1/out/" + p.name() + ".mp4"))).toList();
    }

    @Test
    void decodesOnceAndSplitsIntoOneChainPerPreset() {
        List<String> cmd = command.build(IN, "mov,mp4,m4a,3gp,3g2,mj2", threeOutputs(), true);

        // the input may open only itself, as a local file, as the container the probe found, no frame over 8K
        assertThat(cmd.subList(0, 20)).containsExactly("/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-y",
                "-loglevel", "level+warning", "-nostats", "-progress", "pipe:1",
                "-protocol_whitelist", "file", "-format_whitelist",
                "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv,mpeg,asf,ogg,mxf", "-max_pixels", "33177600",
                "-f", "mov", "-i", "file:/work/job-1/source.mov", "-filter_complex");
        assertThat(Collections.frequency(cmd, "-i")).isEqualTo(1);
        assertThat(cmd.get(20)).isEqualTo("[0:v:0]split=3[v0][v1][v2]"
                + ";[v0]fps=30000/1001,scale=w='min(iw,1920)':h='min(ih,1080)'"
                + ":force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuv420p[o0]"
                + ";[v1]fps=30000/1001,scale=w='min(iw,1280)':h='min(ih,720)'"
                + ":force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuv420p[o1]"
                + ";[v2]fps=30,scale=w='min(iw,1280)':h='min(ih,720)'"
                + ":force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuv420p[o2]");
    }

    @Test
    void eachOutputGetsItsPresetsEncoderSettings() {
        List<String> cmd = command.build(IN, threeOutputs(), true);

        assertThat(String.join(" ", outputArgs(cmd, 0))).isEqualTo("-map [o0] -map 0:a:0 -c:v libx264 -preset fast"
                + " -profile:v baseline -level:v 4.0 -b:v 5400k -maxrate:v 5400k -bufsize:v 10800k -g 90 -refs 3"
                + " -threads 2 -c:a aac -b:a 160k -ar 44100 -ac 2 -map_metadata -1 -sn -dn -movflags +faststart -f mp4"
                + " file:/work/job-1/out/1080p.mp4");
        assertThat(String.join(" ", outputArgs(cmd, 1))).isEqualTo("-map [o1] -map 0:a:0 -c:v libx264 -preset fast"
                + " -profile:v baseline -level:v 3.1 -b:v 2400k -maxrate:v 2400k -bufsize:v 4800k -g 90"
                + " -threads 2 -c:a aac -b:a 160k -ar 44100 -ac 2 -map_metadata -1 -sn -dn -movflags +faststart -f mp4"
                + " file:/work/job-1/out/720p.mp4");
        assertThat(String.join(" ", outputArgs(cmd, 2))).contains("-profile:v main -level:v 3.1 -b:v 2200k")
                .endsWith("file:/work/job-1/out/web-720p.mp4");
    }

    @Test
    void aFormatOutsideTheAllowListIsNeverForced() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> command.build(IN, "hls", threeOutputs(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'hls'");
    }

    @Test
    void silentSourceGivesVideoOnlyOutputs() {
        List<String> cmd = command.build(IN, threeOutputs(), false);

        assertThat(cmd).doesNotContain("0:a:0", "-c:a", "aac");
        assertThat(Collections.frequency(cmd, "-an")).isEqualTo(3);
    }

    @Test
    void threadsZeroLeavesItToFfmpeg() {
        List<String> cmd = new FfmpegCommand("ffmpeg", "ultrafast", 0).build(IN, threeOutputs(), true);

        assertThat(cmd).doesNotContain("-threads").contains("ultrafast");
    }

    @Test
    void singlePresetStillUsesTheSameGraphShape() {
        Preset p720 = CATALOG.get("720p");
        List<String> cmd = command.build(IN, List.of(new FfmpegCommand.Output(p720, Path.of("/o/a.mp4"))), true);

        assertThat(cmd).contains("-map", "[o0]");
        assertThat(cmd.get(cmd.indexOf("-filter_complex") + 1)).startsWith("[0:v:0]split=1[v0];[v0]fps=30000/1001,");
    }

    @Test
    void ntscRatesBecomeExactRationals() {
        assertThat(FfmpegCommand.frameRate("29.97")).isEqualTo("30000/1001");
        assertThat(FfmpegCommand.frameRate("23.976")).isEqualTo("24000/1001");
        assertThat(FfmpegCommand.frameRate("59.94")).isEqualTo("60000/1001");
        assertThat(FfmpegCommand.frameRate("25")).isEqualTo("25");
        assertThat(FfmpegCommand.frameRate("30000/1001")).isEqualTo("30000/1001");
    }

    /** The arguments of output {@code n}: from its {@code -map [on]} up to and including its file. */
    private static List<String> outputArgs(List<String> cmd, int n) {
        int start = cmd.indexOf("[o" + n + "]") - 1;
        int end = start;
        while (!cmd.get(end).startsWith("file:")) {
            end++;
        }
        return cmd.subList(start, end + 1);
    }

    @Test
    void streamingAddsBranchesAfterTheMp4sAndLeavesTheirOptionsAlone() {
        List<String> plain = command.build(IN, "mov,mp4,m4a,3gp,3g2,mj2", threeOutputs(), true);
        Preset rung = PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, true).rungs().get(3);
        Path pkg = Path.of("/work/job-1/pkg");
        FfmpegCommand.StreamingOutputs extras = new FfmpegCommand.StreamingOutputs(
                List.of(new FfmpegCommand.Output(rung, Path.of("/work/job-1/out/rung.mp4"))), List.of(0), 180,
                new FfmpegCommand.Pictures(pkg.resolve("poster.jpg"), Path.of("/work/job-1/out/any.jpg"), 640, 10, 32,
                        pkg.resolve("thumb-%05d.jpg"), 320, 10,
                        pkg.resolve("storyboard.jpg"), 160, 90, 5, 10, 2));
        List<String> streaming = command.build(IN, "mov,mp4,m4a,3gp,3g2,mj2", threeOutputs(), true, extras, 0);

        // the same command up to the graph, and the same MP4 options after it but for the keyframes at the segment
        // boundaries of the MP4 a rung reuses (the first); no keyframe option anywhere without streaming
        assertThat(streaming.subList(0, 20)).isEqualTo(plain.subList(0, 20));
        assertThat(plain).doesNotContain("-force_key_frames");
        List<String> mp4Part = new java.util.ArrayList<>(streaming.subList(21, plain.size() + 2));
        int forced = mp4Part.indexOf("-force_key_frames");
        assertThat(mp4Part.get(forced + 1)).isEqualTo("expr:eq(mod(n,180),0)");
        assertThat(mp4Part.subList(0, forced)).endsWith("-ac", "2");
        assertThat(forced).isLessThan(mp4Part.indexOf("file:/work/job-1/out/1080p.mp4"));
        mp4Part.subList(forced, forced + 2).clear();
        assertThat(mp4Part).isEqualTo(plain.subList(21, plain.size()));
        assertThat(streaming.get(20)).startsWith("[0:v:0]split=7[v0][v1][v2][v3][v4][v5][v6];")
                .contains(plain.get(20).substring(plain.get(20).indexOf(';')))
                .contains(";[v3]fps=30000/1001,scale=w='min(iw,640)':h='min(ih,360)'")
                .contains(";[v4]trim=end=10,fps=2,scale=640:-2,format=yuv420p,signalstats,split=2[pl4][pa4];"
                        + "[pl4]metadata=mode=select:key=lavfi.signalstats.YAVG:function=greater:value=32,"
                        + "thumbnail=20,format=yuvj420p[o4];[pa4]thumbnail=20,format=yuvj420p[o5]")
                .contains(";[v5]select=isnan(prev_selected_t)+gt(floor(t/10)\\,floor(prev_selected_t/10)),scale=320:-2,"
                        + "format=yuvj420p[o6]")
                .endsWith(";[v6]select=isnan(prev_selected_t)+gt(floor(t/5)\\,floor(prev_selected_t/5)),scale=160:90,"
                        + "setsar=1,tile=10x2,format=yuvj420p[o7]");
        List<String> rest = streaming.subList(plain.size() + 2, streaming.size());
        // the rung-only encode: a fixed GOP with no scene-cut keyframes, so segments align across rungs
        assertThat(String.join(" ", rest)).contains("-map [o3] -map 0:a:0 -c:v libx264 -preset fast -profile:v main")
                .contains("-g 90 -threads 2 -c:a aac -b:a 96k -ar 44100 -ac 2 -keyint_min 90 -sc_threshold 0"
                        + " -force_key_frames expr:eq(mod(n,180),0)")
                .contains("-map [o4] -frames:v 1 -update 1 -q:v 3 -map_metadata -1 -f image2"
                        + " file:/work/job-1/pkg/poster.jpg")
                .contains("-map [o5] -frames:v 1 -update 1 -q:v 3 -map_metadata -1 -f image2"
                        + " file:/work/job-1/out/any.jpg")
                .contains("-f image2 file:/work/job-1/pkg/thumb-%05d.jpg");
    }
}
