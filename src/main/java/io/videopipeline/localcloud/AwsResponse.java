package io.videopipeline.localcloud;

import java.util.Objects;

/** A complete HTTP response of a small AWS API call (XML or JSON body). */
public record AwsResponse(int status, String contentType, String body) {

    public AwsResponse {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
    }

    public static AwsResponse xml(int status, String body) {
        return new AwsResponse(status, "text/xml", body);
    }
}
