package io.videopipeline.localcloud.et;

/** An API error as ET answered it: its {@link EtErrorCode} and a message. */
final class EtApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final EtErrorCode code;

    EtApiException(EtErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    EtErrorCode code() {
        return code;
    }

    static EtApiException validation(String message) {
        return new EtApiException(EtErrorCode.VALIDATION, message);
    }

    static EtApiException notFound(String message) {
        return new EtApiException(EtErrorCode.RESOURCE_NOT_FOUND, message);
    }

    static EtApiException inUse(String message) {
        return new EtApiException(EtErrorCode.RESOURCE_IN_USE, message);
    }

    static EtApiException accessDenied(String message) {
        return new EtApiException(EtErrorCode.ACCESS_DENIED, message);
    }

    static EtApiException internal(String message) {
        return new EtApiException(EtErrorCode.INTERNAL_SERVICE, message);
    }

    /** ET's answer to a request for something it does not support; the message names the unsupported part. */
    static EtApiException unsupported(String what) {
        return validation(what + " is not supported by the local Elastic Transcoder");
    }
}
