package io.videopipeline.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The playlist lines a package summary reads, and the URIs it accepts (playlists are untrusted text). */
class HlsPlaylistTest {

    @Test
    void aMasterGivesEachVariantsAttributesAndUri() {
        List<HlsPlaylist.Variant> variants = HlsPlaylist.variants("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=1200000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,FRAME-RATE=29.970,CODECS="avc1.64001e,mp4a.40.2"
                hls/640x360/index.m3u
                #EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=320x180
                hls/320x180/index.m3u
                """);
        assertThat(variants).extracting(HlsPlaylist.Variant::uri)
                .containsExactly("hls/640x360/index.m3u", "hls/320x180/index.m3u");
        assertThat(variants.get(0).attributes()).containsEntry("BANDWIDTH", "1200000")
                .containsEntry("AVERAGE-BANDWIDTH", "900000").containsEntry("RESOLUTION", "640x360")
                .containsEntry("FRAME-RATE", "29.970").containsEntry("CODECS", "avc1.64001e,mp4a.40.2");
    }

    @Test
    void aMediaPlaylistGivesItsInitAndSegments() {
        HlsPlaylist.Media media = HlsPlaylist.media("""
                #EXTM3U
                #EXT-X-TARGETDURATION:6
                #EXT-X-MAP:URI="init_640x360.m4s"
                #EXTINF:6.006,
                seg-00000.m4s
                #EXTINF:2.5,
                seg-00001.m4s
                #EXT-X-ENDLIST
                """);
        assertThat(media.initUri()).isEqualTo("init_640x360.m4s");
        assertThat(media.segments()).extracting(HlsPlaylist.Segment::uri).containsExactly("seg-00000.m4s", "seg-00001.m4s");
        assertThat(media.durationSeconds()).isEqualTo(8.506, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> HlsPlaylist.media("<html>")).isInstanceOf(MetadataExtractionException.class)
                .hasMessageContaining("#EXTM3U");
        assertThatThrownBy(() -> HlsPlaylist.media("#EXTM3U\n#EXTINF:NaN,\nx.ts\n"))
                .isInstanceOf(MetadataExtractionException.class);
    }

    @Test
    void urisResolveRelativeToTheirPlaylistAndStayInThePackage() {
        assertThat(PackageSummariser.resolve("a/clip/", "a/clip/clip.m3u8", "hls/640x360/index.m3u"))
                .isEqualTo("a/clip/hls/640x360/index.m3u");
        assertThat(PackageSummariser.resolve("a/clip/", "a/clip/hls/640x360/index.m3u", "seg-00000.m4s"))
                .isEqualTo("a/clip/hls/640x360/seg-00000.m4s");
        assertThat(PackageSummariser.resolve("a/clip/", "a/clip/hls/x.m3u8", "../clip_1.ts")).isEqualTo("a/clip/clip_1.ts");
        for (String hostile : List.of("../../other/secret.m4s", "../../../../etc/passwd", "http://169.254.169.254/x",
                "file:///etc/passwd", "/abs.m4s", "seg.m4s?x=1", "..\\x.m4s", "..", "hls/../../")) {
            assertThatThrownBy(() -> PackageSummariser.resolve("a/clip/", "a/clip/hls/x.m3u8", "../" + hostile))
                    .as(hostile).isInstanceOf(MetadataExtractionException.class)
                    .satisfies(e -> assertThat(((MetadataExtractionException) e).isTransient()).isFalse());
        }
    }
}
