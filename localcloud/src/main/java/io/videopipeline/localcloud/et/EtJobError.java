package io.videopipeline.localcloud.et;

/**
 * ET's job error codes, as a failed job reports them in {@code Outputs:StatusDetail} and in its ERROR
 * notification ({@code errorCode}, {@code messageDetails}).
 */
enum EtJobError {
    UNCLASSIFIED_STORAGE_ERROR(3000, "Unclassified Storage Error"),
    INPUT_DOES_NOT_EXIST(3001, "Input Does Not Exist"),
    OUTPUT_ALREADY_EXISTS(3002, "Output Already Exists"),
    NO_READ_PERMISSION(3003, "Does Not Have Read Permission"),
    NO_WRITE_PERMISSION(3004, "Does Not Have Write Permission"),
    BUCKET_DOES_NOT_EXIST(3005, "Bucket Does Not Exist"),
    BAD_INPUT_FILE(4000, "Bad Input File"),
    INTERNAL_SERVICE_ERROR(9000, "Internal Service Error");

    private final int code;
    private final String messageDetails;

    EtJobError(int code, String messageDetails) {
        this.code = code;
        this.messageDetails = messageDetails;
    }

    int code() {
        return code;
    }

    String messageDetails() {
        return messageDetails;
    }

    /** The line a failed job's outputs carry in {@code StatusDetail}. */
    String statusDetail(String jobId, String detail) {
        return code + " " + jobId + ": " + messageDetails + ": " + detail;
    }

}
