package io.videopipeline.transcode.cloud;

import io.videopipeline.media.RenditionMetadata;

import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.failure.ClassifiedFailure;
import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.localcloud.LocalCloudExtension;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.mediaconvert.model.StatusUpdateInterval;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.SourceMetadata;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeResult;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.mediaconvert.MediaConvertClient;
import software.amazon.awssdk.services.mediaconvert.model.BadRequestException;
import software.amazon.awssdk.services.mediaconvert.model.TooManyRequestsException;

/**
 * The MediaConvert backend against a capturing stand-in endpoint (what the SDK puts on the wire) and an in-test S3
 * (idempotency and source checks). Expected values come from {@code config/presets.yaml}, not from constants here.
 */
class MediaConvertTranscoderTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();
    /** Job records need S3's conditional writes: the local cloud's. */
    @RegisterExtension
    static final LocalCloudExtension RECORDS = new LocalCloudExtension();

    static final String IN = "video-upload";
    static final String OUT = "video-transcoded";
    static final String ROLE = "arn:aws:iam::000000000000:role/MediaConvert_Default_Role";
    static final String QUEUE = "arn:aws:mediaconvert:us-east-1:000000000000:queues/Default";
    static final String JOB_ID = "1700000000000-abc123";
    static final ObjectMapper JSON = new ObjectMapper();

    static PresetCatalog catalog;

    CapturingHttpServer endpoint;
    MediaConvertClient client;

    @BeforeAll
    static void buckets() {
        catalog = PresetCatalog.load(Path.of("config/presets.yaml"));
        S3.createBucket(IN);
        S3.createBucket(OUT);
    }

    @BeforeEach
    void startEndpoint() throws Exception {
        endpoint = new CapturingHttpServer();
        endpoint.respond(r -> CapturingHttpServer.Response.json(201,
                "{\"job\":{\"id\":\"" + JOB_ID + "\",\"status\":\"SUBMITTED\",\"role\":\"" + ROLE + "\"}}"));
        client = endpoint.configure(MediaConvertClient.builder()).httpClientBuilder(CapturingHttpServer.http()).build();
    }

    @AfterEach
    void stopEndpoint() {
        client.close();
        endpoint.close();
    }

    @Test
    void createJobCarriesEveryPresetSettingToTheConfiguredEndpoint() throws Exception {
        TranscodeJob job = job("uploads/a/clip.mov", "etag-1");
        upload(job.inputKey());

        TranscodeResult result = transcoder(new MediaConvertSettings(ROLE, QUEUE, null)).submit(job);

        assertThat(result).isEqualTo(new TranscodeResult("mediaconvert", JOB_ID,
                List.of("uploads/a/clip/clip-1080p.mp4", "uploads/a/clip/clip-720p.mp4",
                        "uploads/a/clip/clip-web-720p.mp4"), false));
        assertThat(endpoint.requests()).hasSize(1);
        CapturingHttpServer.Request request = endpoint.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2017-08-29/jobs");
        assertThat(request.header("Authorization")).contains("/us-east-1/mediaconvert/aws4_request");

        JsonNode body = JSON.readTree(request.body());
        assertThat(body.path("role").asText()).isEqualTo(ROLE);
        assertThat(body.path("queue").asText()).isEqualTo(QUEUE);
        assertThat(body.has("jobTemplate")).isFalse();
        assertThat(body.path("clientRequestToken").asText()).matches("vp-[0-9a-f]{40}");
        assertThat(body.path("userMetadata").properties()).extracting(Map.Entry::getKey)
                .containsExactly("source-bucket", "source-key", "source-etag");
        assertThat(body.path("userMetadata").path("source-bucket").asText()).isEqualTo(IN);
        assertThat(body.path("userMetadata").path("source-key").asText()).isEqualTo("uploads/a/clip.mov");
        assertThat(body.path("userMetadata").path("source-etag").asText()).isEqualTo("etag-1");

        JsonNode settings = body.path("settings");
        assertThat(settings.path("inputs")).hasSize(1);
        JsonNode input = settings.path("inputs").get(0);
        assertThat(input.path("fileInput").asText()).isEqualTo("s3://video-upload/uploads/a/clip.mov");
        assertThat(input.path("audioSelectors").path("Audio Selector 1").path("defaultSelection").asText())
                .isEqualTo("DEFAULT");

        assertThat(settings.path("outputGroups")).hasSize(1);
        JsonNode group = settings.path("outputGroups").get(0);
        assertThat(group.path("outputGroupSettings").path("type").asText()).isEqualTo("FILE_GROUP_SETTINGS");
        assertThat(group.path("outputGroupSettings").path("fileGroupSettings").path("destination").asText())
                .isEqualTo("s3://video-transcoded/uploads/a/clip/clip");
        List<Preset> presets = catalog.presets();
        assertThat(group.path("outputs")).hasSize(presets.size());
        for (int i = 0; i < presets.size(); i++) {
            assertOutput(group.path("outputs").get(i), presets.get(i));
        }
    }

    /** One output against its preset row, field by field. */
    private static void assertOutput(JsonNode output, Preset preset) {
        String at = "output for preset " + preset.name();
        assertThat(output.path("nameModifier").asText()).as(at).isEqualTo("-" + preset.name());
        assertThat(output.path("extension").asText()).as(at).isEqualTo("mp4");
        JsonNode container = output.path("containerSettings");
        assertThat(container.path("container").asText()).as(at).isEqualTo("MP4");
        assertThat(container.path("mp4Settings").path("moovPlacement").asText()).as(at)
                .isEqualTo("PROGRESSIVE_DOWNLOAD");

        JsonNode video = output.path("videoDescription");
        assertThat(video.path("width").asInt()).as(at).isEqualTo(preset.maxWidth());
        assertThat(video.path("height").asInt()).as(at).isEqualTo(preset.maxHeight());
        assertThat(video.path("scalingBehavior").asText()).as(at).isEqualTo("FIT_NO_UPSCALE");
        assertThat(video.path("codecSettings").path("codec").asText()).as(at).isEqualTo("H_264");
        JsonNode h264 = video.path("codecSettings").path("h264Settings");
        assertThat(h264.path("rateControlMode").asText()).as(at).isEqualTo("CBR");
        assertThat(h264.path("bitrate").asInt()).as(at).isEqualTo(preset.videoBitrateKbps() * 1000);
        assertThat(h264.path("codecProfile").asText()).as(at).isEqualTo(preset.profile().toUpperCase());
        String level = switch (preset.level()) {
            case "4.0" -> "LEVEL_4";
            case "3.1" -> "LEVEL_3_1";
            default -> throw new AssertionError("test knows no level " + preset.level());
        };
        assertThat(h264.path("codecLevel").asText()).as(at).isEqualTo(level);
        assertThat(h264.path("framerateControl").asText()).as(at).isEqualTo("SPECIFIED");
        int[] rate = switch (preset.fps()) {
            case "29.97" -> new int[] {30000, 1001};
            case "30" -> new int[] {30, 1};
            default -> throw new AssertionError("test knows no frame rate " + preset.fps());
        };
        assertThat(h264.path("framerateNumerator").asInt()).as(at).isEqualTo(rate[0]);
        assertThat(h264.path("framerateDenominator").asInt()).as(at).isEqualTo(rate[1]);
        assertThat(h264.path("gopSize").asDouble()).as(at).isEqualTo(preset.gop());
        assertThat(h264.path("gopSizeUnits").asText()).as(at).isEqualTo("FRAMES");
        if (preset.refs() == null) {
            assertThat(h264.has("numberReferenceFrames")).as(at).isFalse();
        } else {
            assertThat(h264.path("numberReferenceFrames").asInt()).as(at).isEqualTo(preset.refs());
        }

        assertThat(output.path("audioDescriptions")).as(at).hasSize(1);
        JsonNode audio = output.path("audioDescriptions").get(0);
        assertThat(audio.path("audioSourceName").asText()).as(at).isEqualTo("Audio Selector 1");
        assertThat(audio.path("codecSettings").path("codec").asText()).as(at).isEqualTo("AAC");
        JsonNode aac = audio.path("codecSettings").path("aacSettings");
        assertThat(aac.path("codecProfile").asText()).as(at).isEqualTo("LC");
        assertThat(aac.path("codingMode").asText()).as(at).isEqualTo(preset.channels() == 2 ? "CODING_MODE_2_0" : "?");
        assertThat(aac.path("bitrate").asInt()).as(at).isEqualTo(preset.audioBitrateKbps() * 1000);
        assertThat(aac.path("sampleRate").asInt()).as(at).isEqualTo(preset.sampleRate());
    }

    @Test
    void presetTableIsTheOneTheDesignNames() {
        // Guards the field-by-field test above against a presets.yaml that silently lost a row.
        assertThat(catalog.presets()).extracting(Preset::name, Preset::profile, Preset::level,
                        Preset::videoBitrateKbps, Preset::maxWidth, Preset::maxHeight, Preset::fps, Preset::gop,
                        Preset::refs, Preset::audioBitrateKbps, Preset::sampleRate, Preset::channels)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("1080p", "baseline", "4.0", 5400, 1920, 1080, "29.97", 90,
                                3, 160, 44100, 2),
                        org.assertj.core.groups.Tuple.tuple("720p", "baseline", "3.1", 2400, 1280, 720, "29.97", 90,
                                null, 160, 44100, 2),
                        org.assertj.core.groups.Tuple.tuple("web-720p", "main", "3.1", 2200, 1280, 720, "30", 90,
                                null, 160, 44100, 2));
    }

    @Test
    void keyWithSpacesAndUnicodeGoesRawToS3UrisAndEncodedToMetadata() throws Exception {
        String key = "uploads/my holiday+ünï 🎥.v2.mov";
        TranscodeJob job = job(key, "etag-u");
        upload(key);

        TranscodeResult result = transcoder(MediaConvertSettings.of(ROLE)).submit(job);

        assertThat(result.outputsWritten()).containsExactly(
                "uploads/my holiday+ünï 🎥.v2/my holiday+ünï 🎥.v2-1080p.mp4",
                "uploads/my holiday+ünï 🎥.v2/my holiday+ünï 🎥.v2-720p.mp4",
                "uploads/my holiday+ünï 🎥.v2/my holiday+ünï 🎥.v2-web-720p.mp4");
        JsonNode body = JSON.readTree(endpoint.requests().get(0).body());
        assertThat(body.has("queue")).isFalse();
        assertThat(body.path("settings").path("inputs").get(0).path("fileInput").asText())
                .isEqualTo("s3://video-upload/" + key);
        assertThat(body.path("settings").path("outputGroups").get(0).path("outputGroupSettings")
                .path("fileGroupSettings").path("destination").asText())
                .isEqualTo("s3://video-transcoded/uploads/my holiday+ünï 🎥.v2/my holiday+ünï 🎥.v2");
        String encoded = body.path("userMetadata").path("source-key").asText();
        assertThat(encoded).matches("[\\x21-\\x7e]+");
        Map<String, String> decoded = SourceMetadata.decode(Map.of(RenditionMetadata.SOURCE_KEY, encoded));
        assertThat(decoded.get(RenditionMetadata.SOURCE_KEY)).isEqualTo(key);
    }

    @Test
    void jobTemplateSendsOnlyTheInput() throws Exception {
        TranscodeJob job = job("t/clip.mp4", "etag-t");
        upload(job.inputKey());

        transcoder(new MediaConvertSettings(ROLE, null, "video-pipeline-3-renditions")).submit(job);

        JsonNode body = JSON.readTree(endpoint.requests().get(0).body());
        assertThat(body.path("jobTemplate").asText()).isEqualTo("video-pipeline-3-renditions");
        assertThat(body.path("settings").has("outputGroups")).isFalse();
        assertThat(body.path("settings").path("inputs").get(0).path("fileInput").asText())
                .isEqualTo("s3://video-upload/t/clip.mp4");
    }

    @Test
    void skipsWhenEveryOutputExistsForThisETag() {
        TranscodeJob job = job("done/clip.mov", "etag-done");
        upload(job.inputKey());
        job.outputs().forEach(o -> S3.client().putObject(p -> p.bucket(OUT).key(o.key())
                .metadata(Map.of("source-etag", "etag-done")), RequestBody.fromString("mp4")));

        TranscodeResult result = transcoder(MediaConvertSettings.of(ROLE)).submit(job);

        assertThat(result.skipped()).isTrue();
        assertThat(result.outputsWritten()).isEmpty();
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void submitsWhenAnOutputIsFromAnotherUpload() {
        TranscodeJob job = job("stale/clip.mov", "etag-new");
        upload(job.inputKey());
        job.outputs().forEach(o -> S3.client().putObject(p -> p.bucket(OUT).key(o.key())
                .metadata(Map.of("source-etag", o.preset().name().equals("720p") ? "etag-old" : "etag-new")),
                RequestBody.fromString("mp4")));

        TranscodeResult result = transcoder(MediaConvertSettings.of(ROLE)).submit(job);

        assertThat(result.skipped()).isFalse();
        assertThat(endpoint.requests()).hasSize(1);
    }

    @Test
    void missingSourceFailsBeforeAnyJobIsCreated() {
        TranscodeJob job = job("gone/clip.mov", "etag-gone");

        assertThatThrownBy(() -> transcoder(MediaConvertSettings.of(ROLE)).submit(job))
                .isInstanceOf(SourceMissingException.class)
                .hasMessageContaining("s3://video-upload/gone/clip.mov");
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void badRequestIsPermanentAndNotRetried() {
        TranscodeJob job = job("bad/clip.mov", "etag-b");
        upload(job.inputKey());
        endpoint.respond(r -> CapturingHttpServer.Response.json(400,
                        "{\"message\":\"/outputGroups/0/outputs/0/videoDescription/codecSettings/h264Settings: "
                                + "bitrate is out of range\"}")
                .withHeader("x-amzn-ErrorType", "BadRequestException")
                .withHeader("x-amzn-RequestId", "req-400"));

        assertThatThrownBy(() -> transcoder(MediaConvertSettings.of(ROLE)).submit(job))
                .isInstanceOf(CloudSubmitException.class)
                .hasMessageContaining("bitrate is out of range")
                .hasCauseInstanceOf(BadRequestException.class)
                .satisfies(e -> {
                    assertThat(((ClassifiedFailure) e).isTransient()).isFalse();
                    assertThat(FailureClassifier.isPermanent(e)).isTrue();
                });
        assertThat(endpoint.requests()).hasSize(1);
    }

    @Test
    void throttlingIsTransientAfterTheSdkRetries() {
        TranscodeJob job = job("busy/clip.mov", "etag-busy");
        upload(job.inputKey());
        endpoint.respond(r -> CapturingHttpServer.Response.json(429, "{\"message\":\"Too Many Requests\"}")
                .withHeader("x-amzn-ErrorType", "TooManyRequestsException"));

        assertThatThrownBy(() -> transcoder(MediaConvertSettings.of(ROLE)).submit(job))
                .isInstanceOf(CloudSubmitException.class)
                .hasCauseInstanceOf(TooManyRequestsException.class)
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isTrue());
        assertThat(endpoint.requests()).hasSize(3); // the client's retry strategy: 3 attempts
        // Retries carry the same idempotency token, so a CreateJob that did land is not duplicated.
        assertThat(endpoint.requests()).extracting(r -> clientToken(r.body())).containsOnly(
                clientToken(endpoint.requests().get(0).body()));
    }

    @Test
    void errorCodesMapToRetryDecisions() {
        Map<String, Boolean> expected = Map.of(
                "ForbiddenException", false, "NotFoundException", false,
                "ConflictException", true, "InternalServerErrorException", true);
        Map<String, Integer> status = Map.of("ForbiddenException", 403, "NotFoundException", 404,
                "ConflictException", 409, "InternalServerErrorException", 500);
        Map<String, Boolean> actual = new HashMap<>();
        TranscodeJob job = job("codes/clip.mov", "etag-c");
        upload(job.inputKey());
        for (String code : expected.keySet()) {
            endpoint.respond(r -> CapturingHttpServer.Response.json(status.get(code), "{\"message\":\"" + code + "\"}")
                    .withHeader("x-amzn-ErrorType", code));
            try {
                transcoder(MediaConvertSettings.of(ROLE)).submit(job);
            } catch (CloudSubmitException e) {
                assertThat(e.getCause().getClass().getSimpleName()).isEqualTo(code);
                actual.put(code, e.isTransient());
            }
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void outputKeysOutsideTheNamingRuleArePermanentErrors() {
        TranscodeJob job = new OutputKeys("{dir}renditions/{preset}/{name}.mp4").jobFor(IN, "x/clip.mov", 10L, "e",
                OUT, catalog.presets());

        assertThatThrownBy(() -> transcoder(MediaConvertSettings.of(ROLE)).submit(job))
                .isInstanceOf(CloudSubmitException.class)
                .hasMessageContaining("x/renditions/1080p/clip.mp4")
                .hasMessageContaining("-{preset}.mp4")
                .satisfies(e -> assertThat(FailureClassifier.isPermanent(e)).isTrue());
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void anotherPatternEndingInPresetWorks() throws Exception {
        TranscodeJob job = new OutputKeys("transcoded/{dir}{name}-{preset}.mp4").jobFor(IN, "p/clip.mov", 10L, "e",
                OUT, catalog.presets());
        upload("p/clip.mov");

        transcoder(MediaConvertSettings.of(ROLE)).submit(job);

        JsonNode group = JSON.readTree(endpoint.requests().get(0).body()).path("settings").path("outputGroups").get(0);
        assertThat(group.path("outputGroupSettings").path("fileGroupSettings").path("destination").asText())
                .isEqualTo("s3://video-transcoded/transcoded/p/clip");
        assertThat(group.path("outputs")).extracting(o -> o.path("nameModifier").asText())
                .containsExactly("-1080p", "-720p", "-web-720p");
    }

    @Test
    void aJobAsksForStatusUpdatesAndStartsItsRecordAsSubmitted() throws Exception {
        TranscodeJob job = job("uploads/a/rec.mov", "etag-7");
        upload(job.inputKey());
        RECORDS.s3().createBucket(b -> b.bucket(OUT));
        JobTracker tracker = new JobTracker(new JobRecordStore(RECORDS.s3(), OUT,
                new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN)), null, Duration.ZERO, Clock.systemUTC());

        new MediaConvertTranscoder(client, S3.client(), new MediaConvertSettings(ROLE, QUEUE, null, null,
                StatusUpdateInterval.SECONDS_60), tracker).submit(job);
        upload("uploads/a/b.mov");
        new MediaConvertTranscoder(client, S3.client(), MediaConvertSettings.of(ROLE)).submit(job("uploads/a/b.mov",
                "etag-8"));

        // STATUS_UPDATE events (percent done) come this often; by default every 15 s, not MediaConvert's minute
        assertThat(endpoint.requests()).extracting(r -> JSON.readTree(r.body()).path("statusUpdateInterval").asText())
                .containsExactly("SECONDS_60", "SECONDS_15");
        JobRecord record = tracker.store().read(job.inputKey()).orElseThrow();
        assertThat(record).extracting(JobRecord::state, JobRecord::backend, JobRecord::jobId, JobRecord::pipelineId,
                JobRecord::attempts).containsExactly(JobState.SUBMITTED, "mediaconvert", JOB_ID, QUEUE, 1);
        assertThat(record.source()).extracting(JobRecord.Source::bucket, JobRecord.Source::key,
                JobRecord.Source::eTag).containsExactly(IN, "uploads/a/rec.mov", "etag-7");
    }

    private MediaConvertTranscoder transcoder(MediaConvertSettings settings) {
        return new MediaConvertTranscoder(client, S3.client(), settings);
    }

    private static TranscodeJob job(String key, String eTag) {
        return new OutputKeys().jobFor(IN, key, 1234L, eTag, OUT, catalog.presets());
    }

    private static void upload(String key) {
        S3.client().putObject(p -> p.bucket(IN).key(key), RequestBody.fromString("not really a video"));
    }

    private static String clientToken(String body) {
        try {
            return JSON.readTree(body).path("clientRequestToken").asText();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
