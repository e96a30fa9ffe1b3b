package io.videopipeline.transcode;

/**
 * Turns one uploaded video into its renditions. Implementations: {@link FfmpegTranscoder} (default, local
 * process); cloud backends (MediaConvert, Elastic Transcoder, Lambda) submit the same {@link TranscodeJob}.
 */
public interface Transcoder {

    /**
     * @throws SourceMissingException  if the input object does not exist (deleted since the event): retrying
     *                                 cannot help
     * @throws TranscodeFailedException if the input cannot be transcoded or the outputs cannot be written
     */
    TranscodeResult submit(TranscodeJob job);
}
