package io.videopipeline.localcloud.et;

/**
 * Every error the Elastic Transcoder API answers (as s3proxy's {@code S3ErrorCode} does for S3): the HTTP status
 * and the {@code x-amzn-ErrorType} the AWS SDKs and the CLI pick the exception class by.
 */
enum EtErrorCode {
    VALIDATION(400, "ValidationException"),
    INCOMPATIBLE_VERSION(400, "IncompatibleVersionException"),
    ACCESS_DENIED(403, "AccessDeniedException"),
    RESOURCE_NOT_FOUND(404, "ResourceNotFoundException"),
    UNKNOWN_OPERATION(404, "UnknownOperationException"),
    RESOURCE_IN_USE(409, "ResourceInUseException"),
    INTERNAL_SERVICE(500, "InternalServiceException");

    private final int status;
    private final String type;

    EtErrorCode(int status, String type) {
        this.status = status;
        this.type = type;
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }
}
