package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.localcloud.LocalCloudExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** Unfinished multipart uploads on the local cloud's S3: old ones are aborted, young ones and objects are not. */
class StaleUploadSweeperTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-transcoded";

    @Test
    void abortsOnlyUploadsOlderThanTheLimit() {
        S3Client s3 = CLOUD.s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putObject(b -> b.bucket(BUCKET).key("done/done-web-720p.mp4"), RequestBody.fromString("finished"));
        for (String key : new String[] {"a/a-generic-1080p.mp4", "b/b with space-web-720p.mp4"}) {
            String id = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
            s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(id).partNumber(1),
                    RequestBody.fromBytes(new byte[(int) FfmpegSettings.MIN_PART_SIZE]));
        }

        // Just begun, as far as a runner starting now can tell: another runner may still be uploading them.
        assertThat(sweeper(s3, Clock.systemUTC()).sweep()).isZero();
        assertThat(unfinished(s3)).hasSize(2);

        // Two hours on, with a one-hour limit: both are stale.
        Clock later = Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofHours(2));
        assertThat(sweeper(s3, later).sweep()).isEqualTo(2);
        assertThat(unfinished(s3)).isEmpty();
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("done/done-web-720p.mp4")).asUtf8String())
                .isEqualTo("finished");
    }

    @Test
    void aMissingBucketIsReportedNotThrown() {
        assertThat(new StaleUploadSweeper(CLOUD.s3(), "no-such-bucket", Duration.ofHours(1), Clock.systemUTC())
                .sweep()).isZero();
    }

    private static StaleUploadSweeper sweeper(S3Client s3, Clock clock) {
        return new StaleUploadSweeper(s3, BUCKET, Duration.ofHours(1), clock);
    }

    private static java.util.List<MultipartUpload> unfinished(S3Client s3) {
        return s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads();
    }
}
