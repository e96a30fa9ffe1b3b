package io.videopipeline.localcloud.sns;

/**
 * One HTTP answer of the SNS Query API: the gateway writes {@code status}, {@code contentType} and {@code body}
 * back unchanged.
 */
public record SnsResponse(int status, String contentType, String body) {
}
