package io.videopipeline.transcode;

import io.videopipeline.logging.LogText;
import io.videopipeline.media.RenditionMetadata;

import io.videopipeline.media.SourceMetadata;
import io.videopipeline.media.TranscodeFailedException;

import io.videopipeline.s3.S3Objects;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The idempotency check every backend runs before doing (or submitting) work: SQS delivers at least once and S3
 * may notify twice, so a job whose outputs all exist with user metadata {@code source-etag} equal to the job's ETag
 * was done before and is skipped. Costs one HeadObject per output; stops at the first missing or foreign one.
 */
public final class ExistingOutputs {

    private ExistingOutputs() {
    }

    /**
     * @param outputBucket where to look (the job's own output bucket for ffmpeg; the pipeline's for Elastic
     *                     Transcoder)
     * @return true if every output of {@code job} exists in {@code outputBucket} with {@code source-etag} equal to
     *         the job's ETag; false if any is missing or differs, or the job has no ETag to compare with
     * @throws TranscodeFailedException if S3 cannot be asked (other than "not found")
     */
    public static boolean allWrittenFor(S3Client s3, TranscodeJob job, String outputBucket) {
        for (TranscodeOutput output : job.outputs()) {
            if (!writtenFor(s3, job, outputBucket, output)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether one output exists with {@code source-etag} equal to the job's ETag. A job redone after a crash
     * between its uploads uses this to upload only the outputs that are missing: re-writing the others would
     * notify (and mail, and probe) them a second time.
     */
    public static boolean writtenFor(S3Client s3, TranscodeJob job, String outputBucket, TranscodeOutput output) {
        if (job.inputETag() == null || job.inputETag().isEmpty()) {
            return false; // nothing to compare with: transcode again rather than guess
        }
        return writtenFor(job, head(s3, job, outputBucket, output));
    }

    /** The same, from a head taken already ({@link #heads}; null: the output is missing). */
    public static boolean writtenFor(TranscodeJob job, HeadObjectResponse head) {
        if (job.inputETag() == null || job.inputETag().isEmpty() || head == null) {
            return false;
        }
        return job.inputETag().equals(head.metadata().get(RenditionMetadata.SOURCE_ETAG));
    }

    /**
     * The head of each of the job's outputs, by key (null: missing), one HeadObject each: for the collision check
     * and the idempotency check to share, since both ask the same question of the same keys at the same moment.
     */
    public static Map<String, HeadObjectResponse> heads(S3Client s3, TranscodeJob job, String outputBucket) {
        Map<String, HeadObjectResponse> heads = new LinkedHashMap<>();
        for (TranscodeOutput output : job.outputs()) {
            heads.put(output.key(), head(s3, job, outputBucket, output));
        }
        return heads;
    }

    /**
     * The upload another rendition at {@code output}'s key was made from, if it is not this job's source: for
     * {@link KeyCollision}. A rendition without {@code source-key} (written by hand or by another tool) counts as
     * foreign, since nothing shows it is ours to replace.
     *
     * @return "s3://bucket/key" of the other source (escaped for logs), or empty if the key is free or holds a
     *         rendition of this same source (an earlier version of the same upload is replaced as usual)
     */
    public static java.util.Optional<String> foreignSource(S3Client s3, TranscodeJob job, String outputBucket,
                                                           TranscodeOutput output) {
        return foreignSource(job, head(s3, job, outputBucket, output));
    }

    /** The same, from a head taken already ({@link #heads}; null: the key is free). */
    public static java.util.Optional<String> foreignSource(TranscodeJob job, HeadObjectResponse head) {
        if (head == null) {
            return java.util.Optional.empty();
        }
        java.util.Map<String, String> meta = SourceMetadata.decode(head.metadata());
        String sourceKey = meta.get(RenditionMetadata.SOURCE_KEY);
        String sourceBucket = meta.get(RenditionMetadata.SOURCE_BUCKET);
        if (job.inputKey().equals(sourceKey) && job.inputBucket().equals(sourceBucket)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(sourceKey == null ? "an object without source-key metadata"
                : "s3://" + LogText.safe(sourceBucket) + "/" + LogText.safe(sourceKey));
    }

    /** The output's head, or null if it (or the output bucket) is not there. */
    private static HeadObjectResponse head(S3Client s3, TranscodeJob job, String outputBucket, TranscodeOutput output) {
        try {
            return S3Objects.headOrNull(s3, outputBucket, output.key());
        } catch (SdkException e) {
            throw new TranscodeFailedException("cannot check existing output s3://" + outputBucket + "/"
                    + LogText.safe(output.key()) + ": " + e.getMessage(), job.inputBucket(), job.inputKey(), e);
        }
    }
}
