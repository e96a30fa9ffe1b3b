package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.localcloud.LocalCloudExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import org.awaitility.Awaitility;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Job records on the local cloud's S3, written by conditional PUTs. */
class JobRecordStoreTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final JobRecord.Source UPLOAD = new JobRecord.Source("video-upload", "a/b/clip.mov", "e1", 1234L);
    private static final String T = "2026-01-01T00:00:00Z";

    private final JobRecordKeys keys = new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN);

    @BeforeEach
    void bucket() {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
    }

    private JobRecordStore replica() {
        return new JobRecordStore(CLOUD.s3(), BUCKET, keys);
    }

    @Test
    void theRecordSitsBesideTheRenditionsAsJson() {
        JobRecordStore store = replica();
        store.update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, current, T));

        String json = CLOUD.s3().getObjectAsBytes(b -> b.bucket(BUCKET).key("a/b/clip/clip.job.json")).asUtf8String();
        assertThat(json).contains("\"state\" : \"Submitted\"").contains("\"eTag\" : \"e1\"")
                .contains("\"attempts\" : 1").doesNotContain("\"percent\"");
        assertThat(store.read(UPLOAD.key())).get().extracting(JobRecord::state).isEqualTo(JobState.SUBMITTED);
    }

    @Test
    void anUncontendedUpdateIsOnePut() {
        JobRecordStore store = replica();
        store.update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, current, T));
        long before = store.requests();
        store.update(UPLOAD.key(), current -> current.progressing(10, 9L, 1.0, T));
        store.update(UPLOAD.key(), current -> current.progressing(20, 8L, 1.0, T));
        assertThat(store.requests() - before).isEqualTo(2);
        assertThat(store.read(UPLOAD.key())).get().extracting(JobRecord::percent).isEqualTo(20.0);
    }

    @Test
    void aRedeliveredMessageDoesNotMoveACompleteRecordBack() {
        JobRecordStore first = replica();
        first.update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, current, T));
        first.update(UPLOAD.key(), current -> current.complete(List.of(), T));

        JobRecordStore redelivery = replica();
        redelivery.update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, current, T));
        redelivery.update(UPLOAD.key(), current -> current.error("late", "dlq", T));

        JobRecord stored = replica().read(UPLOAD.key()).orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.COMPLETE);
        assertThat(stored.attempts()).isEqualTo(1);
    }

    @Test
    void aReplicaWithAStaleViewRereadsAndDecidesAgain() {
        JobRecordStore a = replica();
        JobRecordStore b = replica();
        a.update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1", null, current, T));
        a.update(UPLOAD.key(), current -> current.progressing(10, null, null, T));
        b.update(UPLOAD.key(), current -> current.complete(List.of(), T));

        // a still remembers its Progressing: its PUT fails the condition, it reads Complete and gives up
        a.update(UPLOAD.key(), current -> current.progressing(90, null, null, T));
        assertThat(replica().read(UPLOAD.key())).get().extracting(JobRecord::state).isEqualTo(JobState.COMPLETE);
    }

    @Test
    void competingReplicasKeepOneRecordWithEveryAttemptCounted() throws Exception {
        int replicas = 6;
        List<Integer> won = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                JobRecordStore store = replica();
                done.add(pool.submit(() -> {
                    start.await();
                    won.add(store.update(UPLOAD.key(), current -> JobRecord.submitted(UPLOAD, "ffmpeg", "ffmpeg-1",
                            null, current, T)).orElseThrow().attempts());
                    for (int p = 1; p <= 5; p++) {
                        double percent = p * 10;
                        store.update(UPLOAD.key(), current -> current.progressing(percent, null, null, T));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        JobRecord stored = replica().read(UPLOAD.key()).orElseThrow();
        assertThat(won).as("the attempt each replica's start was stored as: none lost, none twice")
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        assertThat(stored.attempts()).isEqualTo(replicas);
        assertThat(stored.state()).isEqualTo(JobState.PROGRESSING);
    }

    @Test
    void theNewestRecordsOfManyCostTheListingAndOneGetEach() {
        JobRecordStore store = replica();
        for (int i = 0; i < 1_050; i++) { // more than one LIST page
            JobRecord.Source old = new JobRecord.Source("video-upload", "old/" + i + ".mov", "e" + i, 1L);
            store.update(old.key(), current -> JobRecord.submitted(old, "ffmpeg", "j", null, current, T));
        }
        Instant lastOld = CLOUD.s3().headObject(b -> b.bucket(BUCKET).key("old/1049/1049.job.json")).lastModified();
        // Last-Modified counts whole seconds: the newer records must be written in a later one
        Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> Instant.now().getEpochSecond() > lastOld.getEpochSecond());
        for (String key : List.of("new/a.mov", "new/b.mov", "new/c.mov")) {
            JobRecord.Source upload = new JobRecord.Source("video-upload", key, "n", 1L);
            store.update(key, current -> JobRecord.submitted(upload, "ffmpeg", "j", null, current, T));
        }

        JobRecordStore reader = replica();
        JobRecordStore.Recent recent = reader.recent(3);
        assertThat(recent.found()).isEqualTo(1_053);
        assertThat(recent.records()).extracting(r -> r.source().key())
                .containsExactlyInAnyOrder("new/a.mov", "new/b.mov", "new/c.mov");
        assertThat(reader.requests()).as("2 LIST pages and 3 GETs").isEqualTo(5);
    }
}
