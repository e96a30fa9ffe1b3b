package io.videopipeline.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"clip/clip.m3u8", "a/b/b.m3u8", "uploads/a/clip/clip.m3u8", "my.holiday/my.holiday.m3u8",
            "비디오/비디오.m3u8", "with space/with space.m3u8", "x/y/.../....m3u8"})
    void aFileNamedAfterItsFolderIsAMaster(String key) {
        assertThat(StreamKeys.isMaster(key)).as(key).isTrue();
        assertThat(StreamKeys.kindOf(key)).isEqualTo(OutputKind.MASTER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b/c.m3u8", "clip/clip_720p.m3u8", "clip/hls/720.m3u8", "clip/hls/1280x720/index.m3u",
            "clip.m3u8", "/clip.m3u8", "clip/.m3u8", "/.m3u8", "a//.m3u8", "a/../...m3u8", "../...m3u8", "./..m3u8",
            "a/./..m3u8", "x/../x/x.m3u8", "x//x/x.m3u8", "./x/x.m3u8", "clip/clip.M3U8", "clip/clip.m3u8 ",
            "clip/clip.m3u8.json", "clip/Clip.m3u8", "\u00e9/e\u0301.m3u8", "clip/clip/seg-00000.m4s", "clip/clip-poster.jpg",
            "clip/clip.json", "clip/clip-720p.mp4.mailed", ""})
    void anythingElseIsNotAMaster(String key) {
        // the fourth-last: the folder is e-acute precomposed (U+00E9), the name e + combining acute; compared as they are
        assertThat(StreamKeys.isMaster(key)).as(key).isFalse();
        assertThat(StreamKeys.kindOf(key)).as(key).isEqualTo(OutputKind.PACKAGE_PART);
    }

    @Test
    void mp4KeysAreRenditionsInAnyLetterCase() {
        assertThat(StreamKeys.kindOf("clip/clip-720p.mp4")).isEqualTo(OutputKind.RENDITION);
        assertThat(StreamKeys.kindOf("CLIP.MP4")).isEqualTo(OutputKind.RENDITION);
        assertThat(StreamKeys.kindOf(null)).isEqualTo(OutputKind.PACKAGE_PART);
    }

    @Test
    void veryLongKeysAreClassifiedByTheSameRule() {
        String name = "n".repeat(500);
        String master = "p/".repeat(5) + name + "/" + name + ".m3u8";
        assertThat(StreamKeys.isMaster(master)).isTrue();
        assertThat(StreamKeys.isMaster(master.replace(name + ".m3u8", name + "x.m3u8"))).isFalse();
        assertThat(StreamKeys.packagePrefix(master)).isEqualTo("p/".repeat(5) + name + "/");
    }

    @Test
    void thePackageOfAMaster() {
        assertThat(StreamKeys.packagePrefix("a/clip/clip.m3u8")).isEqualTo("a/clip/");
        assertThat(StreamKeys.name("a/clip/clip.m3u8")).isEqualTo("clip");
        assertThat(StreamKeys.posterKey("a/clip/clip.m3u8")).isEqualTo("a/clip/clip-poster.jpg");
        assertThatThrownBy(() -> StreamKeys.packagePrefix("a/b/c.m3u8")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMasterBesideAnMp4Rendition() {
        assertThat(StreamKeys.masterBeside("a/clip/clip-web-720p.mp4", "web-720p")).isEqualTo("a/clip/clip.m3u8");
        assertThat(StreamKeys.masterBeside("clip/clip-720p.mp4", "1080p")).isNull();
        // another output pattern ({dir}{name}-{preset}.mp4): no master of the {p}{n}/{n}.m3u8 shape
        assertThat(StreamKeys.masterBeside("a/clip-720p.mp4", "720p")).isNull();
    }

    @Test
    void packageObjectsAreEverythingButRenditionsMetadataAndMailMarkers() {
        assertThat(StreamKeys.isPackageObject("c/c/hls/640x360/seg-00000.m4s")).isTrue();
        assertThat(StreamKeys.isPackageObject("c/c/hls/640x360/index.m3u")).isTrue();
        assertThat(StreamKeys.isPackageObject("c/c/c-poster.jpg")).isTrue();
        assertThat(StreamKeys.isPackageObject("c/c/c_720p.m3u8")).isTrue();
        assertThat(StreamKeys.isPackageObject("c/c/c-720p.mp4")).isFalse();
        assertThat(StreamKeys.isPackageObject("c/c/c.json")).isFalse();
        assertThat(StreamKeys.isPackageObject("c/c/c.m3u8.mailed")).isFalse();
    }
}
