package io.videopipeline.localcloud.sns;

/** A request SNS rejects; {@link SnsService#handle} turns it into an AWS error response. */
public class SnsException extends RuntimeException {
    private final SnsError error;

    public SnsException(SnsError error, String message) {
        super(message);
        this.error = error;
    }

    public SnsError error() {
        return error;
    }

    static SnsException invalidParameter(String message) {
        return new SnsException(SnsError.INVALID_PARAMETER, message);
    }

    static SnsException notFound(String message) {
        return new SnsException(SnsError.NOT_FOUND, message);
    }
}
