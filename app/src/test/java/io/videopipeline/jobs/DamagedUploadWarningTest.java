package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.videopipeline.EndToEnd;
import io.videopipeline.JobEventWatch;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.app.JobConfig;
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
 * A damaged but decodable upload through every shipped route with the real ffmpeg: an MPEG-TS whose middle third
 * has broken packets (as a transfer that flipped bytes leaves it) still gives every rendition, so its job ends
 * Warning, not Error: the record and the event on the job topic say why, and the fan-out runs as for Complete.
 */
class DamagedUploadWarningTest {
    private static final String KEY = "damaged/clip.ts";
    private static final List<String> MP4S = List.of("damaged/clip/clip-1080p.mp4", "damaged/clip/clip-720p.mp4",
            "damaged/clip/clip-web-720p.mp4");

    @TempDir
    static Path work;
    static PipelineTestApp app;
    static JobTracker tracker;
    static JobEventWatch events;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of("pipeline.mail.mode", "per-rendition"));
        tracker = JobConfig.tracker(app.config(), app.clients());
        events = new JobEventWatch(app);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aDamagedButDecodableUploadEndsWarningWithTheReasonAndStillFansOut() throws Exception {
        byte[] bytes = EndToEnd.damagedTs(work);
        app.s3().putObject(b -> b.bucket("video-upload").key(KEY), RequestBody.fromBytes(bytes));

        JobRecord record = await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .until(() -> tracker.store().read(KEY).orElse(null), r -> r != null
                        && r.state() == JobState.WARNING && MP4S.stream().allMatch(k -> effects(r).getOrDefault(k,
                        Set.of()).containsAll(Set.of("mail", "acl", "metadata"))));

        assertThat(record.reason()).startsWith("the source is damaged: ffmpeg met ").contains("decode error");
        assertThat(record.parkedIn()).isNull();
        assertThat(record.percent()).isEqualTo(100.0);
        assertThat(record.finished()).isNotNull();
        assertThat(record.outputs()).extracting(JobRecord.Output::key).containsAll(MP4S)
                .contains("damaged/clip/clip.m3u8");
        for (String mp4 : MP4S) { // the renditions are there, whole: ffprobe reads them to the end
            assertThat(EndToEnd.probe(app.s3(), "video-transcoded", mp4, work).path("format").path("duration")
                    .asDouble()).isBetween(3.5, 4.5);
        }
        assertThat(app.mailServer().receivedMessages()).hasSize(3);

        List<JsonNode> stream = events.await(KEY, 3);
        assertThat(stream).extracting(e -> e.get("state").asText())
                .contains("SUBMITTED", "WARNING").doesNotContain("ERROR", "COMPLETED");
        JsonNode warning = stream.stream().filter(e -> e.get("state").asText().equals("WARNING")).findFirst()
                .orElseThrow();
        assertThat(warning.get("errorCode").asText()).isEqualTo("Warning");
        assertThat(warning.get("messageDetails").asText()).isEqualTo(record.reason());
        assertThat(warning.get("outputs")).extracting(o -> o.get("key").asText()).containsAll(MP4S);
    }

    private static Map<String, Set<String>> effects(JobRecord record) {
        return record.outputs().stream().filter(o -> !o.effects().isEmpty())
                .collect(Collectors.toMap(JobRecord.Output::key, o -> o.effects().keySet()));
    }
}
