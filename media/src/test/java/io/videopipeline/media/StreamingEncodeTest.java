package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.s3.S3ProxyFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The HLS package and pictures written by {@link MediaEncoder} with real ffmpeg/ffprobe and S3Proxy. */
class StreamingEncodeTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    private static final PresetCatalog CATALOG = PresetCatalog.load(PresetCatalogTest.SHIPPED);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double FRAME = 1001.0 / 30000;

    @TempDir
    static Path work;

    @BeforeAll
    static void buckets() {
        S3.createBucket("in-bucket");
        S3.createBucket("out-bucket");
    }

    /** Small pictures settings so a 3 s clip has several thumbnails and tiles. */
    static StreamingSettings streaming() {
        StreamingSettings shipped = PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, true);
        return new StreamingSettings(true, shipped.rungs(), 2, 320, 10, 32, 160, 1, 96, 1, 2, 100);
    }

    static FfmpegSettings settings(boolean on) {
        FfmpegSettings s = FfmpegSettings.defaults().withWorkDir(work).withThreads(1).withX264Preset("ultrafast");
        return on ? s.withStreaming(streaming()) : s;
    }

    static Path clip(String name, String size, double seconds, boolean audio) throws Exception {
        Path file = work.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=s=" + size + ":r=30:d=" + seconds));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=d=" + seconds));
        }
        cmd.addAll(List.of("-threads", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                "-shortest", file.toString()));
        run(cmd);
        return file;
    }

    static MediaEncoder.Result encode(boolean on, Path source, String name) {
        return encode(settings(on), source, name);
    }

    static MediaEncoder.Result encode(FfmpegSettings settings, Path source, String name) {
        boolean on = settings.streaming().enabled();
        String key = "uploads/" + name + ".mp4";
        S3.client().putObject(b -> b.bucket("in-bucket").key(key), source);
        List<MediaEncoder.Output> outputs = CATALOG.presets().stream().map(p -> new MediaEncoder.Output(
                "videos/" + name + "/" + name + "-" + p.name() + ".mp4", p, Map.of("source-key", key))).toList();
        return new MediaEncoder(S3.client(), settings, "test").encode(new MediaEncoder.Request(
                "test-" + name + (on ? "-on" : "-off"), "in-bucket", key, null, "out-bucket", outputs, null),
                new MediaEncoder.Steps() { });
    }

    /** Downloads every object under the prefix into a dir, keeping the key layout. */
    static Path download(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(work, "dl");
        for (S3Object o : S3.client().listObjectsV2Paginator(b -> b.bucket("out-bucket").prefix(prefix)).contents()) {
            Path file = dir.resolve(o.key());
            Files.createDirectories(file.getParent());
            S3.client().getObject(b -> b.bucket("out-bucket").key(o.key()), file);
        }
        return dir.resolve(prefix);
    }

    /**
     * The shipped intervals (thumbnails every 10 s, tiles every 5 s) at both ends: a clip shorter than half an
     * interval still gets its thumbnail and the sprite its cue points to; 12 s gets the thumbnails at 0 and 10 s.
     */
    @Test
    void everyIntervalTheVideoReachesHasItsPictureShortOrLong() throws Exception {
        StreamingSettings shipped = PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, true);
        StreamingSettings intervals = new StreamingSettings(true, shipped.rungs(), 2, 320, 10, 32, 160,
                shipped.thumbnailIntervalSeconds(), 96, shipped.storyboardIntervalSeconds(), 10, 100);
        assertThat(intervals.thumbnailIntervalSeconds()).isEqualTo(10);
        assertThat(intervals.storyboardIntervalSeconds()).isEqualTo(5);
        FfmpegSettings settings = settings(false).withStreaming(intervals);

        encode(settings, clip("blink.mp4", "160x90", 0.4, false), "blink");
        Path blink = download("videos/blink/");
        assertImage(blink.resolve("pictures/blink-thumb-00001.jpg"), 160, 90);
        assertThat(blink.resolve("pictures/blink-thumb-00002.jpg")).doesNotExist();
        assertImage(blink.resolve("pictures/blink-storyboard.jpg"), 96, 54);
        assertThat(Files.readString(blink.resolve("pictures/blink-storyboard.vtt")))
                .containsOnlyOnce("#xywh=");

        encode(settings, clip("twelve.mp4", "160x90", 12, false), "twelve");
        Path twelve = download("videos/twelve/");
        assertImage(twelve.resolve("pictures/twelve-thumb-00001.jpg"), 160, 90);
        assertImage(twelve.resolve("pictures/twelve-thumb-00002.jpg"), 160, 90);
        assertThat(twelve.resolve("pictures/twelve-thumb-00003.jpg")).doesNotExist();
        // three tiles (0, 5, 10 s) in one row, as the three cues say
        assertImage(twelve.resolve("pictures/twelve-storyboard.jpg"), 3 * 96, 54);
        assertThat(Files.readString(twelve.resolve("pictures/twelve-storyboard.vtt")))
                .contains("#xywh=192,0,96,54").doesNotContain("#xywh=288");
    }

    /**
     * The MP4s go up side by side, then the package's files side by side (pipeline.transcode.upload-concurrency), the
     * master playlist alone after all of them: the first two PUTs of each kind wait (up to 10 s) until the other is
     * sent, which uploads one after the other never do.
     */
    @Test
    void theUploadsGoSideBySideAndTheMasterLast() throws Exception {
        String master = "videos/side/side.m3u8";
        CountDownLatch twoMp4s = new CountDownLatch(2);
        CountDownLatch twoPackageFiles = new CountDownLatch(2);
        AtomicBoolean mp4WaitedAlone = new AtomicBoolean();
        AtomicBoolean packageFileWaitedAlone = new AtomicBoolean();
        AtomicInteger packageFilesDone = new AtomicInteger();
        AtomicInteger doneBeforeMaster = new AtomicInteger(-1);
        ExecutionInterceptor watch = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                String path = context.httpRequest().encodedPath();
                if (context.httpRequest().method() != SdkHttpMethod.PUT || !path.contains("/videos/side/")) {
                    return;
                }
                if (path.endsWith("/" + master)) {
                    doneBeforeMaster.set(packageFilesDone.get());
                } else if (isRendition(path)) {
                    bothInFlight(twoMp4s, mp4WaitedAlone);
                } else {
                    bothInFlight(twoPackageFiles, packageFileWaitedAlone);
                }
            }

            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                String path = context.httpRequest().encodedPath();
                if (context.httpRequest().method() == SdkHttpMethod.PUT && path.contains("/videos/side/")
                        && !path.endsWith("/" + master) && !isRendition(path)) {
                    packageFilesDone.incrementAndGet();
                }
            }

            private boolean isRendition(String path) {
                return path.endsWith(".mp4") && !path.contains("/hls/");
            }

            private void bothInFlight(CountDownLatch two, AtomicBoolean waitedAlone) {
                if (two.getCount() == 0) {
                    return;
                }
                two.countDown();
                try {
                    if (!two.await(10, TimeUnit.SECONDS)) {
                        waitedAlone.set(true); // sent one after the other: nothing else was in flight
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        String key = "uploads/side.mp4";
        S3.client().putObject(b -> b.bucket("in-bucket").key(key), clip("side.mp4", "320x180", 1, true));
        List<MediaEncoder.Output> outputs = CATALOG.presets().stream().map(p -> new MediaEncoder.Output(
                "videos/side/side-" + p.name() + ".mp4", p, Map.of("source-key", key))).toList();
        MediaEncoder.Result result;
        try (S3Client watched = S3Client.builder().endpointOverride(S3.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY)))
                .overrideConfiguration(o -> o.addExecutionInterceptor(watch)).build()) {
            result = new MediaEncoder(watched, settings(true).withUploadConcurrency(4), "test").encode(
                    new MediaEncoder.Request("test-side", "in-bucket", key, null, "out-bucket", outputs, null),
                    new MediaEncoder.Steps() { });
        }
        assertThat(mp4WaitedAlone).as("an MP4 waited 10 s alone for a second one").isFalse();
        assertThat(packageFileWaitedAlone).as("a package file waited 10 s alone for a second one").isFalse();
        assertThat(twoMp4s.getCount() + twoPackageFiles.getCount()).isZero();
        assertThat(result.streamed()).last().isEqualTo(master);
        assertThat(doneBeforeMaster.get()).as("package files uploaded before the master")
                .isEqualTo(result.streamed().size() - 1);
        assertThat(keys("videos/side/")).containsAll(result.streamed());
    }

    @Test
    void offWritesExactlyTheMp4s() throws Exception {
        MediaEncoder.Result result = encode(false, clip("off.mp4", "320x180", 1, true), "off");
        assertThat(result.streamed()).isEmpty();
        assertThat(keys("videos/off/")).containsExactly("videos/off/off-1080p.mp4", "videos/off/off-720p.mp4",
                "videos/off/off-web-720p.mp4");
    }

    @Test
    void aSmallSourceGetsOneRungAtItsOwnSizePicturesAndAMasterThatPlays() throws Exception {
        MediaEncoder.Result result = encode(true, clip("small.mp4", "640x360", 3, true), "small");
        assertThat(result.written()).hasSize(3);
        assertThat(result.streamed()).last().isEqualTo("videos/small/small.m3u8");
        assertThat(result.streamed()).contains("videos/small/small-poster.jpg",
                "videos/small/pictures/small-thumb-00001.jpg", "videos/small/pictures/small-thumb-00003.jpg",
                "videos/small/pictures/small-storyboard.jpg", "videos/small/pictures/small-storyboard.vtt",
                "videos/small/hls/640x360/index.m3u", "videos/small/hls/640x360/init.m4s",
                "videos/small/hls/640x360/seg-00000.m4s");
        // never upscaled: no rung above the source's 640x360
        assertThat(result.streamed()).filteredOn(k -> k.contains("/hls/"))
                .allMatch(k -> k.startsWith("videos/small/hls/640x360/"));
        // the bucket's notification rules (.mp4, .m3u8) must see the master and nothing else of the package
        assertThat(result.streamed()).filteredOn(k -> k.endsWith(".mp4") || k.endsWith(".m3u8"))
                .containsExactly("videos/small/small.m3u8");
        assertThat(contentType("videos/small/small.m3u8")).isEqualTo("application/vnd.apple.mpegurl");
        assertThat(contentType("videos/small/hls/640x360/seg-00000.m4s")).isEqualTo("video/mp4");
        assertThat(contentType("videos/small/small-poster.jpg")).isEqualTo("image/jpeg");
        assertThat(contentType("videos/small/pictures/small-storyboard.vtt")).isEqualTo("text/vtt");

        Path dir = download("videos/small/");
        String master = Files.readString(dir.resolve("small.m3u8"));
        assertThat(master).startsWith("#EXTM3U\n").contains("#EXT-X-INDEPENDENT-SEGMENTS")
                .containsPattern("#EXT-X-STREAM-INF:BANDWIDTH=\\d+,AVERAGE-BANDWIDTH=\\d+,RESOLUTION=640x360,"
                        + "FRAME-RATE=29\\.970,CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\"\nhls/640x360/index.m3u");
        assertPlays(dir.resolve("small.m3u8"), 1);
        assertRung(dir, "640x360", 640, 360, dir.resolve("small-1080p.mp4"));

        assertImage(dir.resolve("small-poster.jpg"), 320, 180);
        assertImage(dir.resolve("pictures/small-thumb-00001.jpg"), 160, 90);
        assertThat(dir.resolve("pictures/small-thumb-00004.jpg")).doesNotExist();
        // 3 tiles of 96x54, two a row
        assertImage(dir.resolve("pictures/small-storyboard.jpg"), 192, 108);
        assertThat(Files.readString(dir.resolve("pictures/small-storyboard.vtt"))).isEqualTo("""
                WEBVTT

                00:00:00.000 --> 00:00:01.000
                small-storyboard.jpg#xywh=0,0,96,54

                00:00:01.000 --> 00:00:02.000
                small-storyboard.jpg#xywh=96,0,96,54

                00:00:02.000 --> 00:00:03.000
                small-storyboard.jpg#xywh=0,54,96,54
                """);
        assertStoryboard(dir.resolve("pictures/small-storyboard.vtt"), dir.resolve("pictures/small-storyboard.jpg"),
                3);
    }

    @Test
    void a720pSourceReusesTheMp4EncodeForItsTopRungAndTheMp4sAreUnchanged() throws Exception {
        Path source = clip("hd.mp4", "1280x720", 2.5, false);
        encode(false, source, "hdoff");
        MediaEncoder.Result on = encode(true, source, "hd");
        assertThat(on.streamed()).last().isEqualTo("videos/hd/hd.m3u8");
        assertThat(on.streamed()).filteredOn(k -> k.endsWith(".mp4") || k.endsWith(".m3u8"))
                .containsExactly("videos/hd/hd.m3u8");
        Path dir = download("videos/hd/");
        Path off = download("videos/hdoff/");
        for (String preset : List.of("1080p", "720p", "web-720p")) {
            assertThat(dir.resolve("hd-" + preset + ".mp4")).hasSameBinaryContentAs(
                    off.resolve("hdoff-" + preset + ".mp4"));
        }
        String master = Files.readString(dir.resolve("hd.m3u8"));
        assertThat(master).contains("RESOLUTION=1280x720", "RESOLUTION=852x480", "RESOLUTION=640x360")
                .doesNotContain("1920x1080").doesNotContain("mp4a");
        assertPlays(dir.resolve("hd.m3u8"), 3);
        assertRung(dir, "1280x720", 1280, 720, dir.resolve("hd-1080p.mp4"));
        assertRung(dir, "852x480", 852, 480, dir.resolve("hd-1080p.mp4"));
        assertRung(dir, "640x360", 640, 360, dir.resolve("hd-1080p.mp4"));
        // one encode, two packagings: the top rung's video packets are the MP4's
        assertThat(videoMd5(joined(dir.resolve("hls/1280x720")))).isEqualTo(videoMd5(dir.resolve("hd-1080p.mp4")));
    }

    @Test
    void aPortraitSourceFitsAsTheMp4sDo() throws Exception {
        MediaEncoder.Result result = encode(true, clip("portrait.mp4", "360x640", 1.5, false), "portrait");
        assertThat(result.streamed()).last().isEqualTo("videos/portrait/portrait.m3u8");
        Path dir = download("videos/portrait/");
        assertThat(videoStream(dir.resolve("portrait-1080p.mp4")).get("width").asInt()).isEqualTo(360);
        assertPlays(dir.resolve("portrait.m3u8"), 3);
        assertRung(dir, "360x640", 360, 640, dir.resolve("portrait-720p.mp4"));
        assertRung(dir, "270x480", 270, 480, dir.resolve("portrait-720p.mp4"));
        assertRung(dir, "202x360", 202, 360, dir.resolve("portrait-720p.mp4"));
        assertImage(dir.resolve("portrait-poster.jpg"), 320, 568);
    }

    /**
     * Footage with a hard cut every 0.85 s (the picture is negated and flipped in turn, every 1.7 s each) under an
     * x264 preset that detects scene cuts: the reused MP4 encode gets scene-cut keyframes, yet the segments of
     * every rung start at the same frames, on keyframes, and are no longer than the target.
     */
    @Test
    void sceneCutsDoNotMoveSegmentBoundariesApartAcrossRungs() throws Exception {
        Path source = work.resolve("cuts.mp4");
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=8,"
                        + "negate=enable='lt(mod(t,3.4),1.7)',vflip=enable='lt(mod(t+0.85,3.4),1.7)'",
                "-f", "lavfi", "-i", "sine=d=8", "-threads", "1", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-shortest", source.toString()));
        StreamingSettings s = streaming();
        // one GOP a segment (3.003 s), so 8 s make three segments
        FfmpegSettings settings = settings(true).withX264Preset("veryfast").withStreaming(new StreamingSettings(true,
                s.rungs(), 1, s.posterWidth(), s.posterWindowSeconds(), s.posterMinLuma(), s.thumbnailWidth(),
                s.thumbnailIntervalSeconds(), s.tileWidth(), s.storyboardIntervalSeconds(), s.columns(), s.maxTiles()));
        encode(settings, source, "cuts");
        encode(settings.withStreaming(StreamingSettings.OFF), source, "cutsoff");
        Path dir = download("videos/cuts/");
        Path off = download("videos/cutsoff/");
        Path mp4 = dir.resolve("cuts-1080p.mp4");
        assertThat(keyframes(mp4)).as("the reused MP4 keeps its scene-cut keyframes")
                .anyMatch(frame -> frame % 90 != 0).contains(0L, 90L, 180L);
        // the MP4s are the same renditions as without streaming: only keyframes were added at the boundaries
        for (String preset : List.of("1080p", "720p", "web-720p")) {
            Path on = dir.resolve("cuts-" + preset + ".mp4");
            Path plain = off.resolve("cutsoff-" + preset + ".mp4");
            for (String entries : List.of("stream=codec_name,profile,level,width,height,pix_fmt,r_frame_rate,"
                    + "nb_frames,sample_rate,channels", "format=format_name,duration")) {
                assertThat(run(List.of("ffprobe", "-v", "error", "-show_entries", entries, "-of", "json",
                        on.toString()))).as(preset).isEqualTo(run(List.of("ffprobe", "-v", "error", "-show_entries",
                        entries, "-of", "json", plain.toString())));
            }
            assertThat(moovBeforeMdat(on)).as("%s is faststart", preset).isTrue();
        }
        assertThat(off.resolve("cutsoff-web-720p.mp4")).as("the MP4 no rung reuses is untouched")
                .hasSameBinaryContentAs(dir.resolve("cuts-web-720p.mp4"));

        List<Double> top = assertRung(dir, "1280x720", 1280, 720, mp4, 3.003);
        assertThat(top).hasSize(3);
        // the packager shifts every rung's timestamps alike; what matters is one GOP from boundary to boundary
        assertThat(top.get(1) - top.get(0)).isCloseTo(90 * FRAME, org.assertj.core.data.Offset.offset(0.001));
        assertThat(top.get(2) - top.get(1)).isCloseTo(90 * FRAME, org.assertj.core.data.Offset.offset(0.001));
        assertThat(assertRung(dir, "852x480", 852, 480, mp4, 3.003)).isEqualTo(top);
        assertThat(assertRung(dir, "640x360", 640, 360, mp4, 3.003)).isEqualTo(top);
        assertPlays(dir.resolve("cuts.m3u8"), 3);
        assertStoryboard(dir.resolve("pictures/cuts-storyboard.vtt"), dir.resolve("pictures/cuts-storyboard.jpg"), 8);
    }

    /**
     * A video that starts with 2.5 s of black (most of what the poster is chosen from here) gets a poster of its
     * content; one that is black all through still gets a poster.
     */
    @Test
    void thePosterIsAFrameOfTheContentNotTheBlackStart() throws Exception {
        Path late = work.resolve("late.mp4");
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=320x180:r=30:d=2.5",
                "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=2", "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0",
                "-threads", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", late.toString()));
        encode(true, late, "late");
        Path dir = download("videos/late/");
        assertImage(dir.resolve("late-poster.jpg"), 320, 180);
        assertThat(meanLuma(dir.resolve("late-poster.jpg"))).isGreaterThan(60);
        assertStoryboard(dir.resolve("pictures/late-storyboard.vtt"), dir.resolve("pictures/late-storyboard.jpg"),
                4.5);

        Path dark = work.resolve("dark.mp4");
        run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=black:s=320x180:r=30:d=1.5",
                "-threads", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", dark.toString()));
        MediaEncoder.Result result = encode(true, dark, "dark");
        assertThat(result.streamed()).contains("videos/dark/dark-poster.jpg").last().isEqualTo("videos/dark/dark.m3u8");
        assertImage(download("videos/dark/").resolve("dark-poster.jpg"), 320, 180);
    }

    /** Mean luma (0-255, full range as JPEG stores it) of an image. */
    static double meanLuma(Path image) throws Exception {
        String out = run(List.of("ffprobe", "-v", "error", "-f", "lavfi", "-i",
                "movie=" + image + ",signalstats", "-show_entries",
                "frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"));
        return Double.parseDouble(out.trim());
    }

    /**
     * The storyboard's WebVTT parses: a WEBVTT header, cues in order that do not overlap and end by the video's end,
     * each pointing into the sprite with a rectangle inside the sprite's real size.
     */
    static void assertStoryboard(Path vtt, Path sprite, double durationSeconds) throws Exception {
        JsonNode image = videoStream(sprite);
        int width = image.get("width").asInt();
        int height = image.get("height").asInt();
        String text = Files.readString(vtt);
        assertThat(text).startsWith("WEBVTT\n");
        Matcher cue = Pattern.compile("\n\n(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) --> (\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3})\n"
                + "(\\S+)#xywh=(\\d+),(\\d+),(\\d+),(\\d+)(?=\n)").matcher(text);
        double previousEnd = 0;
        int cues = 0;
        int end = "WEBVTT".length();
        while (cue.find()) {
            assertThat(cue.start()).as("cue %d follows the previous one directly", cues).isEqualTo(end);
            end = cue.end();
            cues++;
            double start = seconds(cue, 1);
            double stop = seconds(cue, 5);
            assertThat(start).isGreaterThanOrEqualTo(previousEnd);
            assertThat(stop).isGreaterThan(start).isLessThanOrEqualTo(durationSeconds + 0.001);
            previousEnd = stop;
            assertThat(cue.group(9)).isEqualTo(sprite.getFileName().toString());
            int x = Integer.parseInt(cue.group(10));
            int y = Integer.parseInt(cue.group(11));
            int w = Integer.parseInt(cue.group(12));
            int h = Integer.parseInt(cue.group(13));
            assertThat(w).isPositive();
            assertThat(h).isPositive();
            assertThat(x + w).isLessThanOrEqualTo(width);
            assertThat(y + h).isLessThanOrEqualTo(height);
        }
        assertThat(cues).isPositive();
        assertThat(text.substring(end)).isEqualTo("\n");
        assertThat(previousEnd).isCloseTo(durationSeconds, org.assertj.core.data.Offset.offset(0.05));
    }

    private static double seconds(Matcher m, int group) {
        return Integer.parseInt(m.group(group)) * 3600 + Integer.parseInt(m.group(group + 1)) * 60
                + Integer.parseInt(m.group(group + 2)) + Integer.parseInt(m.group(group + 3)) / 1000.0;
    }

    static boolean moovBeforeMdat(Path mp4) throws IOException {
        String head = new String(Files.readAllBytes(mp4), StandardCharsets.ISO_8859_1);
        return head.indexOf("moov") >= 0 && head.indexOf("moov") < head.indexOf("mdat");
    }

    /** Frame numbers of the keyframes of the first video stream. */
    static List<Long> keyframes(Path file) throws Exception {
        return run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,flags",
                "-of", "csv=p=0", file.toString())).lines().filter(l -> l.contains(",K"))
                .map(l -> Math.round(Long.parseLong(l.substring(0, l.indexOf(','))) / 1001.0)).sorted().toList();
    }

    /** ffmpeg decodes every stream of every variant the master lists. */
    static void assertPlays(Path master, int variants) throws Exception {
        JsonNode probe = JSON.readTree(run(List.of("ffprobe", "-v", "error", "-of", "json", "-show_programs",
                master.toString())));
        assertThat(probe.get("programs")).hasSize(variants);
        run(List.of("ffmpeg", "-v", "error", "-threads", "1", "-i", master.toString(), "-map", "0", "-f", "null",
                "-"));
    }

    static List<Double> assertRung(Path dir, String name, int width, int height, Path mp4) throws Exception {
        return assertRung(dir, name, width, height, mp4, 6.006);
    }

    /**
     * Size, keyframe at every segment start, segment lengths, and the duration of the MP4 within a frame.
     *
     * @return the segments' start times (their first video packet's pts), for comparing rungs
     */
    static List<Double> assertRung(Path dir, String name, int width, int height, Path mp4, double segmentSeconds)
            throws Exception {
        Path variant = dir.resolve("hls").resolve(name);
        String playlist = Files.readString(variant.resolve("index.m3u"));
        Matcher target = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)").matcher(playlist);
        assertThat(target.find()).isTrue();
        Matcher extinf = Pattern.compile("#EXTINF:([\\d.]+),\n(\\S+)").matcher(playlist);
        Path init = Files.list(variant).filter(f -> f.getFileName().toString().startsWith("init")).findFirst()
                .orElseThrow();
        List<Double> starts = new ArrayList<>();
        while (extinf.find()) {
            assertThat(Double.parseDouble(extinf.group(1))).as("length of %s/%s", name, extinf.group(2))
                    .isLessThanOrEqualTo(segmentSeconds + 0.5);
            Path one = concat(work.resolve("seg-" + name + "-" + starts.size() + "-" + System.nanoTime() + ".mp4"),
                    init, variant.resolve(extinf.group(2)));
            // the packet first in decode order is the one the segment starts with
            String first = run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals",
                    "%+#1", "-show_entries", "packet=flags,pts_time", "-of", "csv=p=0", one.toString())).trim();
            assertThat(first).as("first packet of %s/%s", name, extinf.group(2)).contains("K");
            starts.add(Double.parseDouble(first.substring(0, first.indexOf(','))));
        }
        assertThat(starts).isNotEmpty();
        Path all = joined(variant);
        JsonNode stream = videoStream(all);
        assertThat(stream.get("width").asInt()).isEqualTo(width);
        assertThat(stream.get("height").asInt()).isEqualTo(height);
        assertThat(frames(all)).isCloseTo(frames(mp4), org.assertj.core.data.Offset.offset(FRAME));
        return starts;
    }

    static Path joined(Path variant) throws IOException {
        List<Path> parts = new ArrayList<>();
        try (var files = Files.list(variant)) {
            files.filter(f -> f.getFileName().toString().startsWith("init")).forEach(parts::add);
        }
        try (var files = Files.list(variant)) {
            files.filter(f -> f.getFileName().toString().startsWith("seg-")).sorted().forEach(parts::add);
        }
        return concat(work.resolve("joined-" + variant.getFileName() + "-" + System.nanoTime() + ".mp4"),
                parts.toArray(Path[]::new));
    }

    static Path concat(Path out, Path... parts) throws IOException {
        try (OutputStream o = Files.newOutputStream(out)) {
            for (Path part : parts) {
                Files.copy(part, o);
            }
        }
        return out;
    }

    static double frames(Path file) throws Exception {
        String count = run(List.of("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
                "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString())).trim();
        return Integer.parseInt(count) * FRAME;
    }

    static JsonNode videoStream(Path file) throws Exception {
        return JSON.readTree(run(List.of("ffprobe", "-v", "error", "-of", "json", "-show_streams", "-select_streams",
                "v:0", file.toString()))).get("streams").get(0);
    }

    static void assertImage(Path jpeg, int width, int height) throws Exception {
        JsonNode stream = videoStream(jpeg);
        assertThat(stream.get("codec_name").asText()).isEqualTo("mjpeg");
        assertThat(stream.get("width").asInt()).isEqualTo(width);
        assertThat(stream.get("height").asInt()).isEqualTo(height);
    }

    static String videoMd5(Path file) throws Exception {
        return run(List.of("ffmpeg", "-v", "error", "-i", file.toString(), "-map", "0:v:0", "-c", "copy", "-f",
                "md5", "-"));
    }

    static List<String> keys(String prefix) {
        return S3.client().listObjectsV2Paginator(b -> b.bucket("out-bucket").prefix(prefix)).contents().stream()
                .map(S3Object::key).sorted().toList();
    }

    static String contentType(String key) {
        HeadObjectResponse head = S3.client().headObject(b -> b.bucket("out-bucket").key(key));
        return head.contentType();
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("exit of %s", String.join(" ", cmd)).isZero();
        return out;
    }
}
