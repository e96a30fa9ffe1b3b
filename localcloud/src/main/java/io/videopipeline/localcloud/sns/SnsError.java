package io.videopipeline.localcloud.sns;

/** The SNS error codes this service returns, with the HTTP status AWS uses for each. */
public enum SnsError {
    INVALID_PARAMETER("InvalidParameter", 400),
    INVALID_PARAMETER_VALUE("InvalidParameterValue", 400),
    NOT_FOUND("NotFound", 404),
    RESOURCE_NOT_FOUND("ResourceNotFound", 404),
    TAG_LIMIT_EXCEEDED("TagLimitExceeded", 400),
    INVALID_ACTION("InvalidAction", 400),
    MISSING_ACTION("MissingAction", 400),
    EMPTY_BATCH_REQUEST("EmptyBatchRequest", 400),
    TOO_MANY_ENTRIES_IN_BATCH_REQUEST("TooManyEntriesInBatchRequest", 400),
    BATCH_ENTRY_IDS_NOT_DISTINCT("BatchEntryIdsNotDistinct", 400),
    INVALID_BATCH_ENTRY_ID("InvalidBatchEntryId", 400),
    BATCH_REQUEST_TOO_LONG("BatchRequestTooLong", 400),
    INTERNAL_ERROR("InternalError", 500);

    private final String code;
    private final int status;

    SnsError(String code, int status) {
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
