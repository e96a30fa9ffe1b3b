package io.videopipeline.localcloud.et;

import io.videopipeline.localcloud.gateway.AwsResponse;
import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.localcloud.ForeignClients;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeResult;
import io.videopipeline.transcode.cloud.ElasticTranscoderJobException;
import io.videopipeline.transcode.cloud.ElasticTranscoderSettings;
import io.videopipeline.transcode.cloud.ElasticTranscoderTranscoder;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.Job;
import software.amazon.awssdk.services.elastictranscoder.model.JobOutput;
import software.amazon.awssdk.services.elastictranscoder.model.Notifications;
import software.amazon.awssdk.services.elastictranscoder.model.Preset;
import software.amazon.awssdk.services.elastictranscoder.model.ResourceInUseException;
import software.amazon.awssdk.services.elastictranscoder.model.ResourceNotFoundException;
import software.amazon.awssdk.services.elastictranscoder.model.ValidationException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local Elastic Transcoder API behind a tiny HTTP server, driven through the real AWS SDK client (and once
 * through the AWS CLI), with S3 in S3Proxy and ffmpeg doing the work. Clips are 1 s lavfi, x264 ultrafast.
 */
class ElasticTranscoderLocalTest {

    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final String ROLE = "arn:aws:iam::000000000000:role/Elastic_Transcoder_Default_Role";
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:et-events";
    private static final Path SHIPPED = Path.of("config/presets.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    record Note(String topic, String subject, JsonNode message) {
    }

    private static final List<Note> NOTES = Collections.synchronizedList(new ArrayList<>());
    private static PresetCatalog catalog;
    private static S3Client s3;
    private static EtApiService service;
    private static EtHttpServer http;
    private static ElasticTranscoderClient et;
    private static Path clips;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        s3 = S3.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        catalog = PresetCatalog.load(SHIPPED);
        clips = Files.createDirectories(tmp.resolve("clips"));
        service = new EtApiService(s3, catalog, ffmpeg(tmp.resolve("work")), ElasticTranscoderLocalTest::record,
                EtSettings.defaults());
        http = new EtHttpServer(service);
        et = client(http.endpoint());
    }

    @AfterAll
    static void stop() {
        et.close();
        http.close();
        service.close();
    }

    static FfmpegSettings ffmpeg(Path work) {
        return FfmpegSettings.defaults().withFfmpegPath("/usr/bin/ffmpeg").withFfprobePath("/usr/bin/ffprobe")
                .withWorkDir(work).withX264Preset("ultrafast").withThreads(1).withTimeout(Duration.ofMinutes(2));
    }

    static ElasticTranscoderClient client(URI endpoint) {
        return ElasticTranscoderClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private static void record(String topic, String subject, String message) {
        try {
            NOTES.add(new Note(topic, subject, JSON.readTree(message)));
        } catch (IOException e) {
            throw new IllegalStateException("notification is not JSON: " + message, e);
        }
    }

    private static String pipeline(String name) {
        return et.createPipeline(b -> b.name(name).inputBucket(UPLOADS).outputBucket(TRANSCODED).role(ROLE)
                .notifications(Notifications.builder().progressing(TOPIC).completed(TOPIC).warning("")
                        .error(TOPIC).build())).pipeline().id();
    }

    private static List<Note> notesFor(String jobId) {
        synchronized (NOTES) {
            return NOTES.stream().filter(n -> jobId.equals(n.message().path("jobId").asText())).toList();
        }
    }

    private static Job awaitFinished(String jobId) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("Complete", "Error", "Canceled")
                        .contains(et.readJob(r -> r.id(jobId)).job().status()));
        return et.readJob(r -> r.id(jobId)).job();
    }

    @Test
    void backendJobRunsToCompleteWithThreeRenditionsTimingAndNotifications(@TempDir Path tmp) throws Exception {
        String pipelineId = pipeline("video-pipeline");
        String key = "uploads/a b/비디오 clip.mov";
        String etag = upload(key, clip("1080p.mov", 1920, 1080, true));
        List<io.videopipeline.media.Preset> presets = catalog.presets();
        TranscodeJob job = new OutputKeys().jobFor(UPLOADS, key, null, etag, TRANSCODED, presets);
        ElasticTranscoderTranscoder backend = new ElasticTranscoderTranscoder(et, s3,
                new ElasticTranscoderSettings(pipelineId, TRANSCODED));

        TranscodeResult result = backend.submit(job);

        assertThat(result.backend()).isEqualTo("elastictranscoder");
        assertThat(result.skipped()).isFalse();
        assertThat(result.jobId()).matches("\\d{13}-[0-9a-z]{6}");
        Job done = awaitFinished(result.jobId());
        assertThat(done.status()).isEqualTo("Complete");
        assertThat(done.pipelineId()).isEqualTo(pipelineId);
        assertThat(done.input().key()).isEqualTo(key);
        assertThat(done.input().detectedProperties().width()).isEqualTo(1920);
        assertThat(done.input().detectedProperties().height()).isEqualTo(1080);
        assertThat(done.input().detectedProperties().frameRate()).isEqualTo("30");
        long millis = 1000L * Long.parseLong(System.getProperty("et.clipSeconds", "1"));
        assertThat(done.input().detectedProperties().durationMillis()).isBetween(millis - 100, millis + 100);
        assertThat(done.input().detectedProperties().fileSize()).isPositive();
        assertThat(done.timing().submitTimeMillis()).isPositive();
        assertThat(done.timing().startTimeMillis()).isGreaterThanOrEqualTo(done.timing().submitTimeMillis());
        assertThat(done.timing().finishTimeMillis()).isGreaterThanOrEqualTo(done.timing().startTimeMillis());
        assertThat(done.outputKeyPrefix()).isNull();
        assertThat(done.outputs()).extracting(JobOutput::id).containsExactly("1", "2", "3");
        assertThat(done.outputs()).extracting(JobOutput::presetId)
                .containsExactly("1351620000001-000001", "1351620000001-000010", "1351620000001-100070");
        assertThat(done.outputs()).extracting(JobOutput::key).containsExactly(
                "uploads/a b/비디오 clip/비디오 clip-1080p.mp4", "uploads/a b/비디오 clip/비디오 clip-720p.mp4",
                "uploads/a b/비디오 clip/비디오 clip-web-720p.mp4");
        assertThat(done.outputs()).extracting(JobOutput::status).containsOnly("Complete");
        assertThat(done.outputs()).extracting(o -> o.width() + "x" + o.height())
                .containsExactly("1920x1080", "1280x720", "1280x720");
        assertThat(done.outputs()).extracting(JobOutput::frameRate).containsExactly("29.97", "29.97", "30");
        assertThat(done.output().key()).isEqualTo(done.outputs().get(0).key());
        assertThat(done.userMetadata()).containsEntry("source-bucket", UPLOADS).containsEntry("source-etag", etag)
                .containsEntry("source-key", "uploads/a%20b/%EB%B9%84%EB%94%94%EC%98%A4%20clip.mov");

        // the renditions themselves, measured with ffprobe
        List<String> sizes = new ArrayList<>();
        for (JobOutput o : done.outputs()) {
            Path file = tmp.resolve(o.id() + ".mp4");
            s3.getObject(b -> b.bucket(TRANSCODED).key(o.key()), ResponseTransformer.toFile(file));
            assertThat(Files.size(file)).isEqualTo(o.fileSize());
            JsonNode video = probe(file).path("streams").get(0);
            sizes.add(video.path("width").asInt() + "x" + video.path("height").asInt());
            keep(file, o.presetId());
        }
        assertThat(sizes).containsExactly("1920x1080", "1280x720", "1280x720");
        Map<String, String> meta = s3.headObject(b -> b.bucket(TRANSCODED).key(done.outputs().get(1).key()))
                .metadata();
        assertThat(meta).containsEntry("source-etag", etag).containsEntry("preset", "720p");
        assertThat(URLDecoder.decode(meta.get("source-key"), StandardCharsets.UTF_8)).isEqualTo(key);

        List<Note> notes = notesFor(result.jobId());
        assertThat(notes).extracting(n -> n.message().path("state").asText()).containsExactly("PROGRESSING",
                "COMPLETED");
        JsonNode completed = notes.get(1).message();
        assertThat(notes.get(1).topic()).isEqualTo(TOPIC);
        assertThat(notes.get(1).subject()).isEqualTo("Amazon Elastic Transcoder has finished transcoding job "
                + result.jobId() + ".");
        assertThat(completed.path("version").asText()).isEqualTo("2012-09-25");
        assertThat(completed.path("pipelineId").asText()).isEqualTo(pipelineId);
        assertThat(completed.path("input").path("key").asText()).isEqualTo(key);
        assertThat(completed.path("outputs")).hasSize(3);
        assertThat(completed.path("outputs").get(0).path("status").asText()).isEqualTo("Complete");
        assertThat(completed.path("outputs").get(0).path("width").asInt()).isEqualTo(1920);
        assertThat(completed.path("outputs").get(0).path("height").asInt()).isEqualTo(1080);
        assertThat(completed.path("outputs").get(0).path("duration").asLong()).isEqualTo(millis / 1000);
        assertThat(completed.path("userMetadata").path("source-etag").asText()).isEqualTo(etag);

        // a repeated event for the same upload: the outputs are there with this ETag, nothing is submitted
        int jobsBefore = et.listJobsByPipeline(r -> r.pipelineId(pipelineId)).jobs().size();
        TranscodeResult again = backend.submit(job);
        assertThat(again.skipped()).isTrue();
        assertThat(et.listJobsByPipeline(r -> r.pipelineId(pipelineId)).jobs()).hasSize(jobsBefore);

        // the same outputs from a different upload (other ETag): ET refuses, permanently
        TranscodeJob other = new OutputKeys().jobFor(UPLOADS, key, null, "0123456789abcdef", TRANSCODED, presets);
        assertThatThrownBy(() -> backend.submit(other))
                .isInstanceOfSatisfying(ElasticTranscoderJobException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.errorCode()).isEqualTo("ValidationException");
                    assertThat(e.getMessage()).contains("already exists");
                });
    }

    @Test
    void corruptInputEndsInErrorWithAnErrorNotification() throws Exception {
        String pipelineId = pipeline("corrupt");
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        s3.putObject(b -> b.bucket(UPLOADS).key("broken.mov"), RequestBody.fromBytes(garbage));

        String jobId = et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("broken.mov"))
                .outputs(o -> o.key("broken/broken-720p.mp4").presetId("1351620000001-000010"))).job().id();

        Job failed = awaitFinished(jobId);
        assertThat(failed.status()).isEqualTo("Error");
        assertThat(failed.outputs().get(0).status()).isEqualTo("Error");
        assertThat(failed.outputs().get(0).statusDetail()).startsWith("4000 " + jobId + ": Bad Input File");
        assertThat(failed.timing().finishTimeMillis()).isNotNull();
        assertThat(s3.listObjectsV2(b -> b.bucket(TRANSCODED).prefix("broken/")).contents()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> notesFor(jobId).size() == 2);
        JsonNode error = notesFor(jobId).get(1).message();
        assertThat(error.path("state").asText()).isEqualTo("ERROR");
        assertThat(error.path("errorCode").asInt()).isEqualTo(4000);
        assertThat(error.path("messageDetails").asText()).isEqualTo("Bad Input File");
        assertThat(error.path("outputs").get(0).path("status").asText()).isEqualTo("Error");
    }

    @Test
    void missingInputEndsInError3001() {
        String pipelineId = pipeline("missing");
        String jobId = et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("nowhere.mov"))
                .outputs(o -> o.key("nowhere/nowhere-720p.mp4").presetId("1351620000001-000010"))).job().id();
        Job failed = awaitFinished(jobId);
        assertThat(failed.status()).isEqualTo("Error");
        assertThat(failed.outputs().get(0).statusDetail()).startsWith("3001 " + jobId + ": Input Does Not Exist");
    }

    @Test
    void submittedJobCanBeCanceledButNotTwice() {
        String pipelineId = pipeline("paused");
        et.updatePipelineStatus(r -> r.id(pipelineId).status("Paused"));
        String jobId = et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("whatever.mov"))
                .outputs(o -> o.key("whatever/whatever-720p.mp4").presetId("1351620000001-000010"))).job().id();
        assertThat(et.readJob(r -> r.id(jobId)).job().status()).isEqualTo("Submitted");

        et.cancelJob(r -> r.id(jobId));

        Job canceled = et.readJob(r -> r.id(jobId)).job();
        assertThat(canceled.status()).isEqualTo("Canceled");
        assertThat(canceled.outputs().get(0).status()).isEqualTo("Canceled");
        assertThatThrownBy(() -> et.cancelJob(r -> r.id(jobId))).isInstanceOf(ResourceInUseException.class)
                .hasMessageContaining("only Submitted jobs can be canceled");
        et.updatePipelineStatus(r -> r.id(pipelineId).status("Active"));
        assertThat(et.listJobsByStatus(r -> r.status("Canceled")).jobs()).extracting(Job::id).contains(jobId);
        assertThat(notesFor(jobId)).isEmpty();
    }

    @Test
    void errorsArriveAsTheSdksExceptionClasses() {
        assertThatThrownBy(() -> et.readJob(r -> r.id("1111111111111-abcdef")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("jobId=1111111111111-abcdef");
                });
        assertThatThrownBy(() -> et.createJob(r -> r.pipelineId("1111111111111-abcdef").input(i -> i.key("a.mov"))
                .outputs(o -> o.key("a.mp4").presetId("1351620000001-000010"))))
                .isInstanceOf(ResourceNotFoundException.class);
        String pipelineId = pipeline("validation");
        assertThatThrownBy(() -> et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("a.mov"))
                .outputs(o -> o.key("a.mp4").presetId("1351620000001-999999"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("presetId=1351620000001-999999");
        assertThatThrownBy(() -> et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("a.mov"))
                .outputs(o -> o.key("a.mp4").presetId("1351620000001-000010"))
                .userMetadata(Map.of("source-key", "a(1).mov"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("UserMetadata value of 'source-key'");
        assertThatThrownBy(() -> et.createPipeline(b -> b.name("x").inputBucket(UPLOADS).role(ROLE)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("OutputBucket");

        // a front end that forwards only the body: the SDK still finds the class from "__type"
        http.dropHeaders(true);
        try {
            assertThatThrownBy(() -> et.readPipeline(r -> r.id("1111111111111-abcdef")))
                    .isInstanceOf(ResourceNotFoundException.class);
        } finally {
            http.dropHeaders(false);
        }
    }

    @Test
    void backendMapsServiceErrorsToPermanentOrTransient() {
        TranscodeJob job = new OutputKeys().jobFor(UPLOADS, "clip.mov", null, "abc", TRANSCODED,
                catalog.presets());
        ElasticTranscoderTranscoder unknownPipeline = new ElasticTranscoderTranscoder(et, s3,
                new ElasticTranscoderSettings("1111111111111-abcdef", TRANSCODED));
        assertThatThrownBy(() -> unknownPipeline.submit(job))
                .isInstanceOfSatisfying(ElasticTranscoderJobException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(FailureClassifier.isTransient(e)).isFalse();
                    assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.getMessage()).contains("pipeline 1111111111111-abcdef")
                            .contains("The specified pipeline was not found");
                    assertThat(e.getCause()).isInstanceOf(ResourceNotFoundException.class);
                });

        String pipelineId = pipeline("throttled");
        ElasticTranscoderTranscoder backend = new ElasticTranscoderTranscoder(et, s3,
                new ElasticTranscoderSettings(pipelineId, TRANSCODED));
        try {
            http.override((method, path) -> path.endsWith("/jobs")
                    ? new AwsResponse(429, EtApiService.JSON_TYPE, "{\"message\":\"Rate exceeded\"}",
                    Map.of("x-amzn-ErrorType", "LimitExceededException"))
                    : null);
            assertThatThrownBy(() -> backend.submit(job))
                    .isInstanceOfSatisfying(ElasticTranscoderJobException.class, e -> {
                        assertThat(e.isTransient()).isTrue();
                        assertThat(FailureClassifier.isTransient(e)).isTrue();
                        assertThat(e.errorCode()).isEqualTo("LimitExceededException");
                    });
            http.override((method, path) -> path.endsWith("/jobs")
                    ? new AwsResponse(503, EtApiService.JSON_TYPE, "{\"message\":\"busy\"}",
                    Map.of("x-amzn-ErrorType", "ServiceUnavailableException"))
                    : null);
            assertThatThrownBy(() -> backend.submit(job))
                    .isInstanceOfSatisfying(ElasticTranscoderJobException.class,
                            e -> assertThat(e.isTransient()).isTrue());
        } finally {
            http.override(null);
        }
    }

    @Test
    void systemPresetsReadLikeEts() {
        Preset p1080 = et.readPreset(r -> r.id("1351620000001-000001")).preset();
        assertThat(p1080.name()).isEqualTo("System preset: Generic 1080p");
        assertThat(p1080.type()).isEqualTo("System");
        assertThat(p1080.container()).isEqualTo("mp4");
        assertThat(p1080.video().codec()).isEqualTo("H.264");
        assertThat(p1080.video().codecOptions()).containsEntry("Profile", "baseline").containsEntry("Level", "4")
                .containsEntry("MaxReferenceFrames", "3");
        assertThat(p1080.video().bitRate()).isEqualTo("5400");
        assertThat(p1080.video().frameRate()).isEqualTo("29.97");
        assertThat(p1080.video().keyframesMaxDist()).isEqualTo("90");
        assertThat(p1080.video().maxWidth()).isEqualTo("1920");
        assertThat(p1080.video().maxHeight()).isEqualTo("1080");
        assertThat(p1080.video().sizingPolicy()).isEqualTo("ShrinkToFit");
        assertThat(p1080.audio().codec()).isEqualTo("AAC");
        assertThat(p1080.audio().sampleRate()).isEqualTo("44100");
        assertThat(p1080.audio().bitRate()).isEqualTo("160");
        assertThat(p1080.audio().channels()).isEqualTo("2");
        assertThat(et.listPresets().presets()).extracting(Preset::id)
                .containsExactly("1351620000001-000001", "1351620000001-000010", "1351620000001-100070",
                        "1351620000001-200010", "1351620000001-200020", "1351620000001-200030",
                        "1351620000001-200040", "1351620000001-200050");
        assertThat(et.readPreset(r -> r.id("1351620000001-100070")).preset().video().codecOptions())
                .containsEntry("Profile", "main").containsEntry("Level", "3.1");
        assertThatThrownBy(() -> et.readPreset(r -> r.id("1351620000001-999999")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void pipelinesAndJobsSurviveARestartWithADataDir(@TempDir Path data, @TempDir Path work) {
        String pipelineId;
        String jobId;
        try (EtApiService first = new EtApiService(s3, catalog, ffmpeg(work), EtNotifier.NONE,
                EtSettings.defaults().withDataDir(data));
             EtHttpServer front = new EtHttpServer(first);
             ElasticTranscoderClient client = client(front.endpoint())) {
            pipelineId = client.createPipeline(b -> b.name("kept").inputBucket(UPLOADS).outputBucket(TRANSCODED)
                    .role(ROLE)).pipeline().id();
            client.updatePipelineStatus(r -> r.id(pipelineId).status("Paused"));
            jobId = client.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("later.mov"))
                    .outputs(o -> o.key("later/later-720p.mp4").presetId("1351620000001-000010"))).job().id();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(data.resolve("pipelines.json")).exists();
        assertThat(data.resolve("jobs.json")).exists();
        try (EtApiService second = new EtApiService(s3, catalog, ffmpeg(work), EtNotifier.NONE,
                EtSettings.defaults().withDataDir(data));
             EtHttpServer front = new EtHttpServer(second);
             ElasticTranscoderClient client = client(front.endpoint())) {
            assertThat(client.readPipeline(r -> r.id(pipelineId)).pipeline().status()).isEqualTo("Paused");
            assertThat(client.listPipelines().pipelines()).extracting(p -> p.id()).contains(pipelineId);
            assertThat(client.readJob(r -> r.id(jobId)).job().status()).isEqualTo("Submitted");
            assertThat(client.listJobsByPipeline(r -> r.pipelineId(pipelineId)).jobs()).hasSize(1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client we did not write: the AWS SDK for JavaScript v2 (the AWS CLI no longer has the elastictranscoder
     * commands), through a CLI-like script; installed by scripts/setup.sh, required under CI=true.
     */
    @Test
    void aClientWeDidNotWriteCreatesAndReadsAJob(@TempDir Path tmp) throws Exception {
        List<String> client = ForeignClients.elasticTranscoderClient();
        String pipelineId = cliJson(client, tmp, "createPipeline", Map.of("Name", "cli", "InputBucket", UPLOADS,
                "OutputBucket", TRANSCODED, "Role", ROLE)).path("Pipeline").path("Id").asText();
        assertThat(pipelineId).matches("\\d{13}-[0-9a-z]{6}");
        upload("cli/small.mov", clip("small.mov", 320, 240, true));

        JsonNode created = cliJson(client, tmp, "createJob", Map.of("PipelineId", pipelineId,
                "Input", Map.of("Key", "cli/small.mov"),
                "Outputs", List.of(Map.of("Key", "cli/small/small-720p.mp4", "PresetId", "1351620000001-000010")),
                "UserMetadata", Map.of("source-bucket", UPLOADS)));
        String jobId = created.path("Job").path("Id").asText();
        assertThat(created.path("Job").path("Status").asText()).isEqualTo("Submitted");

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> !List.of("Submitted", "Progressing").contains(
                        cliJson(client, tmp, "readJob", Map.of("Id", jobId)).path("Job").path("Status").asText()));
        JsonNode job = cliJson(client, tmp, "readJob", Map.of("Id", jobId)).path("Job");
        assertThat(job.path("Status").asText()).isEqualTo("Complete");
        assertThat(job.path("Outputs").get(0).path("Width").asInt()).isEqualTo(320);
        assertThat(job.path("Outputs").get(0).path("Height").asInt()).isEqualTo(240);
        assertThat(job.path("Timing").path("FinishTimeMillis").asLong()).isPositive();
        assertThat(cliJson(client, tmp, "readPreset", Map.of("Id", "1351620000001-000001")).path("Preset").path("Video")
                .path("CodecOptions").path("Level").asText()).isEqualTo("4");

        Cli missing = cli(client, tmp, "readJob", Map.of("Id", "1111111111111-abcdef"));
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.stderr()).startsWith("ResourceNotFoundException");
    }

    record Cli(int exit, String stdout, String stderr) {
    }

    private static JsonNode cliJson(List<String> client, Path tmp, String operation, Map<String, ?> params) throws Exception {
        Cli result = cli(client, tmp, operation, params);
        assertThat(result.exit()).as("%s %s: %s", operation, params, result.stderr()).isZero();
        return JSON.readTree(result.stdout());
    }

    private static Cli cli(List<String> client, Path tmp, String operation, Map<String, ?> params) throws Exception {
        List<String> cmd = new ArrayList<>(client);
        cmd.addAll(List.of("--endpoint-url", http.endpoint().toString(), operation, JSON.writeValueAsString(params)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", tmp.resolve("no-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials").toString());
        env.remove("AWS_PROFILE");
        env.remove("AWS_SESSION_TOKEN");
        Path out = Files.createTempFile(tmp, "cli", ".out");
        Path err = Files.createTempFile(tmp, "cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(operation + " did not finish in 60 s");
        }
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static JsonNode probe(Path file) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams",
                "-print_format", "json", file.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return JSON.readTree(out);
    }

    /** With -Det.keep=DIR the renditions are copied there (for measuring them; not used by the build). */
    private static void keep(Path file, String presetId) throws IOException {
        String dir = System.getProperty("et.keep");
        if (dir != null && !dir.isBlank()) {
            Files.createDirectories(Path.of(dir));
            Files.copy(file, Path.of(dir, presetId + ".mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path clip(String name, int width, int height, boolean audio) throws Exception {
        Path file = clips.resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        String seconds = System.getProperty("et.clipSeconds", "1");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=30:duration=" + seconds));
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p"));
        if (audio) {
            cmd.addAll(List.of("-c:a", "aac", "-shortest"));
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return file;
    }

    private static String upload(String key, Path file) {
        return s3.putObject(b -> b.bucket(UPLOADS).key(key), RequestBody.fromFile(file)).eTag().replace("\"", "");
    }
}
