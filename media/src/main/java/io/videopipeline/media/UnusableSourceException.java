package io.videopipeline.media;

import io.videopipeline.failure.ClassifiedFailure;

import java.util.List;

/**
 * The upload is not something ffmpeg can transcode: empty, not a media file ffprobe can read, or without a video
 * stream. The same bytes fail the same way on every receive, so this is permanent: the message is dead-lettered
 * at once with this reason instead of being downloaded and probed again until its receive count runs out.
 */
public class UnusableSourceException extends TranscodeFailedException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    public UnusableSourceException(String message, String bucket, String key, List<String> stderrTail,
                                   Throwable cause) {
        super(message, bucket, key, stderrTail, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
