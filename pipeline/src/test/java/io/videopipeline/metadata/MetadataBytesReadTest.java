package io.videopipeline.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.s3.S3ProxyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * ffprobe reads a faststart MP4 through the presigned URL without downloading it: the bytes S3
 * sends for a ≥ 50 MB rendition stay a small fraction of its size. The figure is printed (the
 * surefire output file of this class) — it is a measurement, the assertion only a generous bound.
 *
 * <p>Re-run: {@code mvn -B -q -o test -Dtest=MetadataBytesReadTest -Dsurefire.failIfNoSpecifiedTests=false}
 * then {@code cat target/surefire-reports/io.videopipeline.metadata.MetadataBytesReadTest-output.txt}.
 */
class MetadataBytesReadTest {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataBytesReadTest.class);

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    @Test
    void ffprobeReadsAFractionOfALargeFaststartMp4(@TempDir Path dir) throws Exception {
        Path big = TestMedia.large(dir, "big-1080p.mp4", 5);
        long size = Files.size(big);
        assertThat(size).as("test file size").isGreaterThanOrEqualTo(50L * 1024 * 1024);
        S3.createBucket("video-transcoded");
        S3.client().putObject(b -> b.bucket("video-transcoded").key("big/big-1080p.mp4")
                .metadata(Map.of("preset", "1080p")), RequestBody.fromFile(big));

        try (CountingRelay relay = new CountingRelay(S3.endpoint());
                S3Presigner throughRelay = S3ProxyFixture.presigner(relay.endpoint())) {
            MetadataExtractor extractor = new MetadataExtractor(S3.client(), throughRelay, MetadataSettings.defaults());

            MetadataResult result = extractor.extract("video-transcoded", "big/big-1080p.mp4");

            long read = relay.bytesToClients();
            String figure = String.format("ffprobe via presigned URL: %,d bytes sent to ffprobe for a %,d-byte"
                    + " faststart MP4 (%.2f%%), %d request(s): %s", read, size, 100.0 * read / size,
                    relay.requests().size(), relay.requests());
            System.out.println(figure);
            LOG.info(figure);
            assertThat(result.summary().width()).isEqualTo(640);
            assertThat(result.summary().sizeBytes()).isEqualTo(size);
            assertThat(read).as(figure).isPositive().isLessThan(size / 10);
        }
    }
}
