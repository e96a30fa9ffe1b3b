package io.videopipeline.transcode;

import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.HostileMedia;
import io.videopipeline.media.InputLimits;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.ProgressListener;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import io.videopipeline.media.TranscodeTimeoutException;
import io.videopipeline.media.UnusableSourceException;


import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Hostile uploads through the ffmpeg backend (issue 13, findings 2, 6 and 8), with real ffmpeg/ffprobe and an
 * in-JVM S3: playlists and scripts that name other inputs, small files that declare huge work, and two uploads
 * that share rendition keys.
 */
class MediaGuardTest {

    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final List<Preset> PRESETS = PresetCatalog.load(Path.of("config/presets.yaml")).presets();

    private static InTestS3 s3Server;
    private static S3Client s3;
    private static Path media;
    /** Another upload's temp source, where a worker keeps it: what a playlist would leak. */
    private static Path secret;

    @TempDir
    Path workDir;

    private final OutputKeys keys = new OutputKeys();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        s3Server = new InTestS3();
        s3 = s3Server.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        media = dir;
        secret = HostileMedia.solidTs(dir, "other-job-source.ts", "red");
    }

    @AfterAll
    static void stop() throws Exception {
        s3Server.close();
    }

    private FfmpegSettings settings() {
        return FfmpegSettings.defaults().withFfmpegPath(HostileMedia.FFMPEG).withFfprobePath("/usr/bin/ffprobe")
                .withWorkDir(workDir).withX264Preset("ultrafast").withThreads(1).withTimeout(Duration.ofMinutes(2));
    }

    // ---- finding 2: playlists and scripts never reach a demuxer ------------------------------------------------

    @Test
    void anHlsPlaylistNamingAnotherUploadsFileIsRefusedAndNothingIsPublished() {
        String key = "leak/x.mp4";
        put(key, HostileMedia.hls(secret.toAbsolutePath().toString()).bytes());
        TranscodeJob job = keys.jobFor(UPLOADS, key, null, "etag-leak", TRANSCODED, PRESETS);

        // Before the fix this returned three renditions whose pixels were the red of the other file.
        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings()).submit(job))
                .isInstanceOfSatisfying(UnusableSourceException.class, e -> {
                    assertThat(FailureClassifier.isPermanent(e)).isTrue();
                    assertThat(e.getMessage()).contains("s3://video-upload/leak/x.mp4 is refused")
                            .contains("detects its format as 'hls'");
                });
        assertThat(objectsUnder("leak/")).isEmpty();
        assertThat(workDir).isEmptyDirectory();
    }

    static Stream<Arguments> payloadsUnderEverySuffix() {
        List<Arguments> all = new ArrayList<>();
        for (String suffix : KeyFilter.VIDEO_SUFFIXES) {
            for (HostileMedia.Payload payload : List.of(HostileMedia.hls("/etc/hostname"),
                    HostileMedia.ffconcat("/etc/hostname"), HostileMedia.sdp(5004))) {
                all.add(Arguments.of(payload, suffix));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("payloadsUnderEverySuffix")
    void playlistsAndScriptsAreRefusedUnderEveryAllowedSuffixNamingTheDetectedFormat(HostileMedia.Payload payload,
                                                                                      String suffix) {
        String key = "hostile/" + payload.format() + suffix.toUpperCase(java.util.Locale.ROOT);
        put(key, payload.bytes());
        TranscodeJob job = keys.jobFor(UPLOADS, key, null, "e-" + key, TRANSCODED, PRESETS);

        assertThatThrownBy(() -> shared().submit(job))
                .isInstanceOf(UnusableSourceException.class)
                .satisfies(e -> assertThat(FailureClassifier.isPermanent(e)).isTrue())
                .hasMessageContaining("detects its format as '" + payload.format() + "'");
        assertThat(objectsUnder("hostile/")).isEmpty();
    }

    @Test
    void aRealVideoStillTranscodesWithTheProbedDemuxerForced() throws Exception {
        Path ts = HostileMedia.solidTs(media, "green.ts", "green");
        s3.putObject(p -> p.bucket(UPLOADS).key("ok/green.ts"), RequestBody.fromFile(ts));
        TranscodeResult result = new FfmpegTranscoder(s3, settings())
                .submit(keys.jobFor(UPLOADS, "ok/green.ts", null, "etag-green", TRANSCODED, PRESETS));

        assertThat(result.outputsWritten()).hasSize(3);
        Path out = media.resolve("green-720p.mp4");
        s3.getObject(g -> g.bucket(TRANSCODED).key("ok/green/green-720p.mp4"), ResponseTransformer.toFile(out));
        assertThat(HostileMedia.middlePixel(out)).matches("\\d+,1[0-9][0-9],\\d+"); // green, not red
    }

    // ---- finding 6: limits after the probe, before any encode -----------------------------------------------

    @Test
    void aPngInMp4Declaring16000x16000IsRefusedBeforeEncodingWithBoundedMemory() throws Exception {
        Path huge = HostileMedia.hugePngInMp4(media, 16000);
        assertThat(Files.size(huge)).isLessThan(1_000_000);
        s3.putObject(p -> p.bucket(UPLOADS).key("huge/huge.mp4"), RequestBody.fromFile(huge));
        Path rss = Files.createFile(media.resolve("rss-" + System.nanoTime()));
        FfmpegSettings measured = settings().withFfprobePath(measuring("/usr/bin/ffprobe", rss))
                .withFfmpegPath(measuring(HostileMedia.FFMPEG, rss));

        assertThatThrownBy(() -> new FfmpegTranscoder(s3, measured)
                .submit(keys.jobFor(UPLOADS, "huge/huge.mp4", null, "etag-huge", TRANSCODED, PRESETS)))
                .isInstanceOfSatisfying(InputLimits.InputLimitException.class, e -> {
                    assertThat(FailureClassifier.isPermanent(e)).isTrue();
                    assertThat(e.getMessage()).contains("frame size 16000x16000 (256000000 pixels) exceeds"
                            + " pipeline.transcode.max-pixels (33177600)");
                });
        assertThat(objectsUnder("huge/")).isEmpty();
        // every ffmpeg/ffprobe process of the job (as /usr/bin/time saw it): the decoder never allocated the
        // 256 MB frame (before the fix ffprobe alone peaked at ~300 MB and the encode at ~560 MB)
        List<String> peaks = Files.readAllLines(rss).stream().filter(l -> l.matches("\\d+")).toList();
        assertThat(peaks).isNotEmpty().allSatisfy(kb -> assertThat(Long.parseLong(kb)).isLessThan(150_000));
        assertThat(Files.readString(rss)).doesNotContain("encode"); // ffmpeg itself never ran
    }

    @Test
    void aTinyStillDeclaringTenHoursIsRefused() throws Exception {
        Path still = HostileMedia.tenHourStill(media);
        assertThat(Files.size(still)).isLessThan(10_000);
        s3.putObject(p -> p.bucket(UPLOADS).key("long/still.mp4"), RequestBody.fromFile(still));

        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings())
                .submit(keys.jobFor(UPLOADS, "long/still.mp4", null, "etag-long", TRANSCODED, PRESETS)))
                .isInstanceOf(InputLimits.InputLimitException.class)
                .hasMessageContaining("its duration 10:00:01 exceeds pipeline.transcode.max-duration-minutes (4:00:00)");
        assertThat(objectsUnder("long/")).isEmpty();
    }

    @Test
    void aFrameRateOverTheLimitIsRefused() throws Exception {
        Path fast = HostileMedia.highFrameRate(media, 300);
        s3.putObject(p -> p.bucket(UPLOADS).key("fast/fast.mp4"), RequestBody.fromFile(fast));

        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings())
                .submit(keys.jobFor(UPLOADS, "fast/fast.mp4", null, "etag-fast", TRANSCODED, PRESETS)))
                .isInstanceOf(InputLimits.InputLimitException.class)
                .hasMessageContaining("its frame rate 300.000 fps exceeds pipeline.transcode.max-frame-rate (240.0 fps)");
    }

    @Test
    void anUploadOverTheByteLimitIsRefusedBeforeAndDuringTheDownload() throws Exception {
        Path clip = HostileMedia.solidTs(media, "blue.ts", "blue");
        long size = Files.size(clip);
        s3.putObject(p -> p.bucket(UPLOADS).key("big/blue.ts"), RequestBody.fromFile(clip));
        FfmpegSettings small = settings().withLimits(new InputLimits(size - 1, Duration.ofHours(4), 33177600, 240));

        // the event says the size: refused without a download
        assertThatThrownBy(() -> new FfmpegTranscoder(s3, small)
                .submit(keys.jobFor(UPLOADS, "big/blue.ts", size, "etag-big", TRANSCODED, PRESETS)))
                .isInstanceOf(InputLimits.InputLimitException.class)
                .hasMessageContaining("its size " + size + " bytes exceeds pipeline.transcode.max-input-mb ("
                        + (size - 1) + " bytes)");
        // it does not: refused by the object's length, before anything is written
        assertThatThrownBy(() -> new FfmpegTranscoder(s3, small)
                .submit(keys.jobFor(UPLOADS, "big/blue.ts", null, "etag-big", TRANSCODED, PRESETS)))
                .isInstanceOf(InputLimits.InputLimitException.class)
                .hasMessageContaining("exceeds pipeline.transcode.max-input-mb");
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void aTimeoutIsItsOwnFailureTransientOnTheFirstReceiveOnly() throws Exception {
        Path clip = HostileMedia.solidTs(media, "slow.ts", "white");
        s3.putObject(p -> p.bucket(UPLOADS).key("slow/slow.ts"), RequestBody.fromFile(clip));

        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings().withTimeout(Duration.ofMillis(1)))
                .submit(keys.jobFor(UPLOADS, "slow/slow.ts", null, "etag-slow", TRANSCODED, PRESETS)))
                .isInstanceOfSatisfying(TranscodeTimeoutException.class, e -> {
                    assertThat(e.getMessage()).contains("timed out after PT0.001S");
                    assertThat(e.isTransientOnReceive(1)).isTrue();
                    assertThat(e.isTransientOnReceive(2)).isFalse();
                });
    }

    // ---- finding 8: two uploads, one set of rendition keys ---------------------------------------------------

    @Test
    void aSecondUploadMappingToTheSameRenditionKeysIsRefusedByDefaultAndReplacesWhenConfigured() throws Exception {
        Path red = HostileMedia.solidTs(media, "first.ts", "red");
        Path blue = HostileMedia.solidTs(media, "second.ts", "blue");
        String first = upload("a/clip.mp4", red);
        String second = upload("a/clip.mov", blue);
        TranscodeJob firstJob = keys.jobFor(UPLOADS, "a/clip.mp4", null, first, TRANSCODED, PRESETS);
        TranscodeJob secondJob = keys.jobFor(UPLOADS, "a/clip.mov", null, second, TRANSCODED, PRESETS);
        new FfmpegTranscoder(s3, settings()).submit(firstJob);

        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings()).submit(secondJob))
                .isInstanceOfSatisfying(KeyCollision.CollisionException.class, e -> {
                    assertThat(FailureClassifier.isPermanent(e)).isTrue();
                    assertThat(e.getMessage()).isEqualTo("s3://video-transcoded/a/clip/clip-1080p.mp4 already holds"
                            + " a rendition of s3://video-upload/a/clip.mp4, not of s3://video-upload/a/clip.mov:"
                            + " refusing to overwrite it (both uploads map to the same rendition keys; rename one,"
                            + " or set pipeline.transcode.on-key-collision=replace)");
                });
        assertThat(sourceKeyOf("a/clip/clip-720p.mp4")).isEqualTo("a/clip.mp4");
        // the same upload again (a redelivered event) is still recognised as done, not a collision
        assertThat(new FfmpegTranscoder(s3, settings()).submit(firstJob).skipped()).isTrue();

        TranscodeResult replaced = new FfmpegTranscoder(s3, settings(), ProgressListener.NONE, KeyCollision.REPLACE)
                .submit(secondJob);

        assertThat(replaced.outputsWritten()).hasSize(3);
        for (String output : replaced.outputsWritten()) {
            assertThat(sourceKeyOf(output)).isEqualTo("a/clip.mov");
        }
    }

    @Test
    void identicalBytesUnderAnotherKeyAreACollisionNotADuplicate() throws Exception {
        Path red = HostileMedia.solidTs(media, "same.ts", "red");
        String etag = upload("b/clip.ts", red);
        assertThat(upload("b/clip.mpg", red)).isEqualTo(etag);
        new FfmpegTranscoder(s3, settings()).submit(keys.jobFor(UPLOADS, "b/clip.ts", null, etag, TRANSCODED, PRESETS));

        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings())
                .submit(keys.jobFor(UPLOADS, "b/clip.mpg", null, etag, TRANSCODED, PRESETS)))
                .isInstanceOf(KeyCollision.CollisionException.class);
    }

    @Test
    void theCollisionSettingIsParsedStrictly() {
        assertThat(KeyCollision.parse(" Replace ")).isEqualTo(KeyCollision.REPLACE);
        assertThatThrownBy(() -> KeyCollision.parse("overwrite")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pipeline.transcode.on-key-collision must be refuse or replace, got 'overwrite'");
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static FfmpegTranscoder shared;

    /** One transcoder for the many payload cases (each new one checks both binaries first). */
    private static synchronized FfmpegTranscoder shared() throws IOException {
        if (shared == null) {
            shared = new FfmpegTranscoder(s3, FfmpegSettings.defaults().withFfmpegPath(HostileMedia.FFMPEG)
                    .withFfprobePath("/usr/bin/ffprobe").withWorkDir(Files.createDirectories(media.resolve("work")))
                    .withTimeout(Duration.ofMinutes(2)));
        }
        return shared;
    }

    /**
     * A wrapper that runs the real binary under /usr/bin/time, appending its peak RSS (KB) to {@code rss}, and
     * "encode" for an ffmpeg run that has an input (not the start-up -version check).
     */
    private Path measuringDir;

    private String measuring(String binary, Path rss) throws IOException {
        if (measuringDir == null) {
            measuringDir = Files.createTempDirectory(media, "bin");
        }
        Path script = measuringDir.resolve(Path.of(binary).getFileName());
        // GNU time (Debian package "time", installed by scripts/setup.sh) measures the peak RSS: without it the
        // test would check the refusal only, so it fails instead
        assertThat(Path.of("/usr/bin/time")).as("/usr/bin/time (run scripts/setup.sh)").isExecutable();
        String mark = binary.endsWith("ffmpeg")
                ? "case \" $* \" in *\" -i \"*) echo encode >> '" + rss + "';; esac\n" : "";
        Files.writeString(script, "#!/bin/sh\n" + mark
                + "exec /usr/bin/time -a -o '" + rss + "' -f %M " + binary + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script.toString();
    }

    private static void put(String key, byte[] bytes) {
        s3.putObject(p -> p.bucket(UPLOADS).key(key), RequestBody.fromBytes(bytes));
    }

    private static String upload(String key, Path file) {
        return s3.putObject(p -> p.bucket(UPLOADS).key(key), RequestBody.fromFile(file)).eTag().replace("\"", "");
    }

    private static String sourceKeyOf(String key) {
        return SourceMetadata.decode(s3.headObject(h -> h.bucket(TRANSCODED).key(key)).metadata())
                .get(RenditionMetadata.SOURCE_KEY);
    }

    private static List<String> objectsUnder(String prefix) {
        try (Stream<S3Object> objects = s3.listObjectsV2Paginator(l -> l.bucket(TRANSCODED).prefix(prefix))
                .contents().stream()) {
            return objects.map(S3Object::key).toList();
        }
    }
}
