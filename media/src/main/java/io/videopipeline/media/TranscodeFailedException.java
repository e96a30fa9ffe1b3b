package io.videopipeline.media;

import java.util.List;

/**
 * The source could not be transcoded (not a video, corrupt, ffmpeg failed or timed out) or the outputs could not
 * be stored. The message names the object and, for ffmpeg failures, ends with the last lines ffmpeg wrote to
 * stderr ({@link #stderrTail()}).
 */
public class TranscodeFailedException extends TranscodeException {
    private static final long serialVersionUID = 1L;

    private final List<String> stderrTail;

    public TranscodeFailedException(String message, String bucket, String key, List<String> stderrTail,
                                    Throwable cause) {
        super(message, bucket, key, cause);
        this.stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
    }

    public TranscodeFailedException(String message, String bucket, String key, Throwable cause) {
        this(message, bucket, key, List.of(), cause);
    }

    /** The last lines of ffmpeg's/ffprobe's stderr, oldest first; empty if no process was involved. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
