package io.videopipeline.transcode.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.StreamingSettings;
import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.transcode.TranscodeJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.mediaconvert.MediaConvertClient;

/**
 * With streaming on, what the {@code elastictranscoder} and {@code mediaconvert} backends put on the wire besides
 * their MP4 outputs: ET's HLS outputs, playlist and thumbnail pattern; MediaConvert's CMAF group and frame captures,
 * checked against the ladder of {@code config/presets.yaml}. With streaming off, they send byte for byte the
 * CreateJob bodies they sent before HLS existed: the files under {@code src/test/resources/wire/} were captured from
 * the code before issue 16 (for {@link #OFF_KEY}) and are compared as text.
 */
class StreamingWireTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String IN = "video-upload";
    static final String OUT = "video-transcoded";
    static final String KEY = "uploads/my holiday/clip.mov";
    static final String OFF_KEY = "uploads/my holiday+(1)/clip.mov";
    static final Path WIRE = Path.of("pipeline/src/test/resources/wire");
    static final ObjectMapper JSON = new ObjectMapper();

    static PresetCatalog catalog;
    static StreamingSettings ladder;
    CapturingHttpServer endpoint;

    @BeforeAll
    static void buckets() {
        catalog = PresetCatalog.load(Path.of("config/presets.yaml"));
        ladder = PresetCatalog.loadStreaming(Path.of("config/presets.yaml"), true);
        S3.createBucket(IN);
        S3.createBucket(OUT);
        S3.client().putObject(p -> p.bucket(IN).key(KEY), RequestBody.fromString("not really a video"));
        S3.client().putObject(p -> p.bucket(IN).key(OFF_KEY), RequestBody.fromString("not really a video"));
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = new CapturingHttpServer();
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    @Test
    void theLadderSegmentIsSixSeconds() {
        assertThat(LadderTiming.segmentSeconds(ladder)).isEqualTo(6);
    }

    @Test
    void elasticTranscoderJobHasHlsOutputsOnePlaylistAndThumbnails() throws Exception {
        endpoint.respond(r -> CapturingHttpServer.Response.json(201, "{\"Job\":{\"Id\":\"1700000000000-abc123\"}}"));
        List<ElasticTranscoderStreaming.Output> hls = ElasticTranscoderStreaming.parse(
                "2m:1351620000001-200010, 400k:1351620000001-200050");
        try (ElasticTranscoderClient et = endpoint.configure(ElasticTranscoderClient.builder())
                .httpClientBuilder(CapturingHttpServer.http()).build()) {
            new ElasticTranscoderTranscoder(et, S3.client(), new ElasticTranscoderSettings("1615428529755-icp0bp", OUT,
                    new ElasticTranscoderStreaming(hls, 6))).submit(job());
        }
        JsonNode body = JSON.readTree(endpoint.requests().get(0).body());

        assertThat(body.has("OutputKeyPrefix")).isFalse();
        JsonNode outputs = body.path("Outputs");
        assertThat(texts(outputs, "Key")).containsExactly(
                "uploads/my holiday/clip/clip-1080p.mp4", "uploads/my holiday/clip/clip-720p.mp4",
                "uploads/my holiday/clip/clip-web-720p.mp4",
                "uploads/my holiday/clip/hls/2m", "uploads/my holiday/clip/hls/400k");
        assertThat(texts(outputs, "PresetId")).containsExactly("1351620000001-000001", "1351620000001-000010",
                "1351620000001-100070", "1351620000001-200010", "1351620000001-200050");
        assertThat(texts(outputs, "SegmentDuration")).containsExactly("", "", "", "6", "6");
        assertThat(texts(outputs, "ThumbnailPattern")).containsExactly(
                "uploads/my holiday/clip/pictures/clip-thumb-{count}", "", "", "", "");
        assertThat(body.path("Playlists")).hasSize(1);
        JsonNode playlist = body.path("Playlists").get(0);
        // ET appends .m3u8 to the name: the master is {dir}{name}/{name}.m3u8
        assertThat(playlist.path("Name").asText()).isEqualTo("uploads/my holiday/clip/clip");
        assertThat(playlist.path("Format").asText()).isEqualTo("HLSv3");
        assertThat(StreamSupport.stream(playlist.path("OutputKeys").spliterator(), false).map(JsonNode::asText))
                .containsExactly("uploads/my holiday/clip/hls/2m", "uploads/my holiday/clip/hls/400k");
    }

    @Test
    void mediaConvertJobHasACmafLadderAndFrameCaptures() throws Exception {
        endpoint.respond(r -> CapturingHttpServer.Response.json(201, "{\"job\":{\"id\":\"1700000000000-abc123\"}}"));
        try (MediaConvertClient mc = endpoint.configure(MediaConvertClient.builder())
                .httpClientBuilder(CapturingHttpServer.http()).build()) {
            new MediaConvertTranscoder(mc, S3.client(), new MediaConvertSettings(
                    "arn:aws:iam::000000000000:role/MediaConvert_Default_Role", null, null,
                    MediaConvertStreaming.of(ladder, 500))).submit(job());
        }
        JsonNode groups = JSON.readTree(endpoint.requests().get(0).body()).path("settings").path("outputGroups");
        assertThat(groups).hasSize(3);
        assertThat(groups.get(0).path("outputGroupSettings").path("type").asText()).isEqualTo("FILE_GROUP_SETTINGS");
        assertThat(groups.get(0).path("outputs")).hasSize(catalog.presets().size());

        JsonNode cmaf = groups.get(1);
        JsonNode settings = cmaf.path("outputGroupSettings");
        assertThat(settings.path("type").asText()).isEqualTo("CMAF_GROUP_SETTINGS");
        JsonNode group = settings.path("cmafGroupSettings");
        // MediaConvert names the HLS master {destination}.m3u8
        assertThat(group.path("destination").asText()).isEqualTo("s3://video-transcoded/uploads/my holiday/clip/clip");
        assertThat(group.path("writeHlsManifest").asText()).isEqualTo("ENABLED");
        assertThat(group.path("writeDashManifest").asText()).isEqualTo("DISABLED");
        assertThat(group.path("segmentControl").asText()).isEqualTo("SEGMENTED_FILES");
        assertThat(group.path("segmentLength").asInt()).isEqualTo(6);
        assertThat(group.path("segmentLengthControl").asText()).isEqualTo("GOP_MULTIPLE");
        assertThat(group.path("fragmentLength").asInt()).isEqualTo(6);

        List<Preset> rungs = ladder.rungs();
        JsonNode outputs = cmaf.path("outputs");
        assertThat(outputs).hasSize(rungs.size() + 1);
        for (int i = 0; i < rungs.size(); i++) {
            Preset rung = rungs.get(i);
            JsonNode output = outputs.get(i);
            String at = "rung " + rung.name();
            assertThat(output.path("nameModifier").asText()).as(at).isEqualTo("-hls-" + rung.name());
            assertThat(output.path("containerSettings").path("container").asText()).as(at).isEqualTo("CMFC");
            assertThat(output.has("audioDescriptions")).as(at).isFalse();
            JsonNode video = output.path("videoDescription");
            assertThat(video.path("width").asInt()).as(at).isEqualTo(rung.maxWidth());
            assertThat(video.path("height").asInt()).as(at).isEqualTo(rung.maxHeight());
            assertThat(video.path("scalingBehavior").asText()).as(at).isEqualTo("FIT_NO_UPSCALE");
            JsonNode h264 = video.path("codecSettings").path("h264Settings");
            assertThat(h264.path("bitrate").asInt()).as(at).isEqualTo(rung.videoBitrateKbps() * 1000);
            assertThat(h264.path("rateControlMode").asText()).as(at).isEqualTo("CBR");
            assertThat(h264.path("codecProfile").asText()).as(at).isEqualTo(rung.profile().toUpperCase());
            assertThat(h264.path("gopSize").asDouble()).as(at).isEqualTo(rung.gop());
            assertThat(h264.path("gopSizeUnits").asText()).as(at).isEqualTo("FRAMES");
            assertThat(h264.path("sceneChangeDetect").asText()).as(at).isEqualTo("DISABLED");
            assertThat(h264.path("framerateControl").asText()).as(at).isEqualTo("SPECIFIED");
            assertThat(h264.path("framerateNumerator").asInt()).as(at).isEqualTo(30000);
            assertThat(h264.path("framerateDenominator").asInt()).as(at).isEqualTo(1001);
        }
        JsonNode audio = outputs.get(rungs.size());
        assertThat(audio.path("nameModifier").asText()).isEqualTo("-hls-audio");
        assertThat(audio.path("containerSettings").path("container").asText()).isEqualTo("CMFC");
        assertThat(audio.has("videoDescription")).isFalse();
        JsonNode aac = audio.path("audioDescriptions").get(0).path("codecSettings").path("aacSettings");
        assertThat(aac.path("bitrate").asInt()).isEqualTo(rungs.get(0).audioBitrateKbps() * 1000);
        assertThat(aac.path("codecProfile").asText()).isEqualTo("LC");

        JsonNode thumbs = groups.get(2);
        assertThat(thumbs.path("outputGroupSettings").path("type").asText()).isEqualTo("FILE_GROUP_SETTINGS");
        assertThat(thumbs.path("outputGroupSettings").path("fileGroupSettings").path("destination").asText())
                .isEqualTo("s3://video-transcoded/uploads/my holiday/clip/pictures/clip-thumb");
        assertThat(thumbs.path("outputs")).hasSize(1);
        JsonNode capture = thumbs.path("outputs").get(0);
        assertThat(capture.path("containerSettings").path("container").asText()).isEqualTo("RAW");
        assertThat(capture.path("extension").asText()).isEqualTo("jpg");
        assertThat(capture.path("videoDescription").path("width").asInt()).isEqualTo(ladder.thumbnailWidth());
        JsonNode codec = capture.path("videoDescription").path("codecSettings");
        assertThat(codec.path("codec").asText()).isEqualTo("FRAME_CAPTURE");
        assertThat(codec.path("frameCaptureSettings").path("framerateNumerator").asInt()).isEqualTo(1);
        assertThat(codec.path("frameCaptureSettings").path("framerateDenominator").asInt())
                .isEqualTo(ladder.thumbnailIntervalSeconds());
        assertThat(codec.path("frameCaptureSettings").path("maxCaptures").asInt()).isEqualTo(500);
    }

    @Test
    void elasticTranscoderCreateJobIsUnchanged() throws Exception {
        endpoint.respond(r -> CapturingHttpServer.Response.json(201, "{\"Job\":{\"Id\":\"1700000000000-abc123\"}}"));
        try (ElasticTranscoderClient et = endpoint.configure(ElasticTranscoderClient.builder())
                .httpClientBuilder(CapturingHttpServer.http()).build()) {
            new ElasticTranscoderTranscoder(et, S3.client(), new ElasticTranscoderSettings("1615428529755-icp0bp", OUT))
                    .submit(job(OFF_KEY));
        }
        assertThat(endpoint.requests()).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo(golden("elastictranscoder-createjob.json")));
    }

    @Test
    void mediaConvertCreateJobIsUnchanged() throws Exception {
        endpoint.respond(r -> CapturingHttpServer.Response.json(201, "{\"job\":{\"id\":\"1700000000000-abc123\"}}"));
        try (MediaConvertClient mc = endpoint.configure(MediaConvertClient.builder())
                .httpClientBuilder(CapturingHttpServer.http()).build()) {
            new MediaConvertTranscoder(mc, S3.client(),
                    MediaConvertSettings.of("arn:aws:iam::000000000000:role/MediaConvert_Default_Role")).submit(job(OFF_KEY));
        }
        // the one field added since (issue 17): STATUS_UPDATE events every 15 s, for the job record's percent
        String statusUpdates = ",\"statusUpdateInterval\":\"SECONDS_15\"";
        assertThat(endpoint.requests()).singleElement().satisfies(r -> {
            assertThat(r.body()).contains(statusUpdates);
            assertThat(r.body().replace(statusUpdates, "")).isEqualTo(golden("mediaconvert-createjob.json"));
        });
    }

    private static TranscodeJob job() {
        return job(KEY);
    }

    private static TranscodeJob job(String key) {
        return new OutputKeys().jobFor(IN, key, 18L, "etag-1", OUT, catalog.presets());
    }

    private static String golden(String name) throws Exception {
        return Files.readString(WIRE.resolve(name), StandardCharsets.UTF_8).strip();
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.path(field).asText("")));
        return values;
    }
}
