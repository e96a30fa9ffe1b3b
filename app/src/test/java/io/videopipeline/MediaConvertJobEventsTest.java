package io.videopipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.app.JobConfig;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MediaConvert's EventBridge events, as the rule of config/aws/cloudformation.yaml delivers them to report-job-state's
 * queue: AWS's documented samples (pipeline/src/test/resources/jobs/mediaconvert/, the pages in its README) with the
 * user metadata the mediaconvert backend puts on its jobs. They go into the upload's job record and its failure is
 * mailed from the job event stream.
 */
class MediaConvertJobEventsTest {

    private static final Path SAMPLES = Path.of("pipeline/src/test/resources/jobs/mediaconvert");
    private static final String JOB = "1671477617078-2886ye";

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static JobRecordStore records;
    private static String queue;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work, Map.of("pipeline.job-events.enabled", "true"));
        records = JobConfig.tracker(app.config(), app.clients()).store();
        queue = app.sqs().getQueueUrl(b -> b.queueName("transcode-job-events")).queueUrl();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aMediaConvertJobsEventsMoveItsRecordAndItsFailureIsMailed() throws Exception {
        send("progressing.json");
        send("status-update.json");
        JobRecord progressing = await().atMost(Duration.ofSeconds(30)).until(() -> records.read("mc/talk 1.mov")
                .orElse(null), r -> r != null && r.percent() != null && r.percent() == 7.0);
        assertThat(progressing).extracting(JobRecord::state, JobRecord::backend, JobRecord::jobId)
                .containsExactly(JobState.PROGRESSING, "mediaconvert", JOB);

        send("error.json");
        JobRecord error = await().atMost(Duration.ofSeconds(30)).until(() -> records.read("mc/talk 1.mov")
                .orElse(null), r -> r != null && r.state() == JobState.ERROR);
        assertThat(error.reason()).isEqualTo("1040 Example error message");
        await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(app.mailServer().receivedMessages())
                .map(MediaConvertJobEventsTest::subject).anyMatch("Transcoding failed: mc/talk 1.mov"::equals));
    }

    /** AWS's sample as EventBridge sends it to an SQS target (the event JSON is the message body). */
    private static void send(String sample) throws Exception {
        String body = Files.readString(SAMPLES.resolve(sample))
                .replaceAll("\"jobId\": \"[^\"]+\"", "\"jobId\": \"" + JOB + "\"")
                .replace("\"userMetadata\": {}", "\"userMetadata\": {\"source-bucket\": \"video-upload\","
                        + " \"source-key\": \"mc/talk%201.mov\", \"source-etag\": \"e1\"}");
        app.sqs().sendMessage(b -> b.queueUrl(queue).messageBody(body));
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}
