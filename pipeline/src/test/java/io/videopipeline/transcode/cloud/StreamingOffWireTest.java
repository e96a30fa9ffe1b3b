package io.videopipeline.transcode.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.media.PresetCatalog;
import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.transcode.TranscodeJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.mediaconvert.MediaConvertClient;

/**
 * With streaming off, the {@code elastictranscoder} and {@code mediaconvert} backends send byte for byte the
 * CreateJob bodies they sent before HLS existed: the files under {@code src/test/resources/wire/} were captured from
 * the code before issue 16 and are compared as text.
 */
class StreamingOffWireTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String IN = "video-upload";
    static final String OUT = "video-transcoded";
    static final String KEY = "uploads/my holiday+(1)/clip.mov";
    static final Path WIRE = Path.of("pipeline/src/test/resources/wire");

    static PresetCatalog catalog;
    CapturingHttpServer endpoint;

    @BeforeAll
    static void buckets() {
        catalog = PresetCatalog.load(Path.of("config/presets.yaml"));
        S3.createBucket(IN);
        S3.createBucket(OUT);
        S3.client().putObject(p -> p.bucket(IN).key(KEY), RequestBody.fromString("not really a video"));
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
    void elasticTranscoderCreateJobIsUnchanged() throws Exception {
        endpoint.respond(r -> CapturingHttpServer.Response.json(201, "{\"Job\":{\"Id\":\"1700000000000-abc123\"}}"));
        try (ElasticTranscoderClient et = endpoint.configure(ElasticTranscoderClient.builder())
                .httpClientBuilder(CapturingHttpServer.http()).build()) {
            new ElasticTranscoderTranscoder(et, S3.client(), new ElasticTranscoderSettings("1615428529755-icp0bp", OUT))
                    .submit(job());
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
                    MediaConvertSettings.of("arn:aws:iam::000000000000:role/MediaConvert_Default_Role")).submit(job());
        }
        // the one field added since (issue 17): STATUS_UPDATE events every 15 s, for the job record's percent
        String statusUpdates = ",\"statusUpdateInterval\":\"SECONDS_15\"";
        assertThat(endpoint.requests()).singleElement().satisfies(r -> {
            assertThat(r.body()).contains(statusUpdates);
            assertThat(r.body().replace(statusUpdates, "")).isEqualTo(golden("mediaconvert-createjob.json"));
        });
    }

    private static TranscodeJob job() {
        return new OutputKeys().jobFor(IN, KEY, 18L, "etag-1", OUT, catalog.presets());
    }

    private static String golden(String name) throws Exception {
        return Files.readString(WIRE.resolve(name), StandardCharsets.UTF_8).strip();
    }
}
