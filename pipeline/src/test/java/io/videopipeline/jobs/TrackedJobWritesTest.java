package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.localcloud.LocalCloudExtension;
import io.videopipeline.media.ProgressListener.Progress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How often one attempt writes its record on the local cloud's S3: at most once per progress interval. */
class TrackedJobWritesTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";
    private static final JobRecord.Source UPLOAD = new JobRecord.Source("video-upload", "up/clip.mov", "e1", 1234L);
    private static final List<JobRecord.Output> RENDITIONS = List.of(
            new JobRecord.Output("up/clip/clip-1080p.mp4", "1080p", 10L, 2.0, 1920, 1080),
            new JobRecord.Output("up/clip/clip-720p.mp4", "720p", 8L, 2.0, 1280, 720),
            new JobRecord.Output("up/clip/clip-web-720p.mp4", "web-720p", 6L, 2.0, 1280, 720));

    private final SetClock clock = new SetClock(Instant.parse("2026-01-01T00:00:00Z"));
    private JobTracker tracker;
    private TrackedJob job;

    @BeforeEach
    void aJobThatBegan() {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        tracker = new JobTracker(new JobRecordStore(CLOUD.s3(), BUCKET, new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN)),
                null, Duration.ofSeconds(5), clock);
        job = tracker.start(UPLOAD, "ffmpeg", "ffmpeg-1", null);
        job.probed(Duration.ofSeconds(2));
    }

    @Test
    void renditionsStoredTogetherAreListedByCompleteAloneNotOneWriteEach() {
        long before = tracker.store().requests();
        clock.advance(Duration.ofMillis(1500));
        job.onProgress(new Progress("ffmpeg-1", 60, Duration.ofMillis(1200), 1.0, false));
        clock.advance(Duration.ofMillis(300));
        RENDITIONS.forEach(job::outputWritten);

        assertThat(tracker.store().requests() - before).as("no write within the interval of Progressing 0 %").isZero();
        assertThat(record().state()).isEqualTo(JobState.PROGRESSING);
        assertThat(record().percent()).isEqualTo(0.0);
        assertThat(record().outputs()).isEmpty();

        job.complete(RENDITIONS);

        assertThat(record().state()).isEqualTo(JobState.COMPLETE);
        assertThat(record().outputs()).isEqualTo(RENDITIONS);
    }

    @Test
    void anOutputStoredOnceTheIntervalIsOverIsListedAtOnceWithThoseBeforeIt() {
        clock.advance(Duration.ofSeconds(1));
        job.outputWritten(RENDITIONS.get(0));
        assertThat(record().outputs()).isEmpty();

        clock.advance(Duration.ofSeconds(5));
        job.outputWritten(RENDITIONS.get(1));

        assertThat(record().state()).isEqualTo(JobState.PROGRESSING);
        assertThat(record().outputs()).isEqualTo(RENDITIONS.subList(0, 2));
    }

    @Test
    void progressIsWrittenOnceTheIntervalAfterTheFirstProgressingWriteIsOver() {
        clock.advance(Duration.ofSeconds(4));
        job.onProgress(new Progress("ffmpeg-1", 20, Duration.ofMillis(400), 0.1, false));
        assertThat(record().percent()).isEqualTo(0.0);

        clock.advance(Duration.ofSeconds(1));
        job.onProgress(new Progress("ffmpeg-1", 25, Duration.ofMillis(500), 0.1, false));

        assertThat(record().percent()).isEqualTo(25.0);
    }

    private JobRecord record() {
        return tracker.store().read(UPLOAD.key()).orElseThrow();
    }
}
