package io.videopipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.videopipeline.app.JobConfig;
import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import io.videopipeline.transcode.ChunkedJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Split-and-stitch on the real application and local cloud: a 7 s upload over chunking-min-seconds becomes two
 * chunk tasks and an audio task on the chunk queue, stitched into the same renditions and HLS package an unchunked
 * job writes, each notified once; redelivered tasks and a second stitch message do nothing twice.
 */
class ChunkedTranscodeTest {
    private static final String UPLOAD = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    static Path work;
    private static PipelineTestApp app;
    private static S3Client s3;
    private static JobRecordStore records;
    private static S3EventIntake intake;
    private static String chunkQueue;
    private static String aclQueue;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of(
                // the fan-out routes stay off: their queues collect the transcoded bucket's notifications
                "pipeline.routes.enabled", "transcode-video,transcode-chunk",
                "pipeline.transcode.chunking-min-seconds", "4",
                "pipeline.transcode.chunk-seconds", "3"));
        s3 = app.s3();
        records = JobConfig.tracker(app.config(), app.clients()).store();
        intake = new S3EventIntake(S3EventIntake.DEFAULT_MAX_BODY_CHARS, S3EventIntake.DEFAULT_MAX_RECORDS);
        chunkQueue = app.queueUrl("transcode-chunks");
        aclQueue = app.queueUrl("transcoded-video-acl");
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aLongUploadIsSplitEncodedByTheChunkRouteAndStitchedIntoTheUsualOutputs() throws Exception {
        app.camel().getRouteController().startRoute("transcode-chunk");
        EndToEnd.upload(s3, UPLOAD, "long/tone.mov", EndToEnd.clip(work, "tone.mov", "320x180", true, 7));

        JobRecord done = awaitRecord("long/tone.mov", JobState.COMPLETE);
        assertThat(done.percent()).isEqualTo(100.0);
        // three MP4s, the master playlist and the poster, as an unchunked job lists them
        assertThat(done.outputs()).extracting(JobRecord.Output::key).containsExactly("long/tone/tone-1080p.mp4",
                "long/tone/tone-720p.mp4", "long/tone/tone-web-720p.mp4", "long/tone/tone.m3u8",
                "long/tone/tone-poster.jpg");
        for (String preset : List.of("1080p", "720p", "web-720p")) {
            String key = "long/tone/tone-" + preset + ".mp4";
            JsonNode probe = EndToEnd.probe(s3, TRANSCODED, key, work);
            JsonNode video = EndToEnd.stream(probe, "video");
            JsonNode audio = EndToEnd.stream(probe, "audio");
            assertThat(audio).as(key).isNotNull();
            double seconds = video.path("duration").asDouble();
            assertThat(seconds).as(key).isBetween(6.95, 7.05);
            assertThat(audio.path("duration").asDouble()).as(key).isCloseTo(seconds,
                    org.assertj.core.data.Offset.offset(1024.0 / 44100));
            assertThat(s3.headObject(b -> b.bucket(TRANSCODED).key(key)).metadata())
                    .containsEntry("preset", preset).containsKey("source-etag");
        }
        await().atMost(PATIENCE).until(() -> EndToEnd.keys(s3, TRANSCODED, "_chunks/").isEmpty());
        assertThat(keptSources()).as("sources kept after the stitch on this worker").isEmpty();
        assertThat(notified("long/tone/")).containsExactlyInAnyOrder("long/tone/tone-1080p.mp4",
                "long/tone/tone-720p.mp4", "long/tone/tone-web-720p.mp4", "long/tone/tone.m3u8");
    }

    @Test
    void aRedeliveredChunkAndADuplicateStitchDoNothingTwice() throws Exception {
        app.camel().getRouteController().stopRoute("transcode-chunk"); // this test hands the tasks over itself
        try {
            ChunkedJobs jobs = app.camel().getRegistry().lookupByNameAndType("chunkedJobs", ChunkedJobs.class);
            EndToEnd.upload(s3, UPLOAD, "dup/tone.mov", EndToEnd.clip(work, "dup.mov", "320x180", true, 7));
            // 7 s in chunks of 3 s rounded to whole HLS segments (2 GOPs of 90 frames at 29.97): 6.006 s + 1 s
            // one audio task per audio setting (160, 128 and 96 kb/s), so separate workers encode them
            List<Message> tasks = takeTasks(5);
            assertThat(tasks).extracting(ChunkedTranscodeTest::task)
                    .containsExactlyInAnyOrder("audio:0", "audio:1", "audio:2", "chunk:0", "chunk:1");
            Message first = tasks.stream().filter(m -> task(m).equals("chunk:0")).findFirst().orElseThrow();
            run(jobs, first);
            String part = EndToEnd.keys(s3, TRANSCODED, "_chunks/").stream().filter(k -> k.endsWith("/c00000/o0.part"))
                    .findFirst().orElseThrow();
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(part)).asByteArray();
            s3.deleteObject(b -> b.bucket(TRANSCODED).key(part));
            run(jobs, first); // redelivered: its marker says done, so it encodes and uploads nothing
            assertThat(EndToEnd.keys(s3, TRANSCODED, "_chunks/")).doesNotContain(part);
            s3.putObject(b -> b.bucket(TRANSCODED).key(part), RequestBody.fromBytes(bytes));

            for (Message m : tasks) {
                if (m != first) {
                    run(jobs, m);
                }
            }
            List<Message> stitches = takeTasks(1);
            assertThat(stitches).extracting(ChunkedTranscodeTest::task).containsOnly("stitch");
            // what a stitch starts from: kept to replay below a stitch that dies after its uploads
            Map<String, byte[]> workBefore = new java.util.TreeMap<>();
            for (String key : EndToEnd.keys(s3, TRANSCODED, "_chunks/")) {
                workBefore.put(key, s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(key)).asByteArray());
            }
            String recordKey = records.keyFor("dup/tone.mov");
            byte[] recordBefore = s3.getObjectAsBytes(b -> b.bucket(records.bucket()).key(recordKey)).asByteArray();
            // a second stitch message (two workers finishing at once send one each): both run at the same time
            Message stitch = stitches.get(0);
            Message twin = stitch.toBuilder().messageId(stitch.messageId() + "-twin").build();
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (Message m : List.of(stitch, twin)) {
                running.add(CompletableFuture.runAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    run(jobs, m);
                }));
            }
            go.countDown();
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();

            assertThat(awaitRecord("dup/tone.mov", JobState.COMPLETE).outputs()).hasSize(5);
            assertThat(EndToEnd.keys(s3, TRANSCODED, "_chunks/")).isEmpty();
            assertThat(keptSources()).isEmpty();
            assertThat(notified("dup/tone/")).containsExactlyInAnyOrder("dup/tone/tone-1080p.mp4",
                    "dup/tone/tone-720p.mp4", "dup/tone/tone-web-720p.mp4", "dup/tone/tone.m3u8");
            Map<String, String> uploaded = eTags("dup/tone/");

            // the stitch's worker died after every upload, before Complete and the clean-up: its message comes back
            workBefore.forEach((key, kept) -> s3.putObject(b -> b.bucket(TRANSCODED).key(key),
                    RequestBody.fromBytes(kept)));
            String claim = workBefore.keySet().iterator().next().replaceFirst("^(_chunks/[^/]+/).*", "$1stitch");
            s3.putObject(b -> b.bucket(TRANSCODED).key(claim), RequestBody.fromString(stitch.messageId()));
            s3.putObject(b -> b.bucket(records.bucket()).key(recordKey), RequestBody.fromBytes(recordBefore));
            assertThat(records.read("dup/tone.mov").orElseThrow().state()).isEqualTo(JobState.PROGRESSING);
            run(jobs, stitch);
            JobRecord finished = records.read("dup/tone.mov").orElseThrow();
            assertThat(finished.state()).isEqualTo(JobState.COMPLETE);
            assertThat(finished.outputs()).extracting(JobRecord.Output::key).containsExactly(
                    "dup/tone/tone-1080p.mp4", "dup/tone/tone-720p.mp4", "dup/tone/tone-web-720p.mp4",
                    "dup/tone/tone.m3u8", "dup/tone/tone-poster.jpg");
            assertThat(finished.outputs()).allSatisfy(o -> assertThat(o.size()).isPositive());
            assertThat(EndToEnd.keys(s3, TRANSCODED, "_chunks/")).isEmpty();
            assertThat(eTags("dup/tone/")).isEqualTo(uploaded); // nothing uploaded again
            String completed = finished.updated();
            run(jobs, stitch); // and once more: the work is gone, the record stays as it is
            assertThat(records.read("dup/tone.mov").orElseThrow().updated()).isEqualTo(completed);
            assertThat(notified("dup/tone/")).hasSize(4);

            // a chunk task arriving after the stitch finds no work left, and says so without failing
            run(jobs, first);
            assertThat(EndToEnd.keys(s3, TRANSCODED, "dup/tone/")).noneMatch(k -> k.endsWith(".part"));
        } finally {
            app.camel().getRouteController().startRoute("transcode-chunk");
        }
    }

    /**
     * A job planned before the audio was split (its plan counts no audio tasks; one {@code audio} task encodes every
     * setting) and handled by a worker after the upgrade: it still stitches, with all three audio tracks.
     */
    @Test
    void aJobPlannedBeforeTheAudioSplitStillStitches() throws Exception {
        app.camel().getRouteController().stopRoute("transcode-chunk");
        try {
            ChunkedJobs jobs = app.camel().getRegistry().lookupByNameAndType("chunkedJobs", ChunkedJobs.class);
            EndToEnd.upload(s3, UPLOAD, "legacy/tone.mov", EndToEnd.clip(work, "legacy.mov", "320x180", true, 7));
            List<Message> tasks = takeTasks(5);
            String plan = EndToEnd.keys(s3, TRANSCODED, "_chunks/").stream().filter(k -> k.endsWith("/plan"))
                    .findFirst().orElseThrow();
            com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode)
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(s3.getObjectAsBytes(b -> b
                            .bucket(TRANSCODED).key(plan)).asByteArray());
            old.remove("audioTasks");
            s3.putObject(b -> b.bucket(TRANSCODED).key(plan), RequestBody.fromString(old.toString()));
            Message audio = tasks.stream().filter(m -> task(m).equals("audio:0")).findFirst().orElseThrow();
            run(jobs, audio.toBuilder().messageAttributes(Map.of(ChunkedJobs.TASK, MessageAttributeValue.builder()
                    .dataType("String").stringValue("audio").build())).build());
            for (Message m : tasks) {
                if (task(m).startsWith("chunk:")) {
                    run(jobs, m);
                }
            }
            run(jobs, takeTasks(1).get(0));

            assertThat(awaitRecord("legacy/tone.mov", JobState.COMPLETE).outputs()).hasSize(5);
            for (String preset : List.of("1080p", "720p", "web-720p")) {
                JsonNode probe = EndToEnd.probe(s3, TRANSCODED, "legacy/tone/tone-" + preset + ".mp4", work);
                assertThat(EndToEnd.stream(probe, "audio")).as(preset).isNotNull();
            }
            assertThat(EndToEnd.keys(s3, TRANSCODED, "_chunks/")).isEmpty();
        } finally {
            app.camel().getRouteController().startRoute("transcode-chunk");
        }
    }

    @Test
    void aTaskNoWorkerCanDoIsDeadLetteredAtOnceAndFailsItsUploadsJob() throws Exception {
        app.camel().getRouteController().startRoute("transcode-chunk");
        String body = io.videopipeline.s3.S3EventRecord.of(UPLOAD, "poison/tone.mov").eventName("ObjectCreated:Put")
                .size(1).eTag("0123456789abcdef0123456789abcdef").toJson();
        app.sqs().sendMessage(b -> b.queueUrl(chunkQueue).messageBody(body).messageAttributes(Map.of(ChunkedJobs.TASK,
                MessageAttributeValue.builder().dataType("String").stringValue("chunk:-1").build())));

        JobRecord failed = awaitRecord("poison/tone.mov", JobState.ERROR);
        assertThat(failed.reason()).contains("not a chunk task");
        assertThat(failed.parkedIn()).isEqualTo("transcode-chunks-dlq");
        List<Message> letters = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            letters.addAll(EndToEnd.take(app.sqs(), app.queueUrl("transcode-chunks-dlq"), m -> true));
            return !letters.isEmpty();
        });
        assertThat(letters).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo(body); // the original, to redrive once the cause is fixed
            assertThat(task(m)).isEqualTo("chunk:-1");
            assertThat(EndToEnd.reason(m)).contains("not a chunk task");
        });
    }

    /** The dirs of sources the worker keeps between chunk tasks (media/SourceCache) in its ffmpeg work dir. */
    private static List<Path> keptSources() throws java.io.IOException {
        Path dir = work.resolve("app").resolve("work");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(dir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("ffmpeg-source-")).toList();
        }
    }

    /** Key to ETag of every object under {@code prefix} of the transcoded bucket. */
    private static Map<String, String> eTags(String prefix) {
        Map<String, String> tags = new java.util.TreeMap<>();
        s3.listObjectsV2Paginator(b -> b.bucket(TRANSCODED).prefix(prefix)).contents()
                .stream().filter(o -> !o.key().endsWith(".job.json"))
                .forEach(o -> tags.put(o.key(), o.eTag() + "@" + o.lastModified()));
        return tags;
    }

    private static void run(ChunkedJobs jobs, Message m) {
        List<ObjectEvent> events = intake.parse(m.body());
        assertThat(events).hasSize(1);
        jobs.handle(events.get(0), m.messageAttributes(), m.messageId());
    }

    private static String task(Message m) {
        MessageAttributeValue v = m.messageAttributes().get(ChunkedJobs.TASK);
        return v == null ? null : v.stringValue();
    }

    private static List<Message> takeTasks(int count) {
        List<Message> taken = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            taken.addAll(EndToEnd.take(app.sqs(), chunkQueue, m -> true));
            return taken.size() >= count;
        });
        return taken;
    }

    /** Every key the transcoded bucket notified so far, from the acl queue's messages (each message taken once). */
    private static final List<String> NOTIFIED = new ArrayList<>();

    /** The notified keys under {@code prefix}: waits for four, then for a receive that brings no more. */
    private static synchronized List<String> notified(String prefix) {
        int[] seen = {-1};
        await().atMost(PATIENCE).pollDelay(Duration.ZERO).until(() -> {
            for (Message m : EndToEnd.take(app.sqs(), aclQueue, x -> true)) {
                intake.parse(m.body()).stream().map(ObjectEvent::key).forEach(NOTIFIED::add);
            }
            long count = NOTIFIED.stream().filter(k -> k.startsWith(prefix)).count();
            boolean quiet = count == seen[0];
            seen[0] = (int) count;
            return count >= 4 && quiet;
        });
        return NOTIFIED.stream().filter(k -> k.startsWith(prefix)).toList();
    }

    private static JobRecord awaitRecord(String key, JobState state) {
        return await().atMost(PATIENCE).until(() -> records.read(key).orElse(null),
                r -> r != null && r.state() == state);
    }
}
