package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The header reader that replaced a rendition's ffprobe run gives what ffprobe gives, for MP4s written by real ffmpeg
 * the way the encoder writes them (and a few ways it does not), and nothing for a file it cannot read.
 */
class Mp4FactsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}x{1}, {2}, faststart {3}")
    @CsvSource({
            "640, 360, setsar=1, true, true",
            "1280, 720, setsar=1, true, false",
            // portrait, as phones record
            "720, 1280, setsar=1, true, true",
            // anamorphic (DV-like SAR 8:9): the coded size, as ffprobe reports it, not the display size
            "720, 480, setsar=8/9, true, true",
            // moov after mdat: read past the media data without reading it
            "426, 240, setsar=1, false, true",
    })
    void givesWhatFfprobeGives(int width, int height, String sar, boolean faststart, boolean audio) throws Exception {
        Path mp4 = dir.resolve(width + "x" + height + ".mp4");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=s=" + width + "x" + height + ":r=30:d=2.5"));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=d=2.5", "-c:a", "aac"));
        }
        cmd.addAll(List.of("-vf", sar, "-c:v", "libx264", "-preset", "ultrafast"));
        if (faststart) {
            cmd.addAll(List.of("-movflags", "+faststart"));
        }
        cmd.add(mp4.toString());
        run(cmd);
        JsonNode probe = new ObjectMapper().readTree(run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
                "-show_entries", "stream=width,height:format=duration", "-of", "json", mp4.toString())));

        Mp4Facts.Facts facts = Mp4Facts.read(mp4).orElseThrow();

        assertThat(facts.width()).isEqualTo(probe.at("/streams/0/width").asInt()).isEqualTo(width);
        assertThat(facts.height()).isEqualTo(probe.at("/streams/0/height").asInt()).isEqualTo(height);
        assertThat(facts.duration().toMillis() / 1000.0)
                .isCloseTo(probe.at("/format/duration").asDouble(), org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void nothingForAFileItCannotRead() throws Exception {
        Path text = Files.writeString(dir.resolve("not.mp4"), "this is not an MP4 file at all, just text");
        Path empty = Files.createFile(dir.resolve("empty.mp4"));
        Path mp4 = dir.resolve("whole.mp4");
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=1", "-c:v",
                "libx264", "-preset", "ultrafast", "-movflags", "+faststart", mp4.toString()));
        byte[] bytes = Files.readAllBytes(mp4);
        // cut inside the moov box (faststart puts it after the 32-byte ftyp)
        Path cut = Files.write(dir.resolve("cut.mp4"), java.util.Arrays.copyOf(bytes, 200));
        // a box claiming to be larger than the file
        byte[] lying = bytes.clone();
        lying[0] = 0x7f;
        Path huge = Files.write(dir.resolve("huge.mp4"), lying);

        assertThat(Mp4Facts.read(text)).isEmpty();
        assertThat(Mp4Facts.read(empty)).isEmpty();
        assertThat(Mp4Facts.read(cut)).isEmpty();
        assertThat(Mp4Facts.read(huge)).isEmpty();
        assertThat(Mp4Facts.read(dir.resolve("missing.mp4"))).isEmpty();
        assertThat(Mp4Facts.read(mp4)).isPresent();
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }
}
