package io.videopipeline.transcode.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.transcode.TranscodeJob;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Frame rates, the MediaConvert naming rule, and the copied header encoding. */
class CloudHelpersTest {

    static final PresetCatalog CATALOG = PresetCatalog.load(Path.of("config/presets.yaml"));

    @ParameterizedTest
    @CsvSource({"29.97,30000,1001", "30,30,1", "23.976,24000,1001", "59.94,60000,1001", "25,25,1", "12.5,25,2",
            "30000/1001,30000,1001", "24,24,1"})
    void frameRatesBecomeExactFractions(String fps, int numerator, int denominator) {
        assertThat(FrameRate.parse(fps)).isEqualTo(new FrameRate(numerator, denominator));
    }

    @Test
    void badFrameRatesSayWhat() {
        assertThatThrownBy(() -> FrameRate.parse("fast")).hasMessageContaining("'fast'");
        assertThatThrownBy(() -> FrameRate.parse("0")).hasMessageContaining("positive");
    }

    @Test
    void destinationSpellsOutTheBaseNameSoMultiDotNamesSurvive() {
        TranscodeJob job = new OutputKeys().jobFor("in", "my.holiday.video.mov", 1L, "e", "out", CATALOG.presets());

        MediaConvertDestination destination = MediaConvertDestination.of(job);

        assertThat(destination.destinationUri("out")).isEqualTo("s3://out/my.holiday.video/my.holiday.video");
        assertThat(destination.nameModifiers()).containsExactly("-1080p", "-720p", "-web-720p");
        for (int i = 0; i < job.outputs().size(); i++) {
            // MediaConvert's rule: {destination}{name modifier}.{extension}
            assertThat(destination.baseKey() + destination.nameModifiers().get(i) + "."
                    + MediaConvertDestination.EXTENSION).isEqualTo(job.outputs().get(i).key());
        }
    }

    @Test
    void dollarSignsWouldBeFormatIdentifiers() {
        TranscodeJob job = new OutputKeys().jobFor("in", "a/$dt$.mov", 1L, "e", "out", CATALOG.presets());
        assertThatThrownBy(() -> MediaConvertDestination.of(job)).hasMessageContaining("format identifier");
    }

    @Test
    void patternsWithoutAFileNameBeforeThePresetAreRefused() {
        TranscodeJob job = new OutputKeys("{dir}{name}/-{preset}.mp4").jobFor("in", "a/clip.mov", 1L, "e", "out",
                CATALOG.presets());
        assertThatThrownBy(() -> MediaConvertDestination.of(job)).hasMessageContaining("after the input file");
    }

    @Test
    void mediaConvertSettingsAreValidated() {
        assertThatThrownBy(() -> MediaConvertSettings.of("")).hasMessageContaining("pipeline.mediaconvert.role-arn");
        assertThatThrownBy(() -> MediaConvertSettings.of("MediaConvert_Default_Role")).hasMessageContaining("not an ARN");
        MediaConvertSettings settings = new MediaConvertSettings("arn:aws:iam::1:role/r", " ", "");
        assertThat(settings.queue()).isNull();
        assertThat(settings.jobTemplate()).isNull();
    }
}
