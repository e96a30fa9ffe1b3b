package io.videopipeline.media;

import io.videopipeline.failure.ClassifiedFailure;

import java.util.List;

/**
 * ffmpeg or ffprobe ran past {@code pipeline.ffmpeg.timeout-minutes} and was killed. One more try can help (a
 * machine that was overloaded), but every try costs the whole timeout: this is transient on the message's first
 * receive only, so the upload is tried at most twice and then dead-lettered with this reason, instead of
 * retries x receives times (about 30 hours with the defaults). routes/error-handling.yaml never retries it in
 * place; the second try is the message coming back after its visibility timeout.
 */
public class TranscodeTimeoutException extends TranscodeFailedException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    public TranscodeTimeoutException(String message, String bucket, String key, List<String> stderrTail) {
        super(message, bucket, key, stderrTail, null);
    }

    @Override
    public boolean isTransient() {
        return true;
    }

    /** Transient on the first receive of its message; from the second on, permanent. */
    @Override
    public boolean isTransientOnReceive(int receiveCount) {
        return receiveCount <= 1;
    }
}
