package io.videopipeline.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyFilterTest {

    @Test
    void suffixesAreCaseInsensitiveAndEmptyMeansAll() {
        KeyFilter videos = KeyFilter.videosOnly();

        assertThat(videos.accepts("a/clip.MOV")).isTrue();
        assertThat(videos.accepts("a/clip.webm")).isTrue();
        assertThat(videos.accepts("a/clip.json")).isFalse();
        assertThat(videos.rejection("a/clip.json")).hasValueSatisfying(r -> assertThat(r).contains("suffix"));
        assertThat(KeyFilter.acceptAll().accepts("a/clip.json")).isTrue();
    }

    @Test
    void includeAndExcludePrefixes() {
        KeyFilter filter = new KeyFilter(List.of("uploads/", "incoming/"), List.of("uploads/tmp/"),
                List.of(".mov", ".MP4"));

        assertThat(filter.accepts("uploads/clip.mov")).isTrue();
        assertThat(filter.accepts("incoming/clip.mp4")).isTrue();
        assertThat(filter.accepts("other/clip.mov")).isFalse();
        assertThat(filter.accepts("uploads/tmp/clip.mov")).isFalse();
        assertThat(filter.accepts("uploads/clip.avi")).isFalse();
    }

    @Test
    void outputPrefixCanBeExcludedWhenBucketsAreShared() {
        KeyFilter filter = KeyFilter.videosOnly()
                .excluding(new OutputKeys("transcoded/{dir}{name}-{preset}.mp4").fixedPrefix());

        assertThat(filter.accepts("uploads/clip.mp4")).isTrue();
        assertThat(filter.accepts("transcoded/uploads/clip-720p.mp4")).isFalse();
        assertThat(KeyFilter.videosOnly().excluding("")).isNotNull();
    }

    @Test
    void folderMarkersAreNeverAccepted() {
        assertThat(KeyFilter.acceptAll().accepts("uploads/")).isFalse();
        assertThat(KeyFilter.acceptAll().accepts("")).isFalse();
    }
}
