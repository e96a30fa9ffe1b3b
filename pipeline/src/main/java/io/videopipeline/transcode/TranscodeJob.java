package io.videopipeline.transcode;

import java.util.List;
import java.util.Objects;

/**
 * What to transcode and where the renditions go.
 *
 * @param inputBucket  bucket of the uploaded video
 * @param inputKey     its (decoded) key
 * @param inputSize    its size in bytes, or null if the event did not say
 * @param inputETag    its entity tag without quotes, or null; outputs carry it as {@code source-etag} metadata so a
 *                     repeated event for the same upload is recognised and skipped
 * @param outputBucket bucket for the renditions
 * @param outputs      one entry per preset, in preset order
 * @param uploaded     when the upload was stored (its Last-Modified), or null if not known; the job record's
 *                     upload-to-ready time starts here
 */
public record TranscodeJob(String inputBucket, String inputKey, Long inputSize, String inputETag,
                           String outputBucket, List<TranscodeOutput> outputs, java.time.Instant uploaded) {

    public TranscodeJob(String inputBucket, String inputKey, Long inputSize, String inputETag, String outputBucket,
                        List<TranscodeOutput> outputs) {
        this(inputBucket, inputKey, inputSize, inputETag, outputBucket, outputs, null);
    }

    public TranscodeJob withUploaded(java.time.Instant time) {
        return new TranscodeJob(inputBucket, inputKey, inputSize, inputETag, outputBucket, outputs, time);
    }

    public TranscodeJob {
        Objects.requireNonNull(inputBucket, "inputBucket");
        Objects.requireNonNull(inputKey, "inputKey");
        Objects.requireNonNull(outputBucket, "outputBucket");
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("a transcode job needs at least one output");
        }
        if (outputs.stream().map(TranscodeOutput::key).distinct().count() != outputs.size()) {
            throw new IllegalArgumentException("output keys of a job must differ: " + outputs);
        }
    }
}
