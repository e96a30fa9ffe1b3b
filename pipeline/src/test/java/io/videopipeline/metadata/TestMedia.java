package io.videopipeline.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real MP4s made with ffmpeg's lavfi sources, and ffprobe of local files for comparison. */
final class TestMedia {

    static final String FFMPEG = "/usr/bin/ffmpeg";
    static final String FFPROBE = "/usr/bin/ffprobe";

    private TestMedia() {
    }

    /** A faststart H.264/AAC (or video-only) MP4 of test pattern and tone. */
    static Path clip(Path dir, String name, double seconds, String size, boolean audio) {
        Path out = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(FFMPEG, "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=25:d=" + seconds));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=f=440:d=" + seconds, "-c:a", "aac", "-b:a", "64k"));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", out.toString()));
        run(cmd);
        return out;
    }

    /**
     * A large faststart MP4: lossless H.264 of a noisy pattern, so the size comes from the picture,
     * not from padding. 640x360 at 25 fps gives about 12 MB per second.
     */
    static Path large(Path dir, String name, double seconds) {
        Path out = dir.resolve(name);
        run(List.of(FFMPEG, "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=" + seconds,
                "-f", "lavfi", "-i", "sine=f=440:d=" + seconds,
                "-vf", "noise=alls=100:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
                "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", out.toString()));
        return out;
    }

    /** ffprobe's JSON for a local file. */
    static JsonNode probe(Path file) {
        String out = run(List.of(FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
                file.toString()));
        try {
            return new ObjectMapper().readTree(out);
        } catch (IOException e) {
            throw new AssertionError("ffprobe printed no JSON for " + file + ": " + out, e);
        }
    }

    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd.get(0)).isTrue();
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("%s failed: %s", cmd, text).isZero();
            return text;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
