package io.videopipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.EndToEnd;
import io.videopipeline.JobEventWatch;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.app.JobConfig;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Job records through the shipped routes on the local cloud: a corrupt upload ends Error with the reason and the
 * dead-letter queue, {@code dlq redrive} puts it back to Submitted, a good one ends Complete, every change is on the
 * job event topic, and {@code status} prints them.
 */
class JobStatusTest {

    @TempDir
    static Path work;

    static PipelineTestApp app;
    static JobRecordStore records;
    static JobEventWatch events;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work, Map.of("pipeline.routes.enabled", "transcode-video"));
        records = JobConfig.tracker(app.config(), app.clients()).store();
        // a watcher of the job event stream (provisioning at start created the topic)
        events = new JobEventWatch(app);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aCorruptUploadEndsErrorWithTheReasonAndARedriveMakesItSubmittedAgain() throws Exception {
        app.s3().putObject(b -> b.bucket("video-upload").key("broken/clip.mp4"),
                RequestBody.fromBytes(EndToEnd.garbage(64 * 1024, 17)));

        JobRecord error = awaitRecord("broken/clip.mp4", JobState.ERROR);
        assertThat(error.reason()).isNotBlank();
        assertThat(error.parkedIn()).isEqualTo("video-upload-events-dlq");
        assertThat(error.finished()).isNotNull();
        List<JsonNode> stream = events.await("broken/clip.mp4", 2);
        assertThat(stream).extracting(e -> e.get("state").asText()).containsExactlyInAnyOrder("SUBMITTED", "ERROR");
        JsonNode failed = stream.stream().filter(e -> e.get("state").asText().equals("ERROR")).findFirst()
                .orElseThrow();
        assertThat(failed.get("messageDetails").asText()).isEqualTo(error.reason());
        assertThat(failed.get("errorCode").asText()).isEqualTo("Error");
        assertThat(failed.get("parkedIn").asText()).isEqualTo("video-upload-events-dlq");

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DeadLetterCommand dlq = new DeadLetterCommand(app.sqs(), List.of("video-upload-events"),
                new PrintStream(printed, true, StandardCharsets.UTF_8), JobConfig.parkedJobs(app.config(),
                JobConfig.tracker(app.config(), app.clients()), new S3EventIntake(S3EventIntake.DEFAULT_MAX_BODY_CHARS,
                S3EventIntake.DEFAULT_MAX_RECORDS)));
        assertThat(dlq.redrive("video-upload-events")).isEqualTo(1);

        // the redrive's own change: Submitted in the same attempt; the route then starts attempt 2 and fails it
        List<JsonNode> after = events.await("broken/clip.mp4", stream.size() + 3);
        assertThat(after.subList(stream.size(), after.size()))
                .extracting(e -> e.get("state").asText() + " " + e.get("attempts").asInt())
                .containsExactlyInAnyOrder("SUBMITTED 1", "SUBMITTED 2", "ERROR 2"); // SNS does not promise order
        assertThat(after.subList(stream.size(), after.size())).filteredOn(e -> e.get("attempts").asInt() == 1)
                .allSatisfy(e -> assertThat(e.has("messageDetails")).isFalse());
        assertThat(records.read("broken/clip.mp4").orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void theStatusCommandPrintsOneLinePerRecordOrJson() throws Exception {
        EndToEnd.upload(app.s3(), "video-upload", "good/clip.mp4",
                EndToEnd.clip(work, "clip.mp4", "320x180", true));
        JobRecord complete = awaitRecord("good/clip.mp4", JobState.COMPLETE);

        String lines = status(List.of("good/clip.mp4", "never/uploaded.mp4"));
        // three MP4s, the master playlist and the poster (streaming is on by default)
        assertThat(lines.lines()).containsExactly(
                "Complete 100%  good/clip.mp4  ffmpeg " + complete.jobId() + "  attempts 1  outputs 5  updated "
                        + complete.updated(),
                "-  never/uploaded.mp4  (no record)");

        JsonNode json = new ObjectMapper().readTree(status(List.of("--json", "good/clip.mp4")));
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("state").asText()).isEqualTo("Complete");
        assertThat(json.get(0).get("source").get("key").asText()).isEqualTo("good/clip.mp4");
        assertThat(json.get(0).get("outputs")).hasSize(5);

        assertThat(status(List.of()).lines()).anyMatch(l -> l.startsWith("Complete 100%  good/clip.mp4  ffmpeg"));
    }

    private static String status(List<String> args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        new StatusCommand(records, new PrintStream(printed, true, StandardCharsets.UTF_8)).print(args);
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static JobRecord awaitRecord(String key, JobState state) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> records.read(key).orElse(null), r -> r != null && r.state() == state);
    }
}
