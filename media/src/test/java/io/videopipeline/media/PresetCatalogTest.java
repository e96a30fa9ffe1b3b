package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class PresetCatalogTest {

    public static final Path SHIPPED = Path.of("config/presets.yaml");

    @TempDir
    Path dir;

    @Test
    void shippedFileHasTheThreeElasticTranscoderPresets() {
        PresetCatalog catalog = PresetCatalog.load(SHIPPED);

        assertThat(catalog.names()).containsExactly("1080p", "720p", "web-720p");
        assertThat(catalog.get("1080p")).isEqualTo(new Preset("1080p", "1351620000001-000001", "Generic 1080p", "mp4",
                1920, 1080, "h264", "baseline", "4.0", 5400, "29.97", 90, 3, "aac", 160, 44100, 2));
        assertThat(catalog.get("720p")).extracting(Preset::etPresetId, Preset::maxWidth, Preset::maxHeight,
                Preset::profile, Preset::level, Preset::videoBitrateKbps, Preset::fps, Preset::gop, Preset::refs)
                .containsExactly("1351620000001-000010", 1280, 720, "baseline", "3.1", 2400, "29.97", 90, null);
        assertThat(catalog.get("web-720p")).extracting(Preset::etPresetId, Preset::profile, Preset::level,
                Preset::videoBitrateKbps, Preset::fps, Preset::audioBitrateKbps, Preset::sampleRate, Preset::channels)
                .containsExactly("1351620000001-100070", "main", "3.1", 2200, "30", 160, 44100, 2);
    }

    @Test
    void aFourthPresetIsAConfigChangeOnly() throws IOException {
        String fourth = """
                  - name: 480p
                    container: mp4
                    maxWidth: 854
                    maxHeight: 480
                    video: {codec: h264, profile: main, level: 3.0, bitrateKbps: 1200, fps: 30, gop: 90}
                    audio: {codec: aac, bitrateKbps: 128, sampleRate: 44100, channels: 2}
                """;
        // the presets list ends where the hls: section begins
        Path file = write(Files.readString(SHIPPED).replaceFirst("\n(?=# HLS ladder)", "\n" + fourth + "\n"));

        PresetCatalog catalog = PresetCatalog.load(file);

        assertThat(catalog.names()).containsExactly("1080p", "720p", "web-720p", "480p");
        assertThat(catalog.get("480p").level()).isEqualTo("3.0");
        assertThat(catalog.get("480p").fps()).isEqualTo("30");
        assertThat(catalog.select(java.util.List.of("480p", "1080p"))).extracting(Preset::name)
                .containsExactly("480p", "1080p");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bitrateKbps: 5400|bitrateKbps: fast|presets[0].video.bitrateKbps must be a positive whole number, got 'fast'",
        "bitrateKbps: 2400|bitrate: 2400|presets[1].video.bitrate is not a known field",
        "maxWidth: 1920|maxWidth: 1921|presets[0].maxWidth must be even",
        "profile: main|profile: extended|presets[2].video.profile must be one of [baseline, main, high], got 'extended'",
        "codec: aac|codec: mp3|presets[0].audio.codec must be one of [aac], got 'mp3'",
        "name: 720p|name: 1080p|presets[1].name '1080p' is used by an earlier preset",
        "name: web-720p|name: ../evil|presets[2].name must be letters, digits",
        "level: \"4.0\"|level: \"9.9\"|presets[0].video.level must be an H.264 level",
    })
    void errorsNameTheFileAndTheField(String from, String to, String message) throws IOException {
        Path file = write(Files.readString(SHIPPED).replaceFirst(java.util.regex.Pattern.quote(from), to));

        assertThatThrownBy(() -> PresetCatalog.load(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void missingFieldIsNamed() throws IOException {
        Path file = write(Files.readString(SHIPPED).replaceFirst("      gop: 90 +# KeyframesMaxDist\n", ""));

        assertThatThrownBy(() -> PresetCatalog.load(file)).hasMessage(file + ": presets[0].video.gop is missing");
    }

    @Test
    void missingFileAndBrokenYamlAreClear() throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> PresetCatalog.load(missing)).hasMessage(missing + ": file not found (set pipeline.presets.file)");

        Path broken = write("presets:\n  - name: [unclosed\n");
        assertThatThrownBy(() -> PresetCatalog.load(broken)).hasMessageStartingWith(broken + ": not valid YAML");

        Path empty = write("");
        assertThatThrownBy(() -> PresetCatalog.load(empty)).hasMessageStartingWith(empty + ": is empty");
    }

    @Test
    void unknownPresetNameListsTheKnownOnes() {
        assertThatThrownBy(() -> PresetCatalog.load(SHIPPED).get("4k"))
                .hasMessage("no preset named '4k'; known presets: [1080p, 720p, web-720p]");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("presets.yaml"), yaml);
    }
}
