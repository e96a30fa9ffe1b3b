package io.videopipeline.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.failure.FailureClassifier;
import io.videopipeline.media.FfmpegProbe;
import io.videopipeline.media.FfmpegProcess;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.ProgressListener;
import io.videopipeline.media.S3FileUpload;
import io.videopipeline.media.SourceMetadata;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.media.UnusableSourceException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * End to end through ffmpeg and S3 (S3Proxy in this JVM): synthetic lavfi clips of about a second, x264
 * ultrafast, one thread per output, to stay light on shared machines.
 */
class FfmpegTranscoderTest {

    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final List<Preset> PRESETS = PresetCatalog.load(Path.of("config/presets.yaml")).presets();

    private static InTestS3 s3Server;
    private static S3Client s3;
    private static Path clips;

    @TempDir
    Path workDir;

    private final OutputKeys keys = new OutputKeys();
    private final List<ProgressListener.Progress> progress = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void startS3(@TempDir Path clipDir) throws Exception {
        s3Server = new InTestS3();
        s3 = s3Server.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        clips = clipDir;
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3Server.close();
    }

    private FfmpegSettings settings() {
        return FfmpegSettings.defaults().withFfmpegPath("/usr/bin/ffmpeg").withFfprobePath("/usr/bin/ffprobe")
                .withWorkDir(workDir).withX264Preset("ultrafast").withThreads(1).withTimeout(Duration.ofMinutes(2));
    }

    private FfmpegTranscoder transcoder() {
        return new FfmpegTranscoder(s3, settings(), progress::add);
    }

    @Test
    void fullHdSourceGivesThreeRenditionsWithTheRightSizesCodecsAndMetadata() throws Exception {
        String key = "uploads/a b/비디오 clip.mov";
        String etag = upload(key, clip("1080p.mov", 1920, 1080, true));
        TranscodeJob job = keys.jobFor(UPLOADS, key, null, etag, TRANSCODED, PRESETS);

        TranscodeResult result = transcoder().submit(job);

        assertThat(result.backend()).isEqualTo("ffmpeg");
        assertThat(result.skipped()).isFalse();
        assertThat(result.jobId()).matches("ffmpeg-[0-9a-f]{16}");
        assertThat(result.outputsWritten()).containsExactly("uploads/a b/비디오 clip/비디오 clip-1080p.mp4",
                "uploads/a b/비디오 clip/비디오 clip-720p.mp4", "uploads/a b/비디오 clip/비디오 clip-web-720p.mp4");
        assertThat(sizeOf(result.outputsWritten().get(0))).isEqualTo("1920x1080");
        assertThat(sizeOf(result.outputsWritten().get(1))).isEqualTo("1280x720");
        assertThat(sizeOf(result.outputsWritten().get(2))).isEqualTo("1280x720");

        FfmpegProbe.MediaInfo info1080 = probeOutput(result.outputsWritten().get(0));
        assertThat(info1080.videoCodec()).isEqualTo("h264");
        assertThat(info1080.videoProfile()).isEqualTo("Constrained Baseline");
        assertThat(info1080.audioCodec()).isEqualTo("aac");
        assertThat(info1080.audioProfile()).isEqualTo("LC");
        assertThat(info1080.sampleRate()).isEqualTo(44100);
        assertThat(info1080.channels()).isEqualTo(2);
        assertThat(info1080.formatName()).contains("mp4");
        // x264's profile is a ceiling: with the ultrafast preset (no CABAC, no B-frames) a "main" encode is
        // also Constrained Baseline, and x264 labels it with the lowest profile that fits.
        assertThat(probeOutput(result.outputsWritten().get(2)).videoProfile()).isIn("Main", "Constrained Baseline");

        HeadObjectResponse head = s3.headObject(h -> h.bucket(TRANSCODED).key(result.outputsWritten().get(1)));
        assertThat(head.contentType()).isEqualTo("video/mp4");
        assertThat(head.metadata()).containsEntry("source-bucket", UPLOADS).containsEntry("source-etag", etag)
                .containsEntry("preset", "720p");
        assertThat(head.metadata().get("source-key")).isEqualTo("uploads/a%20b/%EB%B9%84%EB%94%94%EC%98%A4%20clip.mov");
        assertThat(URLDecoder.decode(head.metadata().get("source-key"), StandardCharsets.UTF_8)).isEqualTo(key);

        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).done()).isTrue();
        assertThat(progress.get(progress.size() - 1).percent()).isEqualTo(100.0);
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void aNewUploadHeadsEachRenditionKeyTwiceBeforeTheDownloadAndAfterTheEncode() throws Exception {
        String etag = upload("heads.mov", clip("small.mov", 640, 360, true));
        TranscodeJob job = keys.jobFor(UPLOADS, "heads.mov", null, etag, TRANSCODED, PRESETS);
        Set<String> renditions = job.outputs().stream().map(TranscodeOutput::key).collect(Collectors.toSet());
        List<String> heads = Collections.synchronizedList(new ArrayList<>());
        try (S3Client counting = s3Server.client(new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof HeadObjectRequest head && renditions.contains(head.key())) {
                    heads.add(head.key());
                }
            }
        })) {
            TranscodeResult result = new FfmpegTranscoder(counting, settings(), progress::add).submit(job);

            assertThat(result.outputsWritten()).hasSize(3);
        }
        // the collision check before the download and the idempotency check share their heads; so do the
        // collision check after the encode and the check for renditions an earlier attempt stored
        assertThat(heads).hasSize(2 * renditions.size());
        assertThat(Set.copyOf(heads)).isEqualTo(renditions);
    }

    @Test
    void theUploadsContainerTagsAreNotCopiedIntoRenditions() throws Exception {
        // a phone writes where it was (ISO 6709) into the container; set-permissions makes renditions public
        Path tagged = clips.resolve("tagged.mov");
        run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", clip("small.mov", 640, 360, true)
                        .toString(), "-c", "copy", "-metadata", "location=+48.8584+002.2945/",
                "-metadata", "title=private title", tagged.toString());
        String etag = upload("tagged.mov", tagged);

        TranscodeResult result = transcoder().submit(keys.jobFor(UPLOADS, "tagged.mov", null, etag, TRANSCODED, PRESETS));

        assertThat(result.outputsWritten()).hasSize(3).allSatisfy(key -> assertThat(formatTags(key))
                .doesNotContainIgnoringCase("location").doesNotContain("48.8584").doesNotContain("private title"));
    }

    @Test
    void smallSourceIsNeverUpscaled() throws Exception {
        String etag = upload("small.mov", clip("small.mov", 640, 360, true));

        TranscodeResult result = transcoder().submit(keys.jobFor(UPLOADS, "small.mov", null, etag, TRANSCODED, PRESETS));

        assertThat(result.outputsWritten()).extracting(FfmpegTranscoderTest::sizeOf)
                .containsExactly("640x360", "640x360", "640x360");
    }

    @Test
    void portraitSourceStaysPortraitInsideTheBox() throws Exception {
        String etag = upload("portrait.mov", clip("portrait.mov", 540, 960, true));

        TranscodeResult result = transcoder().submit(
                keys.jobFor(UPLOADS, "portrait.mov", null, etag, TRANSCODED, PRESETS));

        // fits 1920x1080 as is; for the 1280x720 box the height limits: 405x720, rounded to even
        assertThat(result.outputsWritten()).extracting(FfmpegTranscoderTest::sizeOf)
                .containsExactly("540x960", "404x720", "404x720");
    }

    @Test
    void silentSourceGivesVideoOnlyOutputsAndASecondSubmitIsSkipped() throws Exception {
        String etag = upload("silent.mov", clip("silent.mov", 320, 240, false));
        TranscodeJob job = keys.jobFor(UPLOADS, "silent.mov", null, etag, TRANSCODED, PRESETS);
        FfmpegTranscoder transcoder = transcoder();

        TranscodeResult first = transcoder.submit(job);

        assertThat(first.outputsWritten()).hasSize(3);
        for (String output : first.outputsWritten()) {
            FfmpegProbe.MediaInfo info = probeOutput(output);
            assertThat(info.hasVideo()).isTrue();
            assertThat(info.hasAudio()).isFalse();
        }
        int progressReports = progress.size();
        assertThat(progressReports).isPositive();

        TranscodeResult second = transcoder.submit(job);

        assertThat(second.skipped()).isTrue();
        assertThat(second.outputsWritten()).isEmpty();
        assertThat(second.jobId()).isEqualTo(first.jobId());
        assertThat(progress).hasSize(progressReports); // ffmpeg did not run again

        TranscodeResult newUpload = transcoder.submit(
                keys.jobFor(UPLOADS, "silent.mov", null, "another-etag", TRANSCODED, PRESETS));
        assertThat(newUpload.skipped()).isFalse();
        assertThat(s3.headObject(h -> h.bucket(TRANSCODED).key(newUpload.outputsWritten().get(0))).metadata())
                .containsEntry("source-etag", "another-etag");
    }

    @Test
    void corruptInputFailsUploadsNothingAndCleansUp() throws Exception {
        byte[] noise = new byte[64 * 1024];
        new Random(42).nextBytes(noise);
        String etag = s3.putObject(p -> p.bucket(UPLOADS).key("corrupt/noise.mov"), RequestBody.fromBytes(noise))
                .eTag().replace("\"", "");
        TranscodeJob job = keys.jobFor(UPLOADS, "corrupt/noise.mov", null, etag, TRANSCODED, PRESETS);

        assertThatThrownBy(() -> transcoder().submit(job))
                .isInstanceOfSatisfying(UnusableSourceException.class, e -> {
                    // permanent: the same bytes fail the same way on every receive
                    assertThat(FailureClassifier.isPermanent(e)).isTrue();
                    assertThat(e.bucket()).isEqualTo(UPLOADS);
                    assertThat(e.key()).isEqualTo("corrupt/noise.mov");
                    assertThat(e.getMessage()).contains("s3://video-upload/corrupt/noise.mov")
                            .contains("not a readable video");
                    assertThat(e.stderrTail()).isNotEmpty();
                });
        assertThat(objectsUnder("corrupt/")).isEmpty();
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void zeroByteAndNonVideoInputsFail() throws Exception {
        s3.putObject(p -> p.bucket(UPLOADS).key("empty.mov"), RequestBody.empty());
        assertThatThrownBy(() -> transcoder().submit(keys.jobFor(UPLOADS, "empty.mov", 0L, "e", TRANSCODED, PRESETS)))
                .isInstanceOf(UnusableSourceException.class).hasMessageContaining("is empty (0 bytes)");

        Path wav = clips.resolve("tone.wav");
        run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=440:duration=1", wav.toString());
        String etag = upload("tone.mov", wav);
        // a WAV is not a video container at all: refused before its demuxer runs
        assertThatThrownBy(() -> transcoder().submit(keys.jobFor(UPLOADS, "tone.mov", null, etag, TRANSCODED, PRESETS)))
                .isInstanceOf(UnusableSourceException.class).hasMessageContaining("detects its format as 'wav'");
        // audio in a video container: read, and refused for having no video stream
        Path m4a = clips.resolve("tone.m4a");
        run("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "sine=frequency=440:duration=1", "-c:a", "aac", "-f", "mp4", m4a.toString());
        String audioOnly = upload("tone.mp4", m4a);
        assertThatThrownBy(() -> transcoder().submit(keys.jobFor(UPLOADS, "tone.mp4", null, audioOnly, TRANSCODED,
                PRESETS))).isInstanceOf(UnusableSourceException.class).hasMessageContaining("has no video stream");

        assertThat(objectsUnder("empty/")).isEmpty();
        assertThat(objectsUnder("tone/")).isEmpty();
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void missingSourceIsADistinctException() {
        TranscodeJob job = keys.jobFor(UPLOADS, "gone/../deleted.mov", null, "x", TRANSCODED, PRESETS);

        assertThatThrownBy(() -> transcoder().submit(job))
                .isInstanceOf(SourceMissingException.class)
                .hasMessageContaining("s3://video-upload/gone/../deleted.mov does not exist");
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void missingFfmpegIsAClearError() {
        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings().withFfmpegPath("/opt/nowhere/ffmpeg")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ffmpeg not found at '/opt/nowhere/ffmpeg': install it with 'apt-get install ffmpeg'"
                        + " or set pipeline.ffmpeg.path");
        assertThatThrownBy(() -> new FfmpegTranscoder(s3, settings().withFfprobePath("/opt/nowhere/ffprobe")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ffprobe not found at '/opt/nowhere/ffprobe': install it with 'apt-get install ffmpeg'"
                        + " or set pipeline.ffprobe.path");
    }

    @Test
    void largeOutputsAreUploadedInPartsStreamedFromTheFile() throws Exception {
        Path file = workDir.resolve("big.bin");
        byte[] chunk = new byte[1024 * 1024];
        Random random = new Random(7);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 11; i++) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
            out.write(chunk, 0, 123);
        }
        new S3FileUpload(s3, FfmpegSettings.MIN_PART_SIZE).upload(file, TRANSCODED, "multipart/big.mp4", "video/mp4",
                java.util.Map.of("preset", "test"));

        Path back = workDir.resolve("back.bin");
        s3.getObject(g -> g.bucket(TRANSCODED).key("multipart/big.mp4"), ResponseTransformer.toFile(back));
        assertThat(back).hasSameBinaryContentAs(file);
        HeadObjectResponse head = s3.headObject(h -> h.bucket(TRANSCODED).key("multipart/big.mp4"));
        assertThat(head.contentType()).isEqualTo("video/mp4");
        assertThat(head.metadata()).containsEntry("preset", "test");
        assertThat(head.eTag()).endsWith("-3\""); // three parts: 5 MiB + 5 MiB + the rest
    }

    @Test
    void headerSafeEncodingRoundTrips() {
        String key = "a+b c%d/휴가\r\n.mov";
        String encoded = SourceMetadata.encodeKey(key);

        assertThat(encoded).isEqualTo("a%2Bb%20c%25d/%ED%9C%B4%EA%B0%80%0D%0A.mov");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(key);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** A synthetic clip of one second: testsrc2 video (+ a sine tone), made once per test class. */
    private static Path clip(String name, int width, int height, boolean audio) throws Exception {
        Path file = clips.resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=30:duration=1"));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1"));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-threads", "1"));
        if (audio) {
            cmd.addAll(List.of("-c:a", "aac", "-shortest"));
        }
        cmd.add(file.toString());
        run(cmd.toArray(String[]::new));
        return file;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }

    private static String upload(String key, Path file) {
        return s3.putObject(p -> p.bucket(UPLOADS).key(key), RequestBody.fromFile(file)).eTag().replace("\"", "");
    }

    private FfmpegProbe.MediaInfo probeOutput(String key) {
        return FfmpegProbe.parse(ffprobeOutput(key, "-show_format", "-show_streams"), TRANSCODED, key);
    }

    /** The rendition's container tags as ffprobe prints them. */
    private String formatTags(String key) {
        return ffprobeOutput(key, "-show_entries", "format_tags");
    }

    /** ffprobe's JSON for a downloaded rendition, with {@code show} saying what to print. */
    private String ffprobeOutput(String key, String... show) {
        try {
            Path local = Files.createTempFile(clips, "out", ".mp4");
            Files.delete(local);
            s3.getObject(g -> g.bucket(TRANSCODED).key(key), ResponseTransformer.toFile(local));
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/ffprobe", "-v", "error", "-print_format", "json"));
            cmd.addAll(List.of(show));
            cmd.add(local.toString());
            String json = new FfmpegProcess(Duration.ofMinutes(1), Duration.ofMinutes(1)).capture(cmd, "ffprobe",
                    TRANSCODED, key, 1 << 20);
            Files.delete(local);
            return json;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sizeOf(String key) {
        return new FfmpegTranscoderTest().sizeOfOutput(key);
    }

    private String sizeOfOutput(String key) {
        FfmpegProbe.MediaInfo info = probeOutput(key);
        return info.width() + "x" + info.height();
    }

    private static List<String> objectsUnder(String prefix) {
        try (Stream<S3Object> objects = s3.listObjectsV2Paginator(l -> l.bucket(TRANSCODED).prefix(prefix))
                .contents().stream()) {
            return objects.map(S3Object::key).toList();
        }
    }
}
