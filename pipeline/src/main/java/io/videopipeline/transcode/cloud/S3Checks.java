package io.videopipeline.transcode.cloud;

import io.videopipeline.media.RenditionMetadata;

import io.videopipeline.s3.S3Objects;
import io.videopipeline.failure.FailureClassifier;
import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The HeadObject checks a cloud backend makes before submitting: "is this job already done?" (the same rule as
 * {@link FfmpegTranscoder}: every output exists with user metadata {@code source-etag} equal to the job's ETag) and
 * "does the source still exist?" (a cloud job on a deleted object would only fail later, out of sight of the
 * pipeline). Kept private to this package; the Elastic Transcoder backend has its own.
 */
final class S3Checks {

    private final S3Client s3;

    S3Checks(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    /** True if every output exists for this exact source; false without an ETag to compare with. */
    boolean alreadyTranscoded(TranscodeJob job) {
        if (job.inputETag() == null || job.inputETag().isEmpty()) {
            return false; // nothing to compare with: transcode again rather than guess
        }
        for (TranscodeOutput output : job.outputs()) {
            HeadObjectResponse head = head(job.outputBucket(), output.key(), job, "check existing output");
            if (head == null || !job.inputETag().equals(head.metadata().get(RenditionMetadata.SOURCE_ETAG))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @throws SourceMissingException if the input object is gone (deleted since the event)
     */
    HeadObjectResponse source(TranscodeJob job) {
        HeadObjectResponse head = head(job.inputBucket(), job.inputKey(), job, "check source");
        if (head == null) {
            throw new SourceMissingException(CloudText.s3Uri(job.inputBucket(), io.videopipeline.logging.LogText.safe(job.inputKey()))
                    + " does not exist (deleted since the upload event?)", job.inputBucket(), job.inputKey(), null);
        }
        return head;
    }

    /** The object's head, or null if it does not exist. */
    private HeadObjectResponse head(String bucket, String key, TranscodeJob job, String what) {
        try {
            return S3Objects.headOrNull(s3, bucket, key);
        } catch (SdkException e) {
            throw failure(what, bucket, key, job, e);
        }
    }

    private static CloudSubmitException failure(String what, String bucket, String key, TranscodeJob job,
                                                SdkException e) {
        return new CloudSubmitException("cannot " + what + " " + CloudText.s3Uri(bucket, io.videopipeline.logging.LogText.safe(key)) + ": "
                + e.getMessage(), job.inputBucket(), job.inputKey(), FailureClassifier.isTransient(e), e);
    }
}
