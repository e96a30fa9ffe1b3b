package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HlsLadderTest {

    private static final PresetCatalog CATALOG = PresetCatalog.load(PresetCatalogTest.SHIPPED);
    private static final StreamingSettings SHIPPED = PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, true);

    private static List<String> sizes(int width, int height) {
        return HlsLadder.plan(SHIPPED.rungs(), CATALOG.presets(), width, height).stream()
                .map(HlsLadder.Rung::name).toList();
    }

    @Test
    void theShippedLadderIsFourRungsOfH264() {
        assertThat(SHIPPED.rungs()).extracting(Preset::name).containsExactly("1080p", "720p", "480p", "360p");
        assertThat(SHIPPED.segmentGops()).isEqualTo(2);
        assertThat(PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, false).enabled()).isFalse();
        assertThat(FfmpegSettings.defaults().streaming().enabled()).isFalse();
        assertThat(SHIPPED.posterMinLuma()).isEqualTo(32);
    }

    /** Each rung's H.264 level admits its box at its rate (macroblocks a second, ITU-T H.264 Table A-1). */
    @Test
    void everyShippedRungsLevelAdmitsItsSizeAndRate() {
        java.util.Map<String, Integer> maxMbPerSecond = java.util.Map.of("3.0", 40_500, "3.1", 108_000,
                "3.2", 216_000, "4.0", 245_760, "4.1", 245_760, "4.2", 522_240);
        for (Preset rung : SHIPPED.rungs()) {
            double mbPerSecond = Math.ceil(rung.maxWidth() / 16.0) * Math.ceil(rung.maxHeight() / 16.0)
                    * FfmpegCommand.fps(rung.fps());
            assertThat(mbPerSecond).as("%s at level %s", rung.name(), rung.level())
                    .isLessThanOrEqualTo(maxMbPerSecond.get(rung.level()));
        }
    }

    @Test
    void aFullHdSourceGetsTheWholeLadderAndReusesTheMp4Encodes() {
        List<HlsLadder.Rung> rungs = HlsLadder.plan(SHIPPED.rungs(), CATALOG.presets(), 1920, 1080);
        assertThat(rungs).extracting(HlsLadder.Rung::name)
                .containsExactly("1920x1080", "1280x720", "852x480", "640x360");
        // 1080p and 720p are the MP4 presets' encodes (same box, same 29.97): only 480p and 360p are new encodes
        assertThat(rungs).extracting(HlsLadder.Rung::reusedOutput).containsExactly(0, 1, -1, -1);
    }

    @Test
    void neverAboveTheSource() {
        assertThat(sizes(640, 360)).containsExactly("640x360");
        assertThat(sizes(1280, 720)).containsExactly("1280x720", "852x480", "640x360");
        assertThat(sizes(1000, 560)).containsExactly("1000x560", "854x478", "640x358");
    }

    @Test
    void portraitSourcesFitAsTheMp4sDo() {
        assertThat(sizes(1080, 1920)).containsExactly("608x1080", "404x720", "270x480", "202x360");
        assertThat(sizes(360, 640)).containsExactly("360x640", "270x480", "202x360");
    }

    /** The sizes the ladder names are the sizes ffmpeg's scale filter (the encode's own filter) gives. */
    @Test
    void theFittedSizesAreFfmpegs() throws Exception {
        int[][] sources = {{1080, 1920}, {720, 1280}, {1366, 768}, {1000, 750}, {1000, 560}, {1280, 720},
                {3840, 1600}, {480, 270}};
        for (int[] source : sources) {
            for (Preset rung : SHIPPED.rungs()) {
                Process p = new ProcessBuilder("ffprobe", "-v", "error", "-f", "lavfi", "-i", "color=s=" + source[0]
                        + "x" + source[1] + ":d=0.04," + FfmpegCommand.scaleFilter(rung.maxWidth(), rung.maxHeight()),
                        "-show_entries", "stream=width,height", "-of", "csv=p=0").redirectErrorStream(true).start();
                String ffmpeg = new String(p.getInputStream().readAllBytes()).trim().replace(',', 'x');
                assertThat(p.waitFor()).isZero();
                int[] fit = HlsLadder.fit(source[0], source[1], rung.maxWidth(), rung.maxHeight());
                assertThat(fit[0] + "x" + fit[1]).as("%dx%d in %s", source[0], source[1], rung.name())
                        .isEqualTo(ffmpeg);
            }
        }
    }
}
