package io.videopipeline.aws;

import io.videopipeline.config.PipelineConfig;

import java.net.URI;

/**
 * Where and as whom the AWS clients connect. The one place that decides "real AWS or an emulator":
 * an endpoint URL (the local cloud, LocalStack) or none (AWS, or whatever AWS_ENDPOINT_URL says);
 * static keys only for an emulator, otherwise the SDK's default credential chain.
 */
public record AwsSettings(String region, URI endpoint, boolean forcePathStyle, String accessKey, String secretKey) {

    public static AwsSettings from(PipelineConfig config) {
        String endpoint = config.get("pipeline.aws.endpoint-url", "");
        return new AwsSettings(
                config.get("pipeline.aws.region", "us-east-1"),
                endpoint.isBlank() ? null : URI.create(endpoint),
                config.getBoolean("pipeline.aws.force-path-style", false),
                blankToNull(config.get("pipeline.aws.access-key")),
                blankToNull(config.get("pipeline.aws.secret-key")));
    }

    public AwsSettings withEndpoint(URI newEndpoint) {
        return new AwsSettings(region, newEndpoint, forcePathStyle, accessKey, secretKey);
    }

    public boolean hasStaticKeys() {
        return accessKey != null && secretKey != null;
    }

    /** For logs: never the secret. */
    @Override
    public String toString() {
        return "region=" + region + ", endpoint=" + (endpoint == null ? "(AWS default)" : endpoint)
                + ", pathStyle=" + forcePathStyle + ", credentials=" + (hasStaticKeys() ? "static" : "default chain");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
