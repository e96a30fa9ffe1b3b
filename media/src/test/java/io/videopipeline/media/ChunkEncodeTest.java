package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.videopipeline.s3.S3ProxyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Split-and-stitch against the unchunked encode of the same clip (a frame counter and a continuous tone), with real
 * ffmpeg and S3Proxy: same frames, keyframes at every chunk start, one audio track with no gap at the joins.
 */
class ChunkEncodeTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    private static final PresetCatalog CATALOG = PresetCatalog.load(PresetCatalogTest.SHIPPED);
    private static final double AAC_FRAME = 1024.0 / 44100;

    @TempDir
    static Path work;

    @BeforeAll
    static void buckets() {
        S3.createBucket("in-bucket");
        S3.createBucket("out-bucket");
    }

    static FfmpegSettings settings(boolean streaming) {
        // veryfast: B-frames in the main-profile preset, as the shipped fast has (ultrafast has none)
        FfmpegSettings s = FfmpegSettings.defaults().withWorkDir(work).withThreads(1).withX264Preset("veryfast");
        return streaming ? s.withStreaming(StreamingEncodeTest.streaming()) : s;
    }

    /** testsrc2 (a frame counter) with a 440 Hz tone all through, 30 fps, keyframes every 2 s. */
    static Path clip(String name, double seconds) throws Exception {
        Path file = work.resolve(name);
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=" + seconds,
                "-f", "lavfi", "-i", "sine=f=440:d=" + seconds, "-threads", "1", "-c:v", "libx264", "-preset",
                "ultrafast", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", file.toString()));
        return file;
    }

    static List<MediaEncoder.Output> outputs(String name, String key) {
        return CATALOG.presets().stream().map(p -> new MediaEncoder.Output(
                "videos/" + name + "/" + name + "-" + p.name() + ".mp4", p, Map.of("source-key", key))).toList();
    }

    static MediaEncoder.Request request(String id, String key, String name) {
        return new MediaEncoder.Request("test-" + id, "in-bucket", key, null, "out-bucket", outputs(name, key), null);
    }

    @Test
    void chunkedEqualsUnchunkedFrameForFrameWithOneGaplessAudioTrack() throws Exception {
        Path source = clip("tone.mp4", 7);
        String key = "uploads/tone.mp4";
        S3.client().putObject(b -> b.bucket("in-bucket").key(key), source);
        MediaEncoder encoder = new MediaEncoder(S3.client(), settings(false), "test");
        encoder.encode(request("whole", key, "whole"), new MediaEncoder.Steps() { });

        ChunkEncoder chunks = new ChunkEncoder(encoder);
        String workPrefix = "_chunks/test-tone/";
        FfmpegProbe.MediaInfo info = chunks.encodeAudio(request("audio", key, "tone"), workPrefix);
        ChunkPlan plan = chunks.plan(info, CATALOG.presets(), 3);
        assertThat(plan.chunkFrames()).isEqualTo(90); // 3 s rounded to the 1080p preset's GOP at 29.97
        assertThat(plan.count()).isEqualTo(3);        // 210 frames: 90 + 90 + 30
        for (int k = plan.count() - 1; k >= 0; k--) { // any order: the stitch does not care who finished first
            chunks.encodeChunk(request("c" + k, key, "tone"), plan, k, workPrefix);
        }
        assertThat(keys("_chunks/")).allMatch(k -> k.endsWith(ChunkEncoder.PART)); // nothing the fan-out hears of
        MediaEncoder.Result result = chunks.stitch(request("stitch", key, "tone"), plan, workPrefix, info,
                new MediaEncoder.Steps() { });
        assertThat(result.written()).containsExactly("videos/tone/tone-1080p.mp4", "videos/tone/tone-720p.mp4",
                "videos/tone/tone-web-720p.mp4");

        for (Preset p : CATALOG.presets()) {
            Path whole = download("videos/whole/whole-" + p.name() + ".mp4");
            Path stitched = download("videos/tone/tone-" + p.name() + ".mp4");
            double frame = 1 / FfmpegCommand.fps(p.fps());
            assertThat(frames(stitched)).as(p.name()).isEqualTo(frames(whole));
            assertThat(duration(stitched, "v:0")).as(p.name()).isCloseTo(duration(whole, "v:0"), offset(frame));
            List<Double> keyframes = keyframeTimes(stitched);
            for (int k = 0; k < plan.count(); k++) {
                double start = plan.firstFrame(k, p.fps()) * frame;
                assertThat(keyframes).as("%s keyframe at chunk %d", p.name(), k)
                        .anySatisfy(t -> assertThat(t).isCloseTo(start, offset(frame / 2)));
            }
            double video = duration(stitched, "v:0");
            assertThat(duration(stitched, "a:0")).as(p.name()).isCloseTo(video, offset(AAC_FRAME));
            assertThat(end(stitched, "a:0")).as("A/V sync at the end").isCloseTo(end(stitched, "v:0"), offset(0.040));
            assertThat(silences(stitched)).as("silence at a join of %s", p.name()).isEmpty();
            assertThat(StreamingEncodeTest.moovBeforeMdat(stitched)).as("faststart").isTrue();
        }
        // the same user metadata as an unchunked rendition
        assertThat(S3.client().headObject(b -> b.bucket("out-bucket").key("videos/tone/tone-720p.mp4")).metadata())
                .containsEntry("preset", "720p").containsKey("duration-seconds").containsEntry("source-key", key);
    }

    @Test
    void planCountsOnTheUnchunkedGridForEveryRate() {
        ChunkPlan plan = ChunkPlan.of(Duration.ofSeconds(10), "29.97", 90, 3);
        assertThat(plan.count()).isEqualTo(4); // 300 frames: 90 90 90 30
        assertThat(plan.firstFrame(1, "29.97")).isEqualTo(90);
        assertThat(plan.firstFrame(1, "30")).isEqualTo(91); // 3.003 s x 30 = 90.09: frame 91 is the first inside
        assertThat(plan.endFrame(0, "30")).isEqualTo(91);
        assertThat(plan.endFrame(3, "30")).isEqualTo(-1);
        assertThat(plan.startSeconds(2)).isCloseTo(6.006, offset(1e-9));
        assertThat(ChunkPlan.of(Duration.ofSeconds(10), "29.97", 90, 0.1).chunkFrames()).isEqualTo(90);
    }

    private static List<String> keys(String prefix) {
        return S3.client().listObjectsV2Paginator(b -> b.bucket("out-bucket").prefix(prefix)).contents().stream()
                .map(S3Object::key).toList();
    }

    private static Path download(String key) throws Exception {
        Path file = Files.createTempFile(work, "dl", ".mp4");
        Files.delete(file);
        S3.client().getObject(b -> b.bucket("out-bucket").key(key), file);
        return file;
    }

    static long frames(Path file) throws Exception {
        return Long.parseLong(run(List.of("ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0",
                "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString())).trim());
    }

    static double duration(Path file, String stream) throws Exception {
        return Double.parseDouble(run(List.of("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
                "stream=duration", "-of", "csv=p=0", file.toString())).trim());
    }

    /** Where the stream's last packet ends. */
    static double end(Path file, String stream) throws Exception {
        double end = 0;
        for (String line : run(List.of("ffprobe", "-v", "error", "-select_streams", stream, "-show_entries",
                "packet=pts_time,duration_time", "-of", "csv=p=0", file.toString())).lines().toList()) {
            String[] f = line.trim().split(",");
            if (f.length < 2 || f[0].isEmpty() || f[1].isEmpty()) {
                continue; // a line of side data
            }
            end = Math.max(end, Double.parseDouble(f[0]) + Double.parseDouble(f[1]));
        }
        return end;
    }

    static List<Double> keyframeTimes(Path file) throws Exception {
        return run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "packet=pts_time,flags", "-of", "csv=p=0", file.toString())).lines().filter(l -> l.contains(",K"))
                .map(l -> Double.parseDouble(l.substring(0, l.indexOf(',')))).toList();
    }

    /** silencedetect's findings: any 10 ms under -50 dB. */
    static List<String> silences(Path file) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-i", file.toString(),
                "-map", "0:a:0", "-af", "silencedetect=n=-50dB:d=0.01", "-f", "null", "-").redirectErrorStream(true);
        String out = output(pb.start());
        return out.lines().filter(l -> l.contains("silence_start")).toList();
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = output(p);
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
        return out;
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
