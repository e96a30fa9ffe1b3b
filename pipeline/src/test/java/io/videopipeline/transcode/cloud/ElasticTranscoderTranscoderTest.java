package io.videopipeline.transcode.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.transcode.TranscodeJob;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobOutput;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobRequest;
import software.amazon.awssdk.services.s3.S3Client;

/** The CreateJob request the backend builds (no service involved; see ElasticTranscoderLocalTest for that). */
class ElasticTranscoderTranscoderTest {

    private static final PresetCatalog CATALOG = PresetCatalog.load(Path.of("config/presets.yaml"));

    private final ElasticTranscoderClient et = ElasticTranscoderClient.builder().region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:9")).build();
    private final S3Client s3 = S3Client.builder().region(Region.US_EAST_1)
            .endpointOverride(URI.create("http://127.0.0.1:9")).build();
    private final ElasticTranscoderTranscoder backend = new ElasticTranscoderTranscoder(et, s3,
            new ElasticTranscoderSettings("1615428529755-icp0bp", "video-transcoded"));

    @Test
    void requestIsTheSeedsCreateJobPlusSourceMetadata() {
        String key = "uploads/my holiday+(1)/비디오.mov";
        TranscodeJob job = new OutputKeys().jobFor("video-upload", key, 10L, "9b2cf535f27731c974343645a3985328",
                "video-transcoded", CATALOG.presets());

        CreateJobRequest request = backend.request(job);

        assertThat(request.pipelineId()).isEqualTo("1615428529755-icp0bp");
        assertThat(request.input().key()).isEqualTo(key);
        assertThat(request.outputKeyPrefix()).isNull();
        assertThat(request.outputs()).extracting(CreateJobOutput::presetId)
                .containsExactly("1351620000001-000001", "1351620000001-000010", "1351620000001-100070");
        assertThat(request.outputs()).extracting(CreateJobOutput::key).containsExactly(
                "uploads/my holiday+(1)/비디오/비디오-1080p.mp4", "uploads/my holiday+(1)/비디오/비디오-720p.mp4",
                "uploads/my holiday+(1)/비디오/비디오-web-720p.mp4");
        assertThat(request.userMetadata()).containsEntry("source-bucket", "video-upload")
                .containsEntry("source-etag", "9b2cf535f27731c974343645a3985328");
        String encoded = request.userMetadata().get("source-key");
        // ET allows only 0-9 A-Z a-z space _.:/=+-%@ in values
        assertThat(encoded).matches("[0-9A-Za-z _.:/=+\\-%@]*");
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(key);
    }

    @Test
    void keyTooLongForEtMetadataIsLeftOut() {
        String key = "k".repeat(300) + ".mov";
        TranscodeJob job = new OutputKeys().jobFor("video-upload", key, 10L, "abc", "video-transcoded",
                CATALOG.presets());
        assertThat(backend.request(job).userMetadata()).doesNotContainKey("source-key")
                .containsEntry("source-etag", "abc");
    }

    @Test
    void settingsSayWhatIsMissing() {
        assertThatThrownBy(() -> new ElasticTranscoderSettings(" ", "b"))
                .hasMessageContaining("pipeline.elastictranscoder.pipeline-id is not set");
        assertThatThrownBy(() -> new ElasticTranscoderSettings("my-pipeline", "b"))
                .hasMessageContaining("is not an Elastic Transcoder pipeline id");
        assertThatThrownBy(() -> new ElasticTranscoderSettings("1615428529755-icp0bp", null))
                .hasMessageContaining("pipeline.elastictranscoder.output-bucket is not set");
    }
}
