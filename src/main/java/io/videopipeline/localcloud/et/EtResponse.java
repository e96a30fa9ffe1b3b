package io.videopipeline.localcloud.et;

import java.util.Map;

/**
 * One HTTP answer of the local Elastic Transcoder API. The endpoint that mounts {@link EtApiService} writes
 * {@code status}, {@code Content-Type: contentType}, every entry of {@code headers} and {@code body} (UTF-8).
 * Errors carry {@code x-amzn-ErrorType} (how the AWS SDKs and the CLI pick the exception class) and
 * {@code x-amzn-RequestId}; their body is {@code {"message": ...}} plus {@code __type}, which the SDKs also read
 * should a front end drop the header.
 */
public record EtResponse(int status, String contentType, String body, Map<String, String> headers) {

    public EtResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public EtResponse(int status, String contentType, String body) {
        this(status, contentType, body, Map.of());
    }

    /** The AWS error code ({@code ValidationException}, ...) of an error answer, or null. */
    public String errorType() {
        return headers.get("x-amzn-ErrorType");
    }
}
