package io.videopipeline.transcode;

import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.event.ObjectEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputKeysTest {

    private final OutputKeys keys = new OutputKeys();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "my.holiday.video.mov   | 720p     | my.holiday.video/my.holiday.video-720p.mp4",
        "uploads/a b/clip.mov   | 720p     | uploads/a b/clip/clip-720p.mp4",
        "clip.mov               | 1080p    | clip/clip-1080p.mp4",
        "clip                   | web-720p | clip/clip-web-720p.mp4",
        "uploads/README         | 720p     | uploads/README/README-720p.mp4",
        "dir.v2/clip            | 720p     | dir.v2/clip/clip-720p.mp4",
        ".mov                   | 720p     | .mov/.mov-720p.mp4",
        "비디오/휴가.mov          | 720p     | 비디오/휴가/휴가-720p.mp4",
        "a/{preset}.mov         | 720p     | a/{preset}/{preset}-720p.mp4",
    })
    void defaultPattern(String input, String preset, String output) {
        assertThat(keys.keyFor(input, preset)).isEqualTo(output);
    }

    @Test
    void patternIsASetting() {
        OutputKeys custom = new OutputKeys("transcoded/{dir}{name}-{preset}.{ext}.mp4");

        assertThat(custom.keyFor("uploads/clip.mov", "720p")).isEqualTo("transcoded/uploads/clip-720p.mov.mp4");
        assertThat(custom.fixedPrefix()).isEqualTo("transcoded/");
        assertThat(keys.fixedPrefix()).isEmpty();
    }

    @Test
    void folderKeysAndEmptyKeysAreRejected() {
        assertThatThrownBy(() -> keys.keyFor("uploads/", "720p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ends with '/'");
        assertThatThrownBy(() -> keys.keyFor("", "720p")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badPatternsAreRejected() {
        assertThatThrownBy(() -> new OutputKeys("{dir}{name}.mp4")).hasMessageContaining("lacks {preset}");
        assertThatThrownBy(() -> new OutputKeys("{dir}{nam}-{preset}.mp4")).hasMessageContaining("unknown placeholder {nam}");
    }

    @Test
    void jobFromAnEventHasOneOutputPerPresetInOrder() {
        List<Preset> presets = PresetCatalog.load(Path.of("config/presets.yaml")).presets();
        ObjectEvent event = new ObjectEvent("ObjectCreated:Put", "video-upload", "uploads/clip.mov", 42L, "abc",
                "01", Instant.EPOCH, null);

        TranscodeJob job = keys.jobFor(event, "video-transcoded", presets);

        assertThat(job.inputBucket()).isEqualTo("video-upload");
        assertThat(job.inputKey()).isEqualTo("uploads/clip.mov");
        assertThat(job.inputSize()).isEqualTo(42L);
        assertThat(job.inputETag()).isEqualTo("abc");
        assertThat(job.outputBucket()).isEqualTo("video-transcoded");
        assertThat(job.outputs()).extracting(TranscodeOutput::key).containsExactly(
                "uploads/clip/clip-1080p.mp4", "uploads/clip/clip-720p.mp4", "uploads/clip/clip-web-720p.mp4");
        assertThat(job.outputs()).extracting(o -> o.preset().name()).containsExactly("1080p", "720p", "web-720p");
    }
}
