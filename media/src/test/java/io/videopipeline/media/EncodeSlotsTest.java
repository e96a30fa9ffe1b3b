package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.s3.S3ProxyFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jobs of one {@link MediaEncoder} with one encode slot, real ffmpeg and S3Proxy: the second job downloads and
 * probes while the first encodes, the encodes take turns, and the first job uploads while the second encodes.
 * Ordering is forced by the jobs' own hooks (no sleeps): a hook waits for the other job's step with a timeout, so a
 * slot held across the whole job (no overlap) ends the test with a timeout instead of passing by luck.
 */
class EncodeSlotsTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    private static final PresetCatalog CATALOG = PresetCatalog.load(PresetCatalogTest.SHIPPED);

    @TempDir
    static Path work;

    @BeforeAll
    static void buckets() {
        S3.createBucket("in-bucket");
        S3.createBucket("out-bucket");
    }

    @Test
    void theNextJobsInputAndThePreviousJobsUploadOverlapTheEncodeInBetween() throws Exception {
        Path clip = work.resolve("overlap.mp4");
        new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=3",
                "-threads", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip.toString())
                .inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        S3.client().putObject(b -> b.bucket("in-bucket").key("uploads/a.mp4"), clip);
        S3.client().putObject(b -> b.bucket("in-bucket").key("uploads/b.mp4"), clip);
        MediaEncoder encoder = new MediaEncoder(S3.client(), FfmpegSettings.defaults().withWorkDir(work)
                .withThreads(1).withX264Preset("ultrafast"), "test",
                EncodeSlots.of(1));

        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch aEncoding = new CountDownLatch(1);
        CountDownLatch bProbed = new CountDownLatch(1);
        CountDownLatch bEncoding = new CountDownLatch(1);
        ExecutorService jobs = Executors.newFixedThreadPool(2);
        try {
            // A: holds its slot (its ffmpeg's progress is not read on) until B has downloaded and probed; uploads
            // only once B encodes
            Future<MediaEncoder.Result> a = jobs.submit(() -> encoder.encode(request("a", p -> {
                if (aEncoding.getCount() > 0) {
                    events.add("a encoding");
                    aEncoding.countDown();
                    await(bProbed, "B's download and probe (did B wait for A's encode slot?)");
                }
                if (p.done()) {
                    events.add("a encoded");
                }
            }), new MediaEncoder.Steps() {
                @Override
                public void encoded(List<Path> files) {
                    await(bEncoding, "B's encode to start before A uploads (is the slot held through the upload?)");
                    events.add("a uploading");
                }
            }));
            await(aEncoding, "A's encode");
            Future<MediaEncoder.Result> b = jobs.submit(() -> encoder.encode(request("b", p -> {
                if (bEncoding.getCount() > 0) {
                    events.add("b encoding");
                    bEncoding.countDown();
                }
            }), new MediaEncoder.Steps() {
                @Override
                public void probed(Path input, FfmpegProbe.MediaInfo info) {
                    events.add("b probed");
                    bProbed.countDown();
                }
            }));

            assertThat(a.get(120, TimeUnit.SECONDS).written()).hasSize(3);
            assertThat(b.get(120, TimeUnit.SECONDS).written()).hasSize(3);
        } finally {
            jobs.shutdownNow();
        }
        // B's input arrived during A's encode; B encoded only after A's ffmpeg ended; A uploaded during B's encode
        assertThat(events).containsSubsequence("a encoding", "b probed", "a encoded", "b encoding", "a uploading");
    }

    @Test
    void aSlotCountBelowOneIsRefused() {
        assertThatThrownBy(() -> EncodeSlots.of(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThat(EncodeSlots.unlimited().count()).isZero();
    }

    private static MediaEncoder.Request request(String name, ProgressListener listener) {
        String key = "uploads/" + name + ".mp4";
        List<MediaEncoder.Output> outputs = CATALOG.presets().stream().map(p -> new MediaEncoder.Output(
                "videos/" + name + "/" + name + "-" + p.name() + ".mp4", p, Map.of("source-key", key))).toList();
        return new MediaEncoder.Request("test-" + name, "in-bucket", key, null, "out-bucket", outputs, listener);
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }
}
