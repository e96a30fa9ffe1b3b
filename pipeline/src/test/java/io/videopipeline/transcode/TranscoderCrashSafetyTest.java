package io.videopipeline.transcode;

import io.videopipeline.media.RenditionMetadata;

import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.JobDir;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.ProgressListener;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What the ffmpeg backend leaves behind when jobs die, are redelivered, or carry hostile keys: the temp dirs of
 * dead jobs are swept at start, a job that wrote 2 of 3 renditions redoes the missing one, and no key can put a
 * temp file outside the work dir.
 */
class TranscoderCrashSafetyTest {
    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final List<Preset> PRESETS = PresetCatalog.load(Path.of("config/presets.yaml")).presets();

    private static InTestS3 s3Server;
    private static S3Client s3;
    private static Path clip;

    @TempDir
    Path sandbox;

    @BeforeAll
    static void start(@TempDir Path clips) throws Exception {
        s3Server = new InTestS3();
        s3 = s3Server.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        clip = clips.resolve("clip.mp4");
        Process p = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=1",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-threads", "1", clip.toString())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        s3Server.close();
    }

    private FfmpegTranscoder transcoder(Path workDir, ProgressListener listener) {
        return transcoder(s3, workDir, listener);
    }

    private FfmpegTranscoder transcoder(S3Client client, Path workDir, ProgressListener listener) {
        return new FfmpegTranscoder(client, settings(workDir), listener);
    }

    private static FfmpegSettings settings(Path workDir) {
        return FfmpegSettings.defaults().withFfmpegPath("/usr/bin/ffmpeg").withFfprobePath("/usr/bin/ffprobe")
                .withWorkDir(workDir).withX264Preset("ultrafast").withThreads(1).withTimeout(Duration.ofMinutes(2));
    }

    private static TranscodeJob upload(String key) {
        String eTag = s3.putObject(p -> p.bucket(UPLOADS).key(key), RequestBody.fromFile(clip)).eTag().replace("\"", "");
        return new OutputKeys().jobFor(UPLOADS, key, null, eTag, TRANSCODED, PRESETS);
    }

    @Test
    void tempDirsOfJobsThatDiedWithAnEarlierProcessAreRemovedAtStart() throws Exception {
        Path work = Files.createDirectories(sandbox.resolve("work"));
        Path dead = Files.createDirectories(work.resolve("ffmpeg-0123456789abcdef-42/out"));
        Files.writeString(dead.resolve("0-1080p.mp4"), "half an mp4");
        Files.setLastModifiedTime(dead.getParent(), FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        // A dir made after this JVM started is a live job's (another transcoder of this process): kept.
        Path live = Files.createDirectories(work.resolve("ffmpeg-fedcba9876543210-7"));
        Path foreign = Files.createDirectories(work.resolve("not-ours"));
        Files.setLastModifiedTime(foreign, FileTime.from(Instant.now().minus(Duration.ofDays(1))));
        // A job that died a moment ago (its lock file is fresh, but nobody holds the lock): removed, whatever the clocks say.
        Path justDied = Files.createDirectories(work.resolve("ffmpeg-1111111111111111-1"));
        Files.writeString(justDied.resolve(JobDir.OWNER_LOCK), "");
        // A running job holds its lock: kept.
        Path running = Files.createDirectories(work.resolve("ffmpeg-2222222222222222-2"));
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
                running.resolve(JobDir.OWNER_LOCK), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
             java.nio.channels.FileLock lock = channel.lock()) {

            transcoder(work, ProgressListener.NONE);

            assertThat(dead.getParent()).doesNotExist();
            assertThat(justDied).doesNotExist();
            assertThat(running).isDirectory();
            assertThat(live).isDirectory();
            assertThat(foreign).isDirectory();
        }
    }

    @Test
    void aJobThatDiedAfterTwoOfThreeUploadsRedoesTheMissingOneOnRedelivery() throws Exception {
        TranscodeJob job = upload("crash/half-done.mov");
        FfmpegTranscoder transcoder = transcoder(sandbox.resolve("work"), ProgressListener.NONE);
        assertThat(transcoder.submit(job).outputsWritten()).hasSize(3);
        // The crash: the third rendition never made it (S3 PUTs are atomic, so it is absent, not partial).
        String missing = job.outputs().get(2).key();
        s3.deleteObject(d -> d.bucket(TRANSCODED).key(missing));

        String keptETag = s3.headObject(h -> h.bucket(TRANSCODED).key(job.outputs().get(0).key())).eTag();

        TranscodeResult redelivered = transcoder.submit(job);

        assertThat(redelivered.skipped()).isFalse();
        // only the missing one is uploaded: the others are not re-written (no second notification, no second mail)
        assertThat(redelivered.outputsWritten()).containsExactly(missing);
        assertThat(s3.headObject(h -> h.bucket(TRANSCODED).key(job.outputs().get(0).key())).eTag()).isEqualTo(keptETag);
        assertThat(keysUnder("crash/half-done/")).containsExactlyInAnyOrderElementsOf(
                job.outputs().stream().map(TranscodeOutput::key).toList());
        for (TranscodeOutput output : job.outputs()) {
            assertThat(s3.headObject(h -> h.bucket(TRANSCODED).key(output.key())).metadata())
                    .containsEntry(RenditionMetadata.SOURCE_ETAG, job.inputETag());
        }
        // A third delivery finds all three with the same source ETag and does nothing.
        assertThat(transcoder.submit(job).skipped()).isTrue();
        assertThat(listFiles(sandbox.resolve("work"))).isEmpty();
    }

    /**
     * Killed after its MP4s but before its streaming package (the master playlist goes last): the renditions alone
     * do not make the job done, so the redelivery writes the package (and re-uploads no MP4). ChaosIT found this: the
     * redelivery skipped, and the upload never got its master or poster.
     */
    @Test
    void aJobThatDiedBeforeItsStreamingPackageWritesItOnRedelivery() throws Exception {
        TranscodeJob job = upload("crash/no-package.mov");
        Path work = sandbox.resolve("work-streaming");
        FfmpegTranscoder transcoder = new FfmpegTranscoder(s3, settings(work)
                .withStreaming(PresetCatalog.loadStreaming(Path.of("config/presets.yaml"), true)),
                ProgressListener.NONE);
        transcoder.submit(job);
        List<String> complete = keysUnder("crash/no-package/");
        String master = "crash/no-package/no-package.m3u8";
        assertThat(complete).contains(master);
        // the crash: everything but the MP4s is gone (the package and pictures are written after them)
        for (String key : complete) {
            if (!key.endsWith(".mp4")) {
                s3.deleteObject(d -> d.bucket(TRANSCODED).key(key));
            }
        }
        String keptETag = s3.headObject(h -> h.bucket(TRANSCODED).key(job.outputs().get(0).key())).eTag();

        TranscodeResult redelivered = transcoder.submit(job);

        assertThat(redelivered.skipped()).isFalse();
        assertThat(keysUnder("crash/no-package/")).containsExactlyInAnyOrderElementsOf(complete);
        assertThat(s3.headObject(h -> h.bucket(TRANSCODED).key(job.outputs().get(0).key())).eTag()).isEqualTo(keptETag);
        assertThat(transcoder.submit(job).skipped()).as("now everything is there").isTrue();
    }

    @Test
    void renditionsOfAnOlderUploadOfTheSameKeyAreReplaced() {
        TranscodeJob first = upload("crash/replaced.mov");
        FfmpegTranscoder transcoder = transcoder(sandbox.resolve("work"), ProgressListener.NONE);
        transcoder.submit(first);
        // Same key, new content (a different ETag): the old renditions do not count as done.
        TranscodeJob second = new OutputKeys().jobFor(UPLOADS, first.inputKey(), null, "0000feed", TRANSCODED, PRESETS);
        assertThat(transcoder.submit(second).skipped()).isFalse();
        assertThat(s3.headObject(h -> h.bucket(TRANSCODED).key(second.outputs().get(0).key())).metadata())
                .containsEntry(RenditionMetadata.SOURCE_ETAG, "0000feed");
    }

    static Stream<String> hostileKeys() {
        String cafe = "caf\u00e9/v\u00eddeo.mov";
        return Stream.of(
                "../../escape/dotdot.mov",
                "/etc/passwd.mov",
                "a/../../../../tmp/traversal.mov",
                "line\r\nbreak\u0085and\u2028separators.mov",
                "quote'\"`$(touch pwned)`;|&.mov",
                "nul\u0000byte.mov",
                Normalizer.normalize(cafe, Normalizer.Form.NFC),
                Normalizer.normalize(cafe, Normalizer.Form.NFD),
                "long/" + "x".repeat(400) + ".mov");
    }

    @ParameterizedTest
    @MethodSource("hostileKeys")
    void hostileKeysKeepEveryTempFileInsideTheWorkDir(String key) throws Exception {
        Path work = sandbox.resolve("jail/work");
        List<Path> seen = new CopyOnWriteArrayList<>();
        // The in-test S3 (S3Proxy behind Jetty) refuses some of these keys (".." segments, a leading "/", NUL)
        // that AWS accepts; the transcoder sees the hostile key, the store a reversible safe spelling of it.
        KeyEscapingS3 store = new KeyEscapingS3(s3);
        FfmpegTranscoder transcoder = transcoder(store, work, progress -> seen.addAll(listFiles(sandbox)));
        String eTag = s3.putObject(p -> p.bucket(UPLOADS).key(KeyEscapingS3.escape(key)), RequestBody.fromFile(clip))
                .eTag().replace("\"", "");
        TranscodeJob job = new OutputKeys().jobFor(UPLOADS, key, null, eTag, TRANSCODED, PRESETS);

        TranscodeResult result = transcoder.submit(job);

        assertThat(result.outputsWritten()).hasSize(3);
        // everything that existed under the sandbox while ffmpeg ran: the two parent dirs, then the job's files
        seen.removeIf(p -> p.equals(work) || p.equals(work.getParent()));
        assertThat(seen).isNotEmpty().allSatisfy(p -> {
            assertThat(p.normalize().startsWith(work)).as("%s inside %s", p, work).isTrue();
            // temp names come from a hash of the job, never from the key
            assertThat(work.relativize(p).toString())
                    .matches("ffmpeg-[0-9a-f]{16}-\\d+(/(source\\.mov|vstats\\.log|\\.owner\\.lock|out(/\\d-[a-z0-9-]+\\.mp4)?))?");
        });
        assertThat(listFiles(sandbox)).containsExactly(sandbox.resolve("jail"), work);
        assertThat(Path.of("/escape")).doesNotExist();
        assertThat(Path.of("/tmp/traversal")).doesNotExist();
        for (TranscodeOutput output : job.outputs()) {
            assertThat(store.headObject(h -> h.bucket(TRANSCODED).key(output.key())).metadata())
                    .containsEntry(RenditionMetadata.SOURCE_ETAG, job.inputETag());
        }
    }

    @Test
    void nfcAndNfdSpellingsOfOneNameAreDifferentKeysWithTheirOwnRenditions() {
        String nfc = Normalizer.normalize("nf/\u00e9t\u00e9.mov", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
        assertThat(nfc).isNotEqualTo(nfd);
        FfmpegTranscoder transcoder = transcoder(sandbox.resolve("work"), ProgressListener.NONE);
        transcoder.submit(upload(nfc));
        transcoder.submit(upload(nfd));
        // S3 compares keys byte for byte: two uploads, two sets of renditions, none overwriting the other.
        assertThat(keysUnder("nf/")).hasSize(6);
    }

    /** NUL in a key: what the SDK and the local S3 do with it (documented in the reliability notes). */
    @Test
    void aKeyWithNulIsEitherRefusedOrTranscodedSafely() throws Exception {
        String key = "nul\u0000byte.mov";
        TranscodeJob job;
        try {
            job = upload(key);
        } catch (SdkException | IllegalArgumentException refused) {
            System.out.println("NUL key refused before any work: " + refused);
            return;
        }
        Path work = sandbox.resolve("work");
        assertThat(transcoder(work, ProgressListener.NONE).submit(job).outputsWritten()).hasSize(3);
        System.out.println("NUL key accepted and transcoded: " + job.outputs().get(0).key().replace("\u0000", "\\0"));
        assertThat(listFiles(work)).isEmpty();
    }

    private static List<String> keysUnder(String prefix) {
        try (Stream<S3Object> objects = s3.listObjectsV2Paginator(l -> l.bucket(TRANSCODED).prefix(prefix))
                .contents().stream()) {
            return objects.map(S3Object::key).toList();
        }
    }

    private static List<Path> listFiles(Path root) {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(root)) {
            return new ArrayList<>(all.filter(p -> !p.equals(root)).sorted().toList());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of(); // a job's dir vanished mid-walk: the next progress call looks again
        }
    }
}
