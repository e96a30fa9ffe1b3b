package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.EndToEnd;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.app.JobConfig;
import io.videopipeline.event.ObjectEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The job record of a streaming upload through every shipped route on the local cloud, with the real ffmpeg: it lists
 * the renditions with their probed figures, the master playlist and the poster, and the fan-out effects done for
 * each (per-rendition mails: a mail for each MP4, none for the master); a redelivered fan-out message changes
 * nothing.
 */
class JobRecordFanOutTest {
    private static final List<String> MP4S = List.of("fx/clip/clip-1080p.mp4", "fx/clip/clip-720p.mp4",
            "fx/clip/clip-web-720p.mp4");
    private static final String MASTER = "fx/clip/clip.m3u8";
    private static final String POSTER = "fx/clip/clip-poster.jpg";

    @TempDir
    static Path work;
    static PipelineTestApp app;
    static JobTracker tracker;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of("pipeline.hls.enabled", "true",
                "pipeline.mail.mode", "per-rendition"));
        tracker = JobConfig.tracker(app.config(), app.clients());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theRecordListsEachOutputWithItsFiguresAndTheEffectsDoneForIt() throws Exception {
        EndToEnd.upload(app.s3(), "video-upload", "fx/clip.mp4", EndToEnd.clip(work, "clip.mp4", "320x180", true, 2));

        JobRecord record = await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .until(() -> tracker.store().read("fx/clip.mp4").orElse(null), r -> r != null
                        && r.state() == JobState.COMPLETE && effects(r).equals(Map.of(
                        MP4S.get(0), Set.of("mail", "acl", "metadata"),
                        MP4S.get(1), Set.of("mail", "acl", "metadata"),
                        MP4S.get(2), Set.of("mail", "acl", "metadata"),
                        MASTER, Set.of("acl", "metadata"))));

        assertThat(record.outputs()).extracting(JobRecord.Output::key)
                .containsExactlyInAnyOrder(MP4S.get(0), MP4S.get(1), MP4S.get(2), MASTER, POSTER);
        for (JobRecord.Output mp4 : record.outputs().stream().filter(o -> o.key().endsWith(".mp4")).toList()) {
            assertThat(mp4.preset()).isNotBlank();
            assertThat(mp4.size()).isPositive();
            assertThat(mp4.durationSeconds()).isBetween(1.5, 2.5); // the clip is 2 s
            assertThat(mp4.width()).isEqualTo(320); // no preset upscales a 320x180 source
            assertThat(mp4.height()).isEqualTo(180);
        }
        JobRecord.Output master = record.outputs().stream().filter(o -> o.key().equals(MASTER)).findFirst()
                .orElseThrow();
        assertThat(master.preset()).isEqualTo("hls");
        assertThat(master.size()).isPositive();
        assertThat(app.mailServer().receivedMessages()).hasSize(3);

        // a redelivered message of a fan-out route: recorded already, so nothing is written
        new FanoutEffects(app.s3(), tracker).done(new ObjectEvent("ObjectCreated:Put", "video-transcoded",
                MP4S.get(1), null, null, null, (String) null, null), "acl");
        assertThat(tracker.store().read("fx/clip.mp4").orElseThrow()).isEqualTo(record);

        // an output of an earlier upload under the key (another source ETag) is not this record's; one of this
        // upload is (a key the bucket does not notify about, so the routes leave it alone)
        FanoutEffects effects = new FanoutEffects(app.s3(), tracker);
        for (String eTag : List.of("an-earlier-upload", record.source().eTag())) {
            app.s3().putObject(b -> b.bucket("video-transcoded").key("fx/clip/" + eTag + ".bin").metadata(Map.of(
                    "source-key", "fx/clip.mp4", "source-etag", eTag)), RequestBody.fromString("x"));
            effects.done(new ObjectEvent("ObjectCreated:Put", "video-transcoded", "fx/clip/" + eTag + ".bin", null,
                    null, null, (String) null, null), "metadata");
        }
        assertThat(effects(tracker.store().read("fx/clip.mp4").orElseThrow()))
                .doesNotContainKey("fx/clip/an-earlier-upload.bin")
                .containsEntry("fx/clip/" + record.source().eTag() + ".bin", Set.of("metadata"));
    }

    private static Map<String, Set<String>> effects(JobRecord record) {
        return record.outputs().stream().filter(o -> !o.effects().isEmpty())
                .collect(Collectors.toMap(JobRecord.Output::key, o -> o.effects().keySet()));
    }
}
