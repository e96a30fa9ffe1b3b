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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
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
        return clip(name, "320x180", seconds);
    }

    static Path clip(String name, String size, double seconds) throws Exception {
        Path file = work.resolve(name);
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=" + size + ":r=30:d=" + seconds,
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

    /**
     * A worker's tasks of one job (the audio, then two chunks at once as with chunk-concurrency 2) fetch the source
     * once; a job of another version of the upload (another ETag: another job id, another work prefix) gets its own
     * source, never the kept one; the stitch on this worker removes what it kept.
     */
    @Test
    void aWorkersTasksOfOneJobDownloadTheSourceOnceAndTheStitchRemovesIt() throws Exception {
        String key = "uploads/kept.mp4";
        S3.client().putObject(b -> b.bucket("in-bucket").key(key), clip("kept.mp4", 7));
        AtomicInteger gets = new AtomicInteger();
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                SdkHttpRequest http = context.httpRequest();
                if (http.method() == SdkHttpMethod.GET && http.encodedPath().endsWith("/in-bucket/uploads/kept.mp4")) {
                    gets.incrementAndGet(); // every request sent, retries included
                }
            }
        };
        try (S3Client counted = S3Client.builder().endpointOverride(S3.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY)))
                .overrideConfiguration(o -> o.addExecutionInterceptor(counter)).build()) {
            ChunkEncoder chunks = new ChunkEncoder(new MediaEncoder(counted, settings(false), "test"));
            String workPrefix = "_chunks/test-kept-v1/";
            FfmpegProbe.MediaInfo info = chunks.encodeAudio(request("kept-audio", key, "kept"), workPrefix);
            ChunkPlan plan = chunks.plan(info, CATALOG.presets(), 3);
            assertThat(plan.count()).isEqualTo(3);
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<FfmpegProbe.MediaInfo>> running = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int chunk = k;
                running.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return chunks.encodeChunk(request("kept-c" + chunk, key, "kept"), plan, chunk, workPrefix);
                }));
            }
            go.countDown();
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
            assertThat(gets).as("GETs of the source by three tasks of one job").hasValue(1);
            assertThat(sourceDirs()).hasSize(1);

            // the upload is replaced (another ETag): its job has another work prefix and downloads its own source
            S3.client().putObject(b -> b.bucket("in-bucket").key(key), clip("kept-v2.mp4", 4));
            FfmpegProbe.MediaInfo replaced = chunks.encodeAudio(request("kept2-audio", key, "kept2"),
                    "_chunks/test-kept-v2/");
            assertThat(gets).hasValue(2);
            assertThat(replaced.duration().toMillis()).isLessThan(5000); // the new bytes, not the kept 7 s
            assertThat(chunks.keptSources()).as("one source kept: the other job's went").isEqualTo(1);

            // back to the first job on this worker: its source was replaced, so it is fetched again
            S3.client().putObject(b -> b.bucket("in-bucket").key(key), work.resolve("kept.mp4"));
            chunks.encodeChunk(request("kept-c2", key, "kept"), plan, 2, workPrefix);
            assertThat(gets).hasValue(3);
            chunks.stitch(request("kept-stitch", key, "kept"), plan, workPrefix, info, new MediaEncoder.Steps() { });
            assertThat(chunks.keptSources()).isZero();
            assertThat(sourceDirs()).as("kept sources in the work dir after the stitch").isEmpty();
        }
    }

    @Test
    void withoutACacheEveryTaskKeepsNothing() throws Exception {
        String key = "uploads/nocache.mp4";
        S3.client().putObject(b -> b.bucket("in-bucket").key(key), clip("nocache.mp4", 4));
        ChunkEncoder chunks = new ChunkEncoder(new MediaEncoder(S3.client(), settings(false), "test"), 0);
        chunks.encodeAudio(request("nocache-audio", key, "nocache"), "_chunks/test-nocache/");
        assertThat(chunks.keptSources()).isZero();
        assertThat(sourceDirs()).isEmpty();
    }

    /**
     * With streaming on, the stitch takes the pictures from the 640x360 rung of an 854x480 source (the smallest
     * rendition wide enough): the same pictures as the unchunked job's, in number, size and storyboard cues. And it
     * decodes them beside its other work: the stitch's ffmpeg is a stand-in that holds the pictures' run until a join
     * starts after it (for up to 30 s), which a stitch running one ffmpeg after the other never does.
     */
    @Test
    void theStitchsPicturesMatchTheUnchunkedJobsFromASmallerRendition() throws Exception {
        Path source = clip("wide.mp4", "854x480", 7);
        String key = "uploads/wide.mp4";
        S3.client().putObject(b -> b.bucket("in-bucket").key(key), source);
        MediaEncoder encoder = new MediaEncoder(S3.client(), settings(true), "test");
        List<String> whole = encoder.encode(request("wide-whole", key, "wholewide"), new MediaEncoder.Steps() { })
                .streamed();
        Path markers = Files.createDirectories(work.resolve("stitch-markers"));
        ChunkEncoder chunks = new ChunkEncoder(new MediaEncoder(S3.client(), settings(true)
                .withFfmpegPath(picturesWaitForAJoin(markers).toString()), "test"));
        String workPrefix = "_chunks/test-wide/";
        FfmpegProbe.MediaInfo info = chunks.encodeAudio(request("wide-audio", key, "wide"), workPrefix);
        ChunkPlan plan = chunks.plan(info, CATALOG.presets(), 3);
        assertThat(plan.count()).isEqualTo(2); // whole HLS segments: 6.006 s + 1 s
        for (int k = 0; k < plan.count(); k++) {
            chunks.encodeChunk(request("wide-c" + k, key, "wide"), plan, k, workPrefix);
        }
        List<String> stitched = chunks.stitch(request("wide-stitch", key, "wide"), plan, workPrefix, info,
                new MediaEncoder.Steps() { }).streamed();
        assertThat(markers.resolve("pictures-beside-a-join")).as("the pictures decoded while a join ran").exists();

        List<String> pictures = stitched.stream().filter(k -> k.endsWith(".jpg") || k.endsWith(".vtt")).toList();
        assertThat(pictures).hasSizeGreaterThan(3)
                .isEqualTo(whole.stream().filter(k -> k.endsWith(".jpg") || k.endsWith(".vtt"))
                        .map(k -> k.replace("wholewide", "wide")).toList());
        for (String picture : pictures) {
            String unchunked = picture.replace("wide", "wholewide");
            if (picture.endsWith(".vtt")) {
                assertThat(text(picture)).isEqualTo(text(unchunked).replace("wholewide", "wide"));
            } else {
                assertThat(imageSize(download(picture))).as(picture).isEqualTo(imageSize(download(unchunked)));
            }
        }
    }

    /** ffmpeg, except that the pictures' run (its graph splits in three) first waits for a join to start. */
    private static Path picturesWaitForAJoin(Path markers) throws Exception {
        Path script = work.resolve("ffmpeg-pictures-wait-for-a-join.sh");
        Files.writeString(script, """
                #!/bin/sh
                markers='%s'
                joins() { ls "$markers" | grep -c '^join-'; }
                case "$*" in
                  *"-f concat"*) : > "$markers/join-$$" ;;
                  *"split=3[v0][v1][v2]"*)
                    before=$(joins); i=0
                    while [ "$(joins)" -le "$before" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
                    [ $i -lt 300 ] && : > "$markers/pictures-beside-a-join" ;;
                esac
                exec ffmpeg "$@"
                """.formatted(markers));
        script.toFile().setExecutable(true);
        return script;
    }

    @Test
    void picturesComeFromTheSmallestRenditionWideEnoughOfTheFirstOutputsRate() {
        List<Preset> presets = CATALOG.presets(); // 1080p, 720p at 29.97, web-720p at 30
        List<Preset> rungs = StreamingEncodeTest.streaming().rungs(); // ... 480p, 360p at 29.97
        List<FfmpegCommand.Output> stitched = new ArrayList<>();
        presets.forEach(p -> stitched.add(new FfmpegCommand.Output(p, work.resolve("mp4-" + p.name()))));
        rungs.stream().filter(r -> r.maxWidth() < 1280)
                .forEach(r -> stitched.add(new FfmpegCommand.Output(r, work.resolve("rung-" + r.name()))));
        FfmpegProbe.MediaInfo hd = new FfmpegProbe.MediaInfo("mov", Duration.ofSeconds(60), true, null, null, 1920,
                1080, true, null, null, 0, 0, 0);
        assertThat(ChunkEncoder.pictureSource(stitched, pictures(640, 90), hd)).isEqualTo(work.resolve("rung-360p"));
        assertThat(ChunkEncoder.pictureSource(stitched, pictures(700, 90), hd)).isEqualTo(work.resolve("rung-480p"));
        assertThat(ChunkEncoder.pictureSource(stitched, pictures(1000, 90), hd)).isEqualTo(work.resolve("mp4-720p"));
        // nothing wide enough (a small source: every rendition its size): the largest, as before
        FfmpegProbe.MediaInfo small = new FfmpegProbe.MediaInfo("mov", Duration.ofSeconds(60), true, null, null, 320,
                180, true, null, null, 0, 0, 0);
        assertThat(ChunkEncoder.pictureSource(stitched, pictures(640, 90), small)).isEqualTo(work.resolve("mp4-1080p"));
        // web-720p (30 fps) is never chosen when the first output is at 29.97: other frames, other picture times
        List<FfmpegCommand.Output> web = List.of(stitched.get(0), stitched.get(2));
        assertThat(ChunkEncoder.pictureSource(web, pictures(640, 90), hd)).isEqualTo(work.resolve("mp4-1080p"));
    }

    private static FfmpegCommand.Pictures pictures(int posterWidth, int tileHeight) {
        return new FfmpegCommand.Pictures(work.resolve("p.jpg"), work.resolve("a.jpg"), posterWidth, 10, 32,
                work.resolve("t-%05d.jpg"), 320, 10, work.resolve("s.jpg"), 160, tileHeight, 5, 10, 10);
    }

    private static List<Path> sourceDirs() throws Exception {
        try (var dirs = Files.list(work)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("test-source-")).toList();
        }
    }

    private static String text(String key) {
        return S3.client().getObjectAsBytes(b -> b.bucket("out-bucket").key(key)).asUtf8String();
    }

    private static String imageSize(Path file) throws Exception {
        return run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                "-of", "csv=p=0", file.toString())).trim();
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
