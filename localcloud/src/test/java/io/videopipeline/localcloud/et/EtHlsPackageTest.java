package io.videopipeline.localcloud.et;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.media.FfmpegSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the local ET names and links the parts of an HLS package, and what it hands ffmpeg. */
class EtHlsPackageTest {

    @Test
    void masterLinksVariantsRelativeToItselfWithEncodedNames() {
        assertThat(EtHlsPackage.relative("v/clip/clip.m3u8", "v/clip/hls/2m.m3u8")).isEqualTo("hls/2m.m3u8");
        assertThat(EtHlsPackage.relative("out/master.m3u8", "other/1m.m3u8")).isEqualTo("../other/1m.m3u8");
        assertThat(EtHlsPackage.relative("master.m3u8", "a b/ü#1.m3u8")).isEqualTo("a%20b/%C3%BC%231.m3u8");
    }

    @Test
    void keysNeverReachTheCommandLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String hostile = "-i /etc/passwd concat:x|y.m3u8 {count}";
        EtHlsPackage pkg = new EtHlsPackage(dir, List.of(new EtHlsPackage.Segmented(0, hostile,
                EtHlsPresets.ALL.get(4), 6)), List.of(new EtHlsPackage.Thumbnails(0, hostile, EtThumbnails.HLS)));
        List<String> cmd = pkg.command(FfmpegSettings.defaults(), dir.resolve("source.mov"), "mov,mp4,m4a,3gp,3g2,mj2",
                true);
        assertThat(cmd).noneMatch(arg -> arg.contains("passwd") || arg.contains("concat"));
        assertThat(cmd).containsSubsequence("-protocol_whitelist", "file");
        assertThat(cmd).contains("-sc_threshold", "-hls_segment_type", "mpegts");
    }
}
