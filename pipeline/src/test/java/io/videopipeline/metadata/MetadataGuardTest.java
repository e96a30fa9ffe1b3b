package io.videopipeline.metadata;

import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.transcode.ForeignObjectException;
import io.videopipeline.media.HostileMedia;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * extract-metadata on hostile renditions (issue 13, findings 2 and 5): a playlist stored as {@code .mp4} in the
 * transcoded bucket must not make ffprobe fetch a URL (a listener on 127.0.0.1 stands for any internal service),
 * and events naming another bucket or a key outside the output prefix are refused.
 */
class MetadataGuardTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String BUCKET = "video-transcoded";
    static final String UPLOADS = "video-upload";

    /** Stands for an internal HTTP service: nothing may connect to it. Never accepts, so a connection waits. */
    static ServerSocketChannel listener;
    static MetadataExtractor extractor;

    @TempDir
    static Path media;

    @BeforeAll
    static void setUp() throws IOException {
        S3.createBucket(BUCKET);
        S3.createBucket(UPLOADS);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        listener.configureBlocking(false);
        // a short timeout: before the fix ffprobe connected and then waited on the silent listener until killed
        extractor = new MetadataExtractor(S3.client(), S3.presigner(),
                new MetadataSettings(TestMedia.FFPROBE, Duration.ofSeconds(20), Duration.ofMinutes(1)));
    }

    @AfterAll
    static void tearDown() throws IOException {
        listener.close();
    }

    static String listenerUrl() throws IOException {
        return "http://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort() + "/internal/secret.ts";
    }

    static Stream<HostileMedia.Payload> payloads() throws IOException {
        return Stream.of(HostileMedia.hls(listenerUrl()), HostileMedia.ffconcat(listenerUrl()),
                HostileMedia.sdp(5004));
    }

    @ParameterizedTest(name = "{0} as .mp4")
    @MethodSource("payloads")
    void aPlaylistStoredAsMp4NeverMakesFfprobeFetchAUrl(HostileMedia.Payload payload) throws IOException {
        String key = "evil/" + payload.format() + "/" + payload.format() + "-720p.mp4";
        S3.client().putObject(b -> b.bucket(BUCKET).key(key).contentType("video/mp4"),
                RequestBody.fromBytes(payload.bytes()));

        assertThatThrownBy(() -> extractor.extract(BUCKET, key))
                .isInstanceOf(MetadataExtractionException.class)
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isFalse())
                .hasMessageContaining("could not read s3://video-transcoded/" + key + " as MP4")
                .hasMessageContaining("ffmpeg detects its format as '" + payload.format() + "'")
                .hasMessageNotContaining("X-Amz-Signature");
        // ffprobe has exited: a connection it made would be waiting in the listener's backlog
        try (SocketChannel connection = listener.accept()) {
            assertThat(connection).as("a connection from ffprobe to 127.0.0.1").isNull();
        }
        assertThat(S3.client().listObjectsV2(b -> b.bucket(BUCKET).prefix("evil/" + payload.format() + "/"))
                .contents()).hasSize(1); // no .json beside it
    }

    @Test
    void aRealRenditionStillGetsItsDocument() {
        Path clip = TestMedia.clip(media, "ok-720p.mp4", 1, "160x120", false);
        S3.client().putObject(b -> b.bucket(BUCKET).key("ok/ok-720p.mp4").contentType("video/mp4"),
                RequestBody.fromFile(clip));

        assertThat(extractor.extract(BUCKET, "ok/ok-720p.mp4").summary().width()).isEqualTo(160);
    }

    @Test
    void anEventForAnotherBucketIsRefusedAndNothingIsWrittenThere() {
        Path clip = TestMedia.clip(media, "upload.mp4", 1, "160x120", false);
        S3.client().putObject(b -> b.bucket(UPLOADS).key("clip.mp4"), RequestBody.fromFile(clip));

        // before the fix: video-upload/clip.json was written among the uploads
        assertThatThrownBy(() -> extractor.extract(UPLOADS, "clip.mp4"))
                .isInstanceOf(ForeignObjectException.class)
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isFalse())
                .hasMessage("extract-metadata refuses s3://video-upload/clip.mp4: only renditions in the transcoded"
                        + " bucket 'video-transcoded' are probed");
        assertThat(S3.client().listObjectsV2(b -> b.bucket(UPLOADS)).contents()).extracting(o -> o.key())
                .containsExactly("clip.mp4");
    }

    @Test
    void aKeyOutsideTheOutputPrefixIsRefused() {
        MetadataExtractor scoped = new MetadataExtractor(S3.client(), S3.presigner(), new MetadataSettings(
                TestMedia.FFPROBE, Duration.ofSeconds(20), Duration.ofMinutes(1), BUCKET, "renditions/", 33177600));

        assertThatThrownBy(() -> scoped.extract(BUCKET, "elsewhere/clip-720p.mp4"))
                .isInstanceOf(ForeignObjectException.class)
                .hasMessage("extract-metadata refuses s3://video-transcoded/elsewhere/clip-720p.mp4: only renditions"
                        + " in the transcoded bucket 'video-transcoded' under 'renditions/' are probed");
    }
}
