package io.videopipeline.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.videopipeline.localcloud.LocalCloudExtension;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.ProgressListener;
import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.transcode.KeyCollision;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The ffmpeg backend keeping job records and publishing their events, with a real ffmpeg on the local cloud: small
 * synthetic clips (320x180, x264 ultrafast, one thread), long enough in duration for ffmpeg to report progress.
 */
class JobTrackingEncodeTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension(b -> b.builtInSns());

    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final String TOPIC = "transcode-job-events";
    private static final List<Preset> PRESETS = PresetCatalog.load(Path.of("config/presets.yaml")).presets();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;
    @TempDir
    Path clips;

    private S3Client s3;
    private SnsClient sns;
    private String watchQueue;
    private final OutputKeys keys = new OutputKeys();
    private final JobRecordKeys recordKeys = new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN);

    @BeforeEach
    void cloud() {
        s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        sns = SnsClient.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(CLOUD.credentials()).build();
        String topicArn = sns.createTopic(b -> b.name(TOPIC)).topicArn();
        watchQueue = CLOUD.createQueue("job-events-watch");
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(CLOUD.queueArn("job-events-watch")));
    }

    @AfterEach
    void closeSns() {
        sns.close();
    }

    @Test
    void aLongEnoughClipIsProgressingWithPercentAndEtaBeforeItCompletesInTheRecordAndOnTheTopic() throws Exception {
        List<String> webhook = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/job-events", exchange -> {
            webhook.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String topicArn = sns.createTopic(b -> b.name(TOPIC)).topicArn();
            sns.subscribe(b -> b.topicArn(topicArn).protocol("http")
                    .endpoint("http://127.0.0.1:" + receiver.getAddress().getPort() + "/job-events"));
            String key = "uploads/long clip.mov";
            TranscodeJob job = upload(key, 30);
            JobRecordStore writer = new JobRecordStore(s3, TRANSCODED, recordKeys);
            JobRecordStore store = new JobRecordStore(s3, TRANSCODED, recordKeys); // the test's own reads

            CompletableFuture<TranscodeResult> running = CompletableFuture.supplyAsync(
                    () -> transcoder(writer).submit(job));
            List<JobRecord> seen = new ArrayList<>();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
                store.read(key).ifPresent(r -> {
                    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(r)) {
                        seen.add(r);
                    }
                });
                return running.isDone();
            });
            running.get(0, TimeUnit.SECONDS);

            JobRecord progressing = seen.stream().filter(r -> r.state() == JobState.PROGRESSING
                    && r.percent() > 0 && r.percent() < 100).findFirst().orElseThrow(
                            () -> new AssertionError("no Progressing record with 0 < percent < 100 among " + seen));
            assertThat(progressing.etaSeconds()).isNotNull().isNotNegative();
            assertThat(seen.indexOf(progressing)).isLessThan(seen.size() - 1);
            JobRecord complete = store.read(key).orElseThrow();
            assertThat(complete.state()).isEqualTo(JobState.COMPLETE);
            assertThat(complete.percent()).isEqualTo(100.0);
            assertThat(complete.attempts()).isEqualTo(1);
            assertThat(complete.finished()).isNotNull();
            assertThat(complete.source()).isEqualTo(new JobRecord.Source(UPLOADS, key, job.inputETag(), null));
            assertThat(complete.outputs()).extracting(JobRecord.Output::key)
                    .containsExactlyElementsOf(job.outputs().stream().map(o -> o.key()).toList());
            assertThat(complete.outputs()).allSatisfy(o -> {
                assertThat(o.size()).isPositive();
                assertThat(o.durationSeconds()).isBetween(29.0, 31.0);
            });
            // the ETA near half way against the time the job really took from there (encode end + uploads)
            JobRecord half = seen.stream().filter(r -> r.state() == JobState.PROGRESSING && r.etaSeconds() != null
                    && r.percent() > 0).min(java.util.Comparator.comparingDouble(r -> Math.abs(r.percent() - 50)))
                    .orElseThrow();
            double actual = Duration.between(java.time.Instant.parse(half.updated()),
                    java.time.Instant.parse(complete.finished())).toMillis() / 1000.0;
            System.out.printf("ETA at %.1f %%: %d s; remaining until Complete: %.2f s%n", half.percent(),
                    half.etaSeconds(), actual);
            // one GET (the Submitted write reads what is there) and one PUT per write, uncontended
            System.out.printf("S3 requests of the job record: %d for %d record states seen%n", writer.requests(),
                    seen.size());
            assertThat(writer.requests()).isLessThanOrEqualTo(1 + seen.size() + 20L);

            // the stream: every state change, in Elastic Transcoder's shape
            List<JsonNode> events = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (Message m : CLOUD.sqs().receiveMessage(b -> b.queueUrl(watchQueue).maxNumberOfMessages(10)
                        .waitTimeSeconds(1)).messages()) {
                    events.add(JSON.readTree(JSON.readTree(m.body()).get("Message").asText()));
                    CLOUD.sqs().deleteMessage(b -> b.queueUrl(watchQueue).receiptHandle(m.receiptHandle()));
                }
                return events.stream().anyMatch(e -> e.get("state").asText().equals("COMPLETED"));
            });
            assertThat(events).extracting(e -> e.get("state").asText()).contains("SUBMITTED", "PROGRESSING");
            assertThat(events).anySatisfy(e -> {
                assertThat(e.get("state").asText()).isEqualTo("PROGRESSING");
                assertThat(e.get("percentComplete").asDouble()).isStrictlyBetween(0.0, 100.0);
                assertThat(e.has("etaSeconds")).isTrue();
            });
            JsonNode completed = events.stream().filter(e -> e.get("state").asText().equals("COMPLETED"))
                    .findFirst().orElseThrow();
            assertThat(completed.get("jobId").asText()).isEqualTo(complete.jobId());
            assertThat(completed.get("pipelineId").asText()).isEqualTo("ffmpeg");
            assertThat(completed.get("input").get("key").asText()).isEqualTo(key);
            assertThat(completed.get("userMetadata").get("source-bucket").asText()).isEqualTo(UPLOADS);
            assertThat(completed.get("outputs")).hasSize(PRESETS.size());
            assertThat(completed.get("jobRecordKey").asText()).isEqualTo("uploads/long clip/long clip.job.json");

            // the webhook: the same events, posted by SNS to the HTTP subscriber
            await().atMost(Duration.ofSeconds(30)).until(() -> webhook.stream().anyMatch(b -> b.contains("COMPLETED")));
            JsonNode posted = JSON.readTree(webhook.stream().filter(b -> b.contains("COMPLETED")).findFirst()
                    .orElseThrow());
            assertThat(posted.get("Type").asText()).isEqualTo("Notification");
            assertThat(JSON.readTree(posted.get("Message").asText()).get("jobId").asText()).isEqualTo(complete.jobId());
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aRedeliveredMessageDoesNotMoveACompleteRecordBack() throws Exception {
        String key = "again.mov";
        TranscodeJob job = upload(key, 1);
        transcoder(new JobRecordStore(s3, TRANSCODED, recordKeys)).submit(job);
        JobRecordStore store = new JobRecordStore(s3, TRANSCODED, recordKeys);
        JobRecord complete = store.read(key).orElseThrow();

        TranscodeResult again = transcoder(store).submit(job); // the same message, delivered once more
        new JobTracker(store, null, Duration.ZERO, Clock.systemUTC())
                .start(complete.source(), "ffmpeg", complete.jobId(), null); // a replica that starts it anyway

        assertThat(again.skipped()).isTrue();
        assertThat(store.read(key)).contains(complete);
    }

    @Test
    void twoCompetingConsumersKeepOneConsistentRecord() throws Exception {
        String key = "raced.mov";
        TranscodeJob job = upload(key, 2);
        // two replicas: their own stores and transcoders, the same message delivered to both
        CompletableFuture<TranscodeResult> a = CompletableFuture.supplyAsync(
                () -> transcoder(new JobRecordStore(s3, TRANSCODED, recordKeys)).submit(job));
        CompletableFuture<TranscodeResult> b = CompletableFuture.supplyAsync(
                () -> transcoder(new JobRecordStore(s3, TRANSCODED, recordKeys)).submit(job));
        a.get(2, TimeUnit.MINUTES);
        b.get(2, TimeUnit.MINUTES);

        JobRecord record = new JobRecordStore(s3, TRANSCODED, recordKeys).read(key).orElseThrow();
        assertThat(record.state()).isEqualTo(JobState.COMPLETE);
        assertThat(record.attempts()).isBetween(1, 2);
        assertThat(record.outputs()).hasSize(PRESETS.size());
        assertThat(s3.listObjectsV2(l -> l.bucket(TRANSCODED).prefix("raced/")).contents())
                .filteredOn(o -> o.key().endsWith(".json")).hasSize(1);
    }

    private FfmpegTranscoder transcoder(JobRecordStore store) {
        JobTracker tracker = new JobTracker(store, new JobEventPublisher(sns, TOPIC, store::keyFor), Duration.ZERO,
                Clock.systemUTC());
        FfmpegSettings settings = FfmpegSettings.defaults().withFfmpegPath("/usr/bin/ffmpeg")
                .withFfprobePath("/usr/bin/ffprobe").withWorkDir(workDir).withX264Preset("ultrafast").withThreads(1)
                .withTimeout(Duration.ofMinutes(2));
        return new FfmpegTranscoder(s3, settings, ProgressListener.NONE, KeyCollision.REFUSE, tracker);
    }

    /** A 320x180 clip of {@code seconds} with audio, uploaded; the job for it. */
    private TranscodeJob upload(String key, int seconds) throws Exception {
        Path clip = clips.resolve(seconds + "s.mp4");
        if (!clip.toFile().exists()) {
            Process ffmpeg = new ProcessBuilder("/usr/bin/ffmpeg", "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=" + seconds,
                    "-f", "lavfi", "-i", "sine=f=440:d=" + seconds, "-c:a", "aac", "-b:a", "48k",
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip.toString())
                    .redirectErrorStream(true).start();
            String output = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ffmpeg.waitFor()).as(output).isZero();
        }
        String eTag = s3.putObject(b -> b.bucket(UPLOADS).key(key), RequestBody.fromFile(clip)).eTag()
                .replace("\"", "");
        return keys.jobFor(UPLOADS, key, null, eTag, TRANSCODED, PRESETS);
    }
}
