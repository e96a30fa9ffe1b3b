package io.videopipeline.localcloud.et;

/** An API error as ET answered it: HTTP status, {@code x-amzn-ErrorType} and message. */
final class EtApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;

    EtApiException(int status, String type, String message) {
        super(message);
        this.status = status;
        this.type = type;
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    static EtApiException validation(String message) {
        return new EtApiException(400, "ValidationException", message);
    }

    static EtApiException notFound(String message) {
        return new EtApiException(404, "ResourceNotFoundException", message);
    }

    static EtApiException inUse(String message) {
        return new EtApiException(409, "ResourceInUseException", message);
    }

    static EtApiException accessDenied(String message) {
        return new EtApiException(403, "AccessDeniedException", message);
    }

    static EtApiException internal(String message) {
        return new EtApiException(500, "InternalServiceException", message);
    }
}
