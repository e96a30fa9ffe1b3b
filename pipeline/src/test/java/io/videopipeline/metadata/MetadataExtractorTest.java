package io.videopipeline.metadata;

import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.s3.S3ProxyFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class MetadataExtractorTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String BUCKET = "video-transcoded";
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    @TempDir
    static Path media;

    static MetadataExtractor extractor;

    @BeforeAll
    static void setUp() {
        S3.createBucket(BUCKET);
        extractor = new MetadataExtractor(S3.client(), S3.presigner(), MetadataSettings.defaults(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static void upload(Path file, String key, Map<String, String> metadata) {
        S3.client().putObject(b -> b.bucket(BUCKET).key(key).contentType("video/mp4").metadata(metadata),
                RequestBody.fromFile(file));
    }

    @Test
    void writesTheDocumentBesideTheVideoWithASummaryMatchingFfprobe() throws IOException {
        Path clip = TestMedia.clip(media, "clip-720p.mp4", 2, "320x240", true);
        String key = "uploads/a/clip/clip-720p.mp4";
        upload(clip, key, Map.of("source-bucket", "video-upload", "source-key", "uploads/a/clip.mov",
                "source-etag", "abc123", "preset", "720p"));

        MetadataResult result = extractor.extract(BUCKET, key);

        assertThat(result.skipped()).isFalse();
        assertThat(result.metadataKey()).isEqualTo("uploads/a/clip/clip-720p.json");
        ResponseBytes<GetObjectResponse> written = S3.client().getObjectAsBytes(
                b -> b.bucket(BUCKET).key("uploads/a/clip/clip-720p.json"));
        assertThat(written.response().contentType()).startsWith("application/json");
        JsonNode doc = new ObjectMapper().readTree(written.asByteArray());
        JsonNode local = TestMedia.probe(clip);

        JsonNode summary = doc.get("summary");
        assertThat(summary.get("durationSeconds").asDouble())
                .isCloseTo(local.at("/format/duration").asDouble(), within(0.001));
        assertThat(summary.get("width").asInt()).isEqualTo(320);
        assertThat(summary.get("height").asInt()).isEqualTo(240);
        assertThat(summary.get("videoCodec").asText()).isEqualTo("h264");
        assertThat(summary.get("audioCodec").asText()).isEqualTo("aac");
        assertThat(summary.get("bitRate").asLong()).isEqualTo(local.at("/format/bit_rate").asLong());
        assertThat(summary.get("sizeBytes").asLong()).isEqualTo(Files.size(clip));
        assertThat(summary.get("sourceBucket").asText()).isEqualTo("video-upload");
        assertThat(summary.get("sourceKey").asText()).isEqualTo("uploads/a/clip.mov");
        assertThat(summary.get("sourceEtag").asText()).isEqualTo("abc123");
        assertThat(summary.get("preset").asText()).isEqualTo("720p");
        assertThat(Instant.parse(summary.get("createdAt").asText())).isCloseTo(Instant.now(), within(Duration.ofMinutes(5).toMillis(), java.time.temporal.ChronoUnit.MILLIS));
        assertThat(summary.get("extractedAt").asText()).isEqualTo("2025-01-02T03:04:05Z");
        // ffprobe's own output is kept whole beside the summary
        assertThat(doc.get("streams")).isEqualTo(local.get("streams"));
        assertThat(doc.at("/format/duration")).isEqualTo(local.at("/format/duration"));
        assertThat(doc.at("/format/filename").asText()).isEqualTo("s3://video-transcoded/" + key);
        assertThat(new String(written.asByteArray(), java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("X-Amz-");
    }

    @Test
    void videoWithoutAudioHasANullAudioCodecAndMissingUserMetadataIsNull() throws IOException {
        Path clip = TestMedia.clip(media, "silent.mp4", 1, "160x120", false);
        upload(clip, "silent/silent-web-720p.mp4", Map.of());

        RenditionSummary summary = extractor.extract(BUCKET, "silent/silent-web-720p.mp4").summary();

        assertThat(summary.audioCodec()).isNull();
        assertThat(summary.videoCodec()).isEqualTo("h264");
        assertThat(summary.sourceKey()).isNull();
        assertThat(summary.preset()).isNull();
        JsonNode doc = new ObjectMapper().readTree(S3.client().getObjectAsBytes(
                b -> b.bucket(BUCKET).key("silent/silent-web-720p.json")).asByteArray());
        assertThat(doc.at("/summary/audioCodec").isNull()).isTrue();
    }

    @Test
    void keysWithSpacesAndUnicodeAreReadThroughTheirPresignedUrl() {
        Path clip = TestMedia.clip(media, "unicode.mp4", 1, "160x120", true);
        String key = "uploads/my clip ü+視頻 (1)/my clip ü+視頻 (1)-720p.mp4";
        upload(clip, key, Map.of("preset", "720p"));

        MetadataResult result = extractor.extract(BUCKET, key);

        assertThat(result.metadataKey()).isEqualTo("uploads/my clip ü+視頻 (1)/my clip ü+視頻 (1)-720p.json");
        assertThat(result.summary().width()).isEqualTo(160);
        assertThat(S3.client().headObject(b -> b.bucket(BUCKET).key(result.metadataKey())).contentType())
                .startsWith("application/json");
    }

    @Test
    void jsonAndOtherNonMp4KeysAreSkippedWithoutTouchingS3() {
        // Neither object exists: any S3 call would fail with NoSuchKey.
        assertThat(extractor.extract(BUCKET, "clip/clip-720p.json").skipped()).isTrue();
        assertThat(extractor.extract(BUCKET, "clip/clip.mov").skipped()).isTrue();
        assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("clip/")).contents()).isEmpty();
    }

    @Test
    void corruptFileFailsPermanentlyWithFfprobesMessageAndNoSignature() {
        String key = "broken/broken-720p.mp4";
        S3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("this is not a video"));

        assertThatThrownBy(() -> extractor.extract(BUCKET, key))
                .isInstanceOf(MetadataExtractionException.class)
                .hasMessageContaining("ffprobe could not read s3://video-transcoded/broken/broken-720p.mp4")
                .hasMessageContaining("Invalid data found when processing input")
                .hasMessageNotContaining("X-Amz-Signature")
                .hasMessageNotContaining("X-Amz-Credential")
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isFalse());
        assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("broken/")).contents()).hasSize(1);
    }

    @Test
    void missingObjectIsAPermanentS3Error() {
        assertThatThrownBy(() -> extractor.extract(BUCKET, "gone/gone-720p.mp4"))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(404))
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isFalse());
    }

    @Test
    void missingFfprobeIsReportedAtConstruction() {
        MetadataSettings settings = new MetadataSettings("/opt/nowhere/ffprobe", Duration.ofSeconds(10),
                Duration.ofMinutes(1));

        assertThatThrownBy(() -> new MetadataExtractor(S3.client(), S3.presigner(), settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'/opt/nowhere/ffprobe'")
                .hasMessageContaining("apt-get install ffmpeg")
                .hasMessageContaining("pipeline.ffprobe.path");
    }

    @Test
    void hangingFfprobeIsKilledAtTheTimeoutAndTheFailureIsTransient() throws IOException {
        Path clip = TestMedia.clip(media, "hang.mp4", 1, "160x120", false);
        upload(clip, "hang/hang-720p.mp4", Map.of());
        // Answers -version like ffprobe, then hangs on any real work (stands in for a stalled network read).
        Path fake = media.resolve("hanging-ffprobe");
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = -version ] && { echo 'ffprobe version fake'; exit 0; }\nexec sleep 600\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        MetadataExtractor hanging = new MetadataExtractor(S3.client(), S3.presigner(),
                new MetadataSettings(fake.toString(), Duration.ofMillis(500), Duration.ofMinutes(1)));
        long start = System.nanoTime();

        assertThatThrownBy(() -> hanging.extract(BUCKET, "hang/hang-720p.mp4"))
                .isInstanceOf(MetadataExtractionException.class)
                .hasMessageContaining("timed out")
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().command()
                .map(c -> c.endsWith("sleep")).orElse(false)).count()).isZero();
    }

    @Test
    void signaturesAreRedactedFromFfprobeMessages() {
        String url = "http://127.0.0.1:1/b/k.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F2025&X-Amz-Signature=deadbeef";
        String redacted = MetadataExtractor.redact(url + ": Server returned 403 Forbidden\n"
                + "[http @ 0x1] request http://127.0.0.1:1/b/k.mp4?X-Amz-Date=1&X-Amz-Signature=cafe failed", url);

        assertThat(redacted).contains("http://127.0.0.1:1/b/k.mp4?<signature removed>: Server returned 403")
                .doesNotContain("deadbeef").doesNotContain("cafe").doesNotContain("X-Amz-Credential");
    }

    @Test
    void presignLifetimeMustOutlastTheTimeout() {
        assertThatThrownBy(() -> new MetadataSettings("ffprobe", Duration.ofMinutes(5), Duration.ofMinutes(1)))
                .hasMessageContaining("shorter than the ffprobe timeout");
    }
}
