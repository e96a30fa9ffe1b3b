package io.videopipeline.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.s3.S3ProxyFixture;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A master playlist's event writes the package summary beside it, read from the playlists as text (an Elastic
 * Transcoder-style TS package here; the ffmpeg backend's fMP4 one is covered end to end in the app module).
 */
class PackageSummaryTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String BUCKET = "video-transcoded";
    static MetadataExtractor extractor;

    @BeforeAll
    static void setUp() {
        S3.createBucket(BUCKET);
        extractor = new MetadataExtractor(S3.client(), S3.presigner(), MetadataSettings.defaults(),
                Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC));
    }

    static void put(String key, String body) {
        S3.client().putObject(b -> b.bucket(BUCKET).key(key)
                .metadata(Map.of("source-bucket", "video-upload", "source-key", "a/et.mov")), RequestBody.fromString(body));
    }

    @Test
    void theSummaryListsRungsSegmentsDurationsBytesAndPictures() throws Exception {
        put("a/et/et.m3u8", """
                #EXTM3U
                #EXT-X-STREAM-INF:BANDWIDTH=2000000,AVERAGE-BANDWIDTH=1500000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2"
                hls/720p.m3u8
                #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360
                hls/360p.m3u8
                """);
        put("a/et/hls/720p.m3u8", "#EXTM3U\n#EXTINF:10.0,\n720p00000.ts\n#EXTINF:4.5,\n720p00001.ts\n#EXT-X-ENDLIST\n");
        put("a/et/hls/720p00000.ts", "x".repeat(1000));
        put("a/et/hls/720p00001.ts", "x".repeat(500));
        // the second segment was never written: counted as missing, not a failure
        put("a/et/hls/360p.m3u8", "#EXTM3U\n#EXTINF:10.0,\n360p00000.ts\n#EXTINF:4.5,\n360p00001.ts\n#EXT-X-ENDLIST\n");
        put("a/et/hls/360p00000.ts", "x".repeat(300));
        put("a/et/et-poster.jpg", "jpg");
        put("a/et/thumbs/et-00001.png", "png");
        put("a/et/et-720p.mp4", "not part of the package");

        MetadataResult result = extractor.extract(BUCKET, "a/et/et.m3u8");

        assertThat(result.metadataKey()).isEqualTo("a/et/et.json");
        JsonNode summary = new ObjectMapper().readTree(S3.client().getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("a/et/et.json")).asByteArray()).path("summary");
        assertThat(summary.path("kind").asText()).isEqualTo("hls");
        assertThat(summary.path("sourceKey").asText()).isEqualTo("a/et.mov");
        assertThat(summary.path("durationSeconds").asDouble()).isEqualTo(14.5);
        assertThat(summary.path("objects").asInt()).isEqualTo(8);
        JsonNode hd = summary.path("rungs").get(0);
        assertThat(hd.path("playlist").asText()).isEqualTo("a/et/hls/720p.m3u8");
        assertThat(hd.path("width").asInt()).isEqualTo(1280);
        assertThat(hd.path("averageBandwidth").asLong()).isEqualTo(1_500_000);
        assertThat(hd.path("codecs").asText()).isEqualTo("avc1.4d401f,mp4a.40.2");
        assertThat(hd.path("init").isNull()).isTrue();
        assertThat(hd.path("segments").asInt()).isEqualTo(2);
        long playlistBytes = S3.client().headObject(b -> b.bucket(BUCKET).key("a/et/hls/720p.m3u8")).contentLength();
        assertThat(hd.path("sizeBytes").asLong()).isEqualTo(1500 + playlistBytes);
        assertThat(hd.path("missing").asInt()).isZero();
        JsonNode sd = summary.path("rungs").get(1);
        assertThat(sd.path("averageBandwidth").isNull()).isTrue();
        assertThat(sd.path("missing").asInt()).isEqualTo(1);
        assertThat(summary.at("/pictures/poster").asText()).isEqualTo("a/et/et-poster.jpg");
        assertThat(summary.at("/pictures/thumbnails").get(0).asText()).isEqualTo("a/et/thumbs/et-00001.png");
    }

    @Test
    void aPlaylistNamingSomethingOutsideItsPackageIsRefusedForGood() {
        put("b/evil/evil.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n../../secret/index.m3u8\n");
        put("secret/index.m3u8", "#EXTM3U\n");

        assertThatThrownBy(() -> extractor.extract(BUCKET, "b/evil/evil.m3u8"))
                .isInstanceOf(MetadataExtractionException.class).hasMessageContaining("outside its package")
                .satisfies(e -> assertThat(((MetadataExtractionException) e).isTransient()).isFalse());
        assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("b/evil/evil.json")).contents()).isEmpty();
    }
}
