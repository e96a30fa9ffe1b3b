package io.videopipeline.localcloud.et;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.localcloud.ForeignClients;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.s3.S3ProxyFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobOutput;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobPlaylist;
import software.amazon.awssdk.services.elastictranscoder.model.Job;
import software.amazon.awssdk.services.elastictranscoder.model.JobOutput;
import software.amazon.awssdk.services.elastictranscoder.model.Preset;
import software.amazon.awssdk.services.elastictranscoder.model.ValidationException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local Elastic Transcoder's HLS: {@code Playlists}, segmented outputs and {@code ThumbnailPattern}, through the
 * AWS SDK for Java and the AWS SDK for JavaScript v2, with real ffmpeg; ffprobe reads what it wrote.
 */
class ElasticTranscoderHlsLocalTest {

    private static final String UPLOADS = "video-upload";
    private static final String TRANSCODED = "video-transcoded";
    private static final String ROLE = "arn:aws:iam::000000000000:role/Elastic_Transcoder_Default_Role";
    private static final String HLS_1M = "1351620000001-200030";
    private static final String HLS_400K = "1351620000001-200050";
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:et-events";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NOTES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    private static S3Client s3;
    private static EtApiService service;
    private static EtHttpServer http;
    private static ElasticTranscoderClient et;
    private static String pipelineId;
    private static Path clip;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        s3 = S3.client();
        s3.createBucket(b -> b.bucket(UPLOADS));
        s3.createBucket(b -> b.bucket(TRANSCODED));
        service = new EtApiService(s3, PresetCatalog.load(Path.of("config/presets.yaml")),
                ElasticTranscoderLocalTest.ffmpeg(tmp.resolve("work")),
                (topic, subject, message) -> NOTES.add(message), EtSettings.defaults());
        http = new EtHttpServer(service);
        et = ElasticTranscoderLocalTest.client(http.endpoint());
        pipelineId = et.createPipeline(b -> b.name("hls").inputBucket(UPLOADS).outputBucket(TRANSCODED).role(ROLE)
                .notifications(n -> n.completed(TOPIC).progressing("").warning("").error(""))).pipeline().id();
        clip = clip(tmp.resolve("clip.mov"), 4);
    }

    @AfterAll
    static void stop() {
        et.close();
        http.close();
        service.close();
    }

    @Test
    void hlsSystemPresetsReadLikeEts() {
        Preset hls = et.readPreset(r -> r.id(HLS_400K)).preset();
        assertThat(hls.name()).isEqualTo("System preset: HLS 400k");
        assertThat(hls.container()).isEqualTo("ts");
        assertThat(hls.video().bitRate()).isEqualTo("272");
        assertThat(hls.video().maxWidth()).isEqualTo("400");
        assertThat(hls.video().maxHeight()).isEqualTo("288");
        assertThat(hls.video().fixedGOP()).isEqualTo("true");
        assertThat(hls.video().frameRate()).isEqualTo("auto");
        assertThat(hls.video().keyframesMaxDist()).isEqualTo("90");
        assertThat(hls.audio().bitRate()).isEqualTo("128");
        assertThat(hls.thumbnails().format()).isEqualTo("png");
        assertThat(hls.thumbnails().interval()).isEqualTo("300");
        assertThat(et.readPreset(r -> r.id("1351620000001-000001")).preset().thumbnails().interval()).isEqualTo("60");
    }

    @Test
    void aPlaylistJobWritesSegmentsVariantsAMasterAndThumbnails(@TempDir Path tmp) throws Exception {
        s3.putObject(b -> b.bucket(UPLOADS).key("in/talk.mov"), RequestBody.fromFile(clip));
        String jobId = et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("in/talk.mov"))
                .outputKeyPrefix("out/talk/")
                .outputs(CreateJobOutput.builder().key("hls/1m").presetId(HLS_1M).segmentDuration("2")
                                .thumbnailPattern("pictures/talk-thumb-{count}").build(),
                        CreateJobOutput.builder().key("hls/400k").presetId(HLS_400K).segmentDuration("2").build())
                .playlists(CreateJobPlaylist.builder().name("talk").format("HLSv3")
                        .outputKeys("hls/1m", "hls/400k").build())).job().id();

        Job job = awaitFinished(jobId);
        assertThat(job.status()).as("%s", job).isEqualTo("Complete");
        assertThat(job.playlists()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("talk");
            assertThat(p.format()).isEqualTo("HLSv3");
            assertThat(p.outputKeys()).containsExactly("hls/1m", "hls/400k");
            assertThat(p.status()).isEqualTo("Complete");
        });
        // published just after the job's status changes
        await().atMost(Duration.ofSeconds(10)).until(() -> NOTES.stream()
                .anyMatch(n -> n.contains(jobId) && n.contains("COMPLETED")));
        JsonNode completed = JSON.readTree(NOTES.stream().filter(n -> n.contains(jobId) && n.contains("COMPLETED"))
                .findFirst().orElseThrow());
        assertThat(completed.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(completed.path("playlists").get(0).path("name").asText()).isEqualTo("talk");
        assertThat(completed.path("playlists").get(0).path("status").asText()).isEqualTo("Complete");
        assertThat(job.outputs()).extracting(JobOutput::segmentDuration).containsExactly("2", "2");
        assertThat(job.outputs()).extracting(JobOutput::thumbnailPattern)
                .containsExactly("pictures/talk-thumb-{count}", null);
        assertThat(job.outputs()).extracting(JobOutput::width).containsExactly(640, 400);
        assertThat(job.outputs()).extracting(JobOutput::height).containsExactly(360, 224);
        assertThat(job.outputs().get(0).durationMillis()).isBetween(3_800L, 4_300L);

        List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(TRANSCODED).prefix("out/talk/")).contents()
                .stream().map(S3Object::key).toList();
        assertThat(keys).contains("out/talk/talk.m3u8", "out/talk/hls/1m.m3u8", "out/talk/hls/400k.m3u8",
                "out/talk/hls/1m00000.ts", "out/talk/hls/1m00001.ts", "out/talk/hls/400k00000.ts",
                "out/talk/pictures/talk-thumb-00001.png");
        assertThat(keys).noneMatch(k -> k.endsWith(".mp4"));

        String master = text("out/talk/talk.m3u8");
        assertThat(master).startsWith("#EXTM3U\n").contains("#EXT-X-INDEPENDENT-SEGMENTS")
                .contains("RESOLUTION=640x360").contains("RESOLUTION=400x224")
                .containsPattern("BANDWIDTH=\\d{5,},AVERAGE-BANDWIDTH=\\d{5,}")
                // from the segments' SPS: x264 ultrafast signals even a main-profile preset as constrained baseline
                .containsPattern("CODECS=\"avc1\\.42c01f,mp4a\\.40\\.2\"")
                .contains("\nhls/1m.m3u8\n").contains("\nhls/400k.m3u8\n");
        assertThat(text("out/talk/hls/1m.m3u8")).contains("#EXT-X-PLAYLIST-TYPE:VOD").contains("\n1m00000.ts\n")
                .contains("#EXT-X-ENDLIST");

        Path local = download("out/talk/", tmp);
        JsonNode streams = ffprobe(local.resolve("talk.m3u8"));
        assertThat(streams.path("streams").findValuesAsText("width")).contains("640", "400");
        for (String variant : List.of("hls/1m.m3u8", "hls/400k.m3u8")) {
            assertThat(decodes(local.resolve(variant))).as(variant).isTrue();
        }
        byte[] png = Files.readAllBytes(local.resolve("pictures/talk-thumb-00001.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void playlistsAndThumbnailsAreCheckedAsEtDid() {
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("a.mp4").presetId("1351620000001-000001")
                .thumbnailPattern("thumbs/a-").build(), null))
                .isInstanceOf(ValidationException.class).hasMessageContaining("must contain {count}");
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("v/1m").presetId(HLS_1M)
                .segmentDuration("2").build(), CreateJobPlaylist.builder().name("m").format("HLSv3")
                .outputKeys("v/1m", "v/2m").build()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("names output key 'v/2m', which is not the Key of an output of this job");
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("a.mp4").presetId("1351620000001-000001")
                .build(), CreateJobPlaylist.builder().name("m").format("HLSv3").outputKeys("a.mp4").build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("has no SegmentDuration");
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("v/1m").presetId(HLS_1M).build(), null))
                .isInstanceOf(ValidationException.class).hasMessageContaining("(container ts) but has no SegmentDuration");
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("v/1m").presetId(HLS_1M)
                .segmentDuration("61").build(), null))
                .isInstanceOf(ValidationException.class).hasMessageContaining("from 1 to 60");
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("v/1m").presetId(HLS_1M)
                .segmentDuration("2").build(), CreateJobPlaylist.builder().name("m").format("HLSv5")
                .outputKeys("v/1m").build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("Format 'HLSv5'");
        assertThatThrownBy(() -> et.createJob(r -> r.pipelineId(pipelineId).input(i -> i.key("in/never.mov"))
                .outputs(CreateJobOutput.builder().key("v/1m").presetId(HLS_1M).segmentDuration("2").build(),
                        CreateJobOutput.builder().key("v/400k").presetId(HLS_400K).segmentDuration("4").build())
                .playlists(CreateJobPlaylist.builder().name("m").format("HLSv3").outputKeys("v/1m", "v/400k")
                        .build())))
                .isInstanceOf(ValidationException.class).hasMessageContaining("must have the same SegmentDuration");
        assertThatThrownBy(() -> createJob(CreateJobOutput.builder().key("v/1m").presetId(HLS_1M)
                .segmentDuration("2").build(), CreateJobPlaylist.builder().name("m").format("HLSv4")
                .outputKeys("v/1m").build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("HLSv4")
                .hasMessageContaining("is not supported by the local Elastic Transcoder");
        assertThat(et.listJobsByPipeline(r -> r.pipelineId(pipelineId)).jobs())
                .noneMatch(j -> j.input().key().equals("in/never.mov"));
    }

    /** The JavaScript SDK's client sends a playlist job and reads it back with the playlist's status. */
    @Test
    void aClientWeDidNotWriteSendsAPlaylist(@TempDir Path tmp) throws Exception {
        s3.putObject(b -> b.bucket(UPLOADS).key("in/js.mov"), RequestBody.fromFile(clip));
        List<String> client = ForeignClients.elasticTranscoderClient();
        JsonNode created = node(client, tmp, "createJob", Map.of("PipelineId", pipelineId,
                "Input", Map.of("Key", "in/js.mov"), "OutputKeyPrefix", "js/",
                "Outputs", List.of(Map.of("Key", "400k", "PresetId", HLS_400K, "SegmentDuration", "3",
                        "ThumbnailPattern", "thumb-{resolution}-{count}")),
                "Playlists", List.of(Map.of("Name", "js", "Format", "HLSv3", "OutputKeys", List.of("400k")))));
        String jobId = created.path("Job").path("Id").asText();
        assertThat(created.path("Job").path("Playlists").get(0).path("Status").asText()).isEqualTo("Submitted");

        awaitFinished(jobId);
        JsonNode job = node(client, tmp, "readJob", Map.of("Id", jobId)).path("Job");
        assertThat(job.path("Status").asText()).isEqualTo("Complete");
        assertThat(job.path("Playlists").get(0).path("Status").asText()).isEqualTo("Complete");
        assertThat(job.path("Outputs").get(0).path("SegmentDuration").asText()).isEqualTo("3");
        assertThat(job.path("Outputs").get(0).path("ThumbnailPattern").asText()).isEqualTo("thumb-{resolution}-{count}");
        assertThat(text("js/js.m3u8")).contains("\n400k.m3u8\n");
        assertThat(text("js/400k.m3u8")).contains("400k00000.ts");
        // HLS 400k's thumbnails: at most 192 x 108
        s3.headObject(b -> b.bucket(TRANSCODED).key("js/thumb-192x108-00001.png"));
    }

    private static void createJob(CreateJobOutput output, CreateJobPlaylist playlist) {
        et.createJob(r -> {
            r.pipelineId(pipelineId).input(i -> i.key("in/never.mov")).outputs(output);
            if (playlist != null) {
                r.playlists(playlist);
            }
        });
    }

    private static Job awaitFinished(String jobId) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300))
                .until(() -> List.of("Complete", "Error", "Canceled")
                        .contains(et.readJob(r -> r.id(jobId)).job().status()));
        return et.readJob(r -> r.id(jobId)).job();
    }

    private static String text(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(key)).asUtf8String();
    }

    /** Every object under {@code prefix}, in the same layout under {@code dir}. */
    private static Path download(String prefix, Path dir) throws Exception {
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(TRANSCODED).prefix(prefix)).contents()) {
            Path file = dir.resolve(o.key().substring(prefix.length()));
            Files.createDirectories(file.getParent());
            Files.write(file, s3.getObjectAsBytes(b -> b.bucket(TRANSCODED).key(o.key())).asByteArray());
        }
        return dir;
    }

    private static JsonNode ffprobe(Path master) throws Exception {
        return JSON.readTree(run(List.of("/usr/bin/ffprobe", "-v", "error", "-protocol_whitelist", "file",
                "-show_entries", "stream=codec_type,width,height", "-of", "json", master.toString())));
    }

    private static boolean decodes(Path variant) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/ffmpeg", "-v", "error", "-protocol_whitelist", "file",
                "-i", variant.toString(), "-f", "null", "-").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && log.isBlank();
    }

    private static String run(List<String> cmd) throws Exception {
        return run(new ProcessBuilder(cmd));
    }

    private static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return out;
    }

    private static Path clip(Path file, int seconds) throws Exception {
        run(List.of("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p", "-c:a", "aac",
                "-shortest", file.toString()));
        return file;
    }

    private static JsonNode node(List<String> client, Path tmp, String operation, Map<String, ?> params)
            throws Exception {
        List<String> cmd = new ArrayList<>(client);
        cmd.addAll(List.of("--endpoint-url", http.endpoint().toString(), operation, JSON.writeValueAsString(params)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        pb.environment().put("AWS_REGION", "us-east-1");
        pb.environment().put("AWS_CONFIG_FILE", tmp.resolve("no-config").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", tmp.resolve("no-credentials").toString());
        pb.environment().remove("AWS_PROFILE");
        return JSON.readTree(run(pb));
    }
}
