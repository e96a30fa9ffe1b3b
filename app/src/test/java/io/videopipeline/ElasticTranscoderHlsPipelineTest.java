package io.videopipeline;

import static io.videopipeline.EndToEnd.clip;
import static io.videopipeline.EndToEnd.keys;
import static io.videopipeline.EndToEnd.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.Job;

/**
 * {@code pipeline.transcoder=elastictranscoder} with {@code pipeline.hls.enabled=true}, end to end against the
 * local cloud's Elastic Transcoder: besides the MP4s the job writes ET's HLS outputs, one playlist whose master is
 * {@code {dir}{name}/{name}.m3u8}, and thumbnails; ffprobe decodes every rung the master lists.
 */
class ElasticTranscoderHlsPipelineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RUNGS = List.of("2m", "1.5m", "1m", "600k", "400k");

    @TempDir
    static Path work;
    private static PipelineTestApp app;

    @BeforeAll
    static void start() throws Exception {
        app = PipelineTestApp.start(work.resolve("app"), Map.of("pipeline.transcoder", "elastictranscoder",
                "pipeline.hls.enabled", "true"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anUploadGetsMp4sAnHlsPackageAndThumbnailsFromElasticTranscoder(@TempDir Path local) throws Exception {
        upload(app.s3(), "video-upload", "hls/clip.mov", clip(work, "clip.mov", "640x360", true));

        await().atMost(Duration.ofSeconds(180)).until(() -> keys(app.s3(), "video-transcoded", "hls/clip/")
                .contains("hls/clip/clip.m3u8"));
        List<String> keys = keys(app.s3(), "video-transcoded", "hls/clip/");
        assertThat(keys).contains("hls/clip/clip-1080p.mp4", "hls/clip/clip-720p.mp4", "hls/clip/clip-web-720p.mp4",
                "hls/clip/pictures/clip-thumb-00001.png");
        for (String rung : RUNGS) {
            assertThat(keys).contains("hls/clip/hls/" + rung + ".m3u8", "hls/clip/hls/" + rung + "00000.ts");
        }
        // only the master has the {p}{n}/{n}.m3u8 shape the fan-out takes for "stream ready"
        assertThat(keys.stream().filter(k -> k.matches("(.*/)?([^/]+)/\\2\\.m3u8"))).containsExactly(
                "hls/clip/clip.m3u8");

        ElasticTranscoderClient et = app.clients().elasticTranscoder();
        String pipelineId = app.config().get("pipeline.elastictranscoder.pipeline-id");
        Job job = et.listJobsByPipeline(b -> b.pipelineId(pipelineId)).jobs().stream()
                .filter(j -> j.input().key().equals("hls/clip.mov")).findFirst().orElseThrow();
        assertThat(job.playlists()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("hls/clip/clip");
            assertThat(p.status()).isEqualTo("Complete");
        });

        for (String key : keys) {
            Path file = local.resolve(key.substring("hls/clip/".length()));
            Files.createDirectories(file.getParent());
            Files.write(file, app.s3().getObjectAsBytes(b -> b.bucket("video-transcoded").key(key)).asByteArray());
        }
        String master = Files.readString(local.resolve("clip.m3u8"));
        for (String rung : RUNGS) {
            assertThat(master).contains("\nhls/" + rung + ".m3u8\n");
        }
        assertThat(master).contains("RESOLUTION=640x360", "RESOLUTION=400x224", "CODECS=\"avc1.");
        JsonNode probed = JSON.readTree(run(List.of("ffprobe", "-v", "error", "-protocol_whitelist", "file",
                "-show_entries", "program=program_id:stream=codec_type,width,height", "-of", "json",
                local.resolve("clip.m3u8").toString())));
        assertThat(probed.path("programs")).hasSize(RUNGS.size());
        for (int program = 0; program < RUNGS.size(); program++) {
            run(List.of("ffmpeg", "-v", "error", "-protocol_whitelist", "file", "-i",
                    local.resolve("clip.m3u8").toString(), "-map", "0:p:" + program + ":v", "-f", "null", "-"));
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, err).isZero();
        assertThat(err).as("%s", cmd).isBlank();
        return out;
    }
}
