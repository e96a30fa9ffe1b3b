package io.videopipeline.localcloud.gateway;

import java.util.Map;
import java.util.Objects;

/**
 * A complete HTTP response of an AWS API call (XML or JSON body), as every service of the local cloud answers
 * the gateway: it writes {@code status}, {@code Content-Type: contentType}, every entry of {@code headers} and
 * {@code body} (UTF-8). REST-JSON errors carry {@code x-amzn-ErrorType} (how the AWS SDKs and the CLI pick the
 * exception class).
 */
public record AwsResponse(int status, String contentType, String body, Map<String, String> headers) {

    public AwsResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
    }

    public AwsResponse(int status, String contentType, String body) {
        this(status, contentType, body, Map.of());
    }

    public static AwsResponse xml(int status, String body) {
        return new AwsResponse(status, "text/xml", body);
    }

    /** The AWS error code ({@code ValidationException}, ...) of a REST-JSON error answer, or null. */
    public String errorType() {
        return headers.get("x-amzn-ErrorType");
    }
}
