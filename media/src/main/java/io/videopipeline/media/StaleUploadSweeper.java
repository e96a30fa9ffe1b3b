package io.videopipeline.media;

import io.videopipeline.logging.LogText;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Aborts multipart uploads to the transcoded bucket that were started long ago and never finished — what a
 * runner killed while uploading a large rendition leaves behind. They are invisible as objects but their parts
 * are stored (and billed) until aborted; the retried job uploads the rendition afresh. This is S3's
 * {@code AbortIncompleteMultipartUpload} lifecycle rule done by the runner at start, for buckets (and S3
 * look-alikes) that have no such rule. The age limit keeps it away from uploads other runners are making now.
 */
public final class StaleUploadSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(StaleUploadSweeper.class);

    private final S3Client s3;
    private final String bucket;
    private final Duration olderThan;
    private final Clock clock;

    public StaleUploadSweeper(S3Client s3, String bucket, Duration olderThan, Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.olderThan = olderThan;
        this.clock = clock;
    }

    /** @return how many uploads were aborted; failures are logged, never thrown (a sweep must not stop a start) */
    public int sweep() {
        Instant cutoff = clock.instant().minus(olderThan);
        int aborted = 0;
        try {
            for (MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket)).uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                    aborted++;
                    LOG.info("Aborted a multipart upload to s3://{}/{} left unfinished since {}", bucket,
                            LogText.safe(upload.key()), upload.initiated());
                }
            }
        } catch (S3Exception e) {
            LOG.warn("Could not sweep unfinished multipart uploads of s3://{} ({}; the runner needs "
                    + "s3:ListBucketMultipartUploads on the bucket, or set "
                    + "pipeline.transcode.abort-stale-uploads-after-hours=0 and use a lifecycle rule)", bucket,
                    e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorCode());
        } catch (RuntimeException e) {
            LOG.warn("Could not sweep unfinished multipart uploads of s3://{}: {}", bucket, e.toString());
        }
        return aborted;
    }
}
