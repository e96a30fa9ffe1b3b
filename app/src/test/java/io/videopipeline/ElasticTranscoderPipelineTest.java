package io.videopipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.videopipeline.app.JobConfig;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.Job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.garbage;
import static io.videopipeline.EndToEnd.keys;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pipeline.transcoder=elastictranscoder} end to end, as the seed ran: the route calls CreateJob
 * (through the AWS SDK) on the local cloud's Elastic Transcoder API, the job writes the renditions,
 * the fan-out fires as with ffmpeg, and a job that fails is reported by mail.
 */
class ElasticTranscoderPipelineTest {

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static JobRecordStore records;
    private static JobEventWatch events;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of("pipeline.transcoder", "elastictranscoder"));
        records = JobConfig.tracker(app.config(), app.clients()).store();
        // a watcher of the job event stream, beside report-job-state's queue
        events = new JobEventWatch(app);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anUploadBecomesAnElasticTranscoderJobWhoseRenditionsFanOut() {
        upload(app.s3(), "video-upload", "et/clip.mov", clip(work, "clip.mov", "320x240", true));

        await().atMost(Duration.ofSeconds(90)).until(() -> renditionsAndMetadata("et/clip/").size() == 6);
        assertThat(renditionsAndMetadata("et/clip/")).containsExactlyInAnyOrder(
                "et/clip/clip-1080p.mp4", "et/clip/clip-720p.mp4", "et/clip/clip-web-720p.mp4",
                "et/clip/clip-1080p.json", "et/clip/clip-720p.json", "et/clip/clip-web-720p.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> subjects().stream().filter(s -> s.startsWith("Video ready: clip-")).count() == 3);

        ElasticTranscoderClient et = app.clients().elasticTranscoder();
        String pipelineId = app.config().get("pipeline.elastictranscoder.pipeline-id");
        List<Job> jobs = et.listJobsByPipeline(b -> b.pipelineId(pipelineId)).jobs().stream()
                .filter(j -> j.input().key().equals("et/clip.mov")).toList();
        assertThat(jobs).singleElement().satisfies(job -> {
            assertThat(et.readJob(b -> b.id(job.id())).job().status()).isEqualTo("Complete");
            // the three MP4 presets, then (streaming is on by default) ET's five HLS system presets
            assertThat(job.outputs()).extracting(o -> o.presetId())
                    .containsExactly("1351620000001-000001", "1351620000001-000010", "1351620000001-100070",
                            "1351620000001-200010", "1351620000001-200020", "1351620000001-200030",
                            "1351620000001-200040", "1351620000001-200050");
        });

        // the job's record: Submitted by the backend, Progressing and Complete from ET's notifications
        JobRecord record = await().atMost(Duration.ofSeconds(30)).until(() -> records.read("et/clip.mov")
                .orElse(null), r -> r != null && r.state() == JobState.COMPLETE);
        assertThat(record).extracting(JobRecord::backend, JobRecord::jobId, JobRecord::pipelineId, JobRecord::attempts)
                .containsExactly("elastictranscoder", jobs.get(0).id(), pipelineId, 1);
        // the MP4s and the HLS package's master, as the ffmpeg backend's record lists them: ET's HLS outputs
        // (Key et/clip/hls/2m …) name no object of their own and are not listed; every key listed is an object
        List<JobRecord.Output> mp4s = record.outputs().stream().filter(o -> o.key().endsWith(".mp4")).toList();
        assertThat(mp4s).extracting(JobRecord.Output::key).containsExactlyInAnyOrder(
                "et/clip/clip-1080p.mp4", "et/clip/clip-720p.mp4", "et/clip/clip-web-720p.mp4");
        assertThat(mp4s).allSatisfy(o -> assertThat(o.width()).isPositive());
        assertThat(record.outputs()).extracting(JobRecord.Output::key)
                .containsExactlyInAnyOrder("et/clip/clip-1080p.mp4", "et/clip/clip-720p.mp4",
                        "et/clip/clip-web-720p.mp4", "et/clip/clip.m3u8");
        assertThat(record.outputs()).filteredOn(o -> o.key().equals("et/clip/clip.m3u8")).singleElement()
                .satisfies(master -> {
                    assertThat(master.preset()).isEqualTo(JobRecord.Output.PACKAGE_MASTER);
                    assertThat(master.durationSeconds()).isPositive();
                });
        List<String> objects = keys(app.s3(), "video-transcoded", "et/clip/");
        assertThat(record.outputs()).allSatisfy(o -> assertThat(objects).contains(o.key()));
        List<JsonNode> stream = events.await("et/clip.mov", 3);
        assertThat(stream).extracting(e -> e.get("state").asText())
                .containsExactlyInAnyOrder("SUBMITTED", "PROGRESSING", "COMPLETED");
        assertThat(stream).allSatisfy(e -> {
            assertThat(e.get("backend").asText()).isEqualTo("elastictranscoder");
            assertThat(e.get("jobId").asText()).isEqualTo(jobs.get(0).id());
        });
    }

    @Test
    void aFailedJobIsReportedByMailNamingTheUploadAndTheReason() throws Exception {
        upload(app.s3(), "video-upload", "et/broken.mov", write(work.resolve("broken.mov"), garbage(20_000, 7)));

        await().atMost(Duration.ofSeconds(60)).until(() -> subjects().contains("Transcoding failed: et/broken.mov"));
        MimeMessage mail = Arrays.stream(app.mailServer().receivedMessages())
                .filter(m -> subject(m).equals("Transcoding failed: et/broken.mov")).findFirst().orElseThrow();
        String body = EndToEnd.html(mail);
        assertThat(body).contains("et/broken.mov").contains("elastictranscoder").contains("4000");
        assertThat(keys(app.s3(), "video-transcoded", "et/broken/")).isEmpty();

        JobRecord record = records.read("et/broken.mov").orElseThrow();
        assertThat(record).extracting(JobRecord::state, JobRecord::backend)
                .containsExactly(JobState.ERROR, "elastictranscoder");
        assertThat(record.reason()).contains("4000");
        List<JsonNode> stream = events.await("et/broken.mov", 3);
        assertThat(stream).extracting(e -> e.get("state").asText())
                .containsExactlyInAnyOrder("SUBMITTED", "PROGRESSING", "ERROR");
        assertThat(stream).filteredOn(e -> e.get("state").asText().equals("ERROR")).singleElement()
                .satisfies(e -> assertThat(e.get("messageDetails").asText()).isEqualTo(record.reason()));
    }

    /** The MP4 renditions and their metadata (the HLS package is ElasticTranscoderHlsPipelineTest's). */
    private static List<String> renditionsAndMetadata(String prefix) {
        return keys(app.s3(), "video-transcoded", prefix).stream()
                .filter(k -> k.matches(".*-(1080p|720p|web-720p)\\.(mp4|json)")).toList();
    }

    private static Path write(Path file, byte[] bytes) throws java.io.IOException {
        java.nio.file.Files.write(file, bytes);
        return file;
    }

    private static List<String> subjects() {
        return Arrays.stream(app.mailServer().receivedMessages()).map(ElasticTranscoderPipelineTest::subject).toList();
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}
