package io.videopipeline.aws;

import io.videopipeline.config.PipelineConfig;

import java.net.URI;
import java.util.Map;
import java.util.Properties;

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
        return "region=" + region + ", endpoint=" + describeEndpoint(endpoint, System.getenv(), System.getProperties())
                + ", pathStyle=" + forcePathStyle + ", credentials=" + (hasStaticKeys() ? "static" : "default chain");
    }

    /**
     * The endpoint the SDK really uses. Without our own endpoint URL the SDK still honours the standard
     * {@code aws.endpointUrl} system property and {@code AWS_ENDPOINT_URL} variable (how LocalStack and other
     * emulators are usually reached), so "AWS default" is said only when neither applies.
     */
    static String describeEndpoint(URI endpoint, Map<String, String> env, Properties system) {
        if (endpoint != null) {
            return endpoint.toString();
        }
        String ignore = system.getProperty("aws.ignoreConfiguredEndpointUrls", env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
        if (!"true".equalsIgnoreCase(ignore == null ? "" : ignore.trim())) {
            String property = system.getProperty("aws.endpointUrl");
            if (property != null && !property.isBlank()) {
                return property.trim() + " (aws.endpointUrl)";
            }
            String variable = env.get("AWS_ENDPOINT_URL");
            if (variable != null && !variable.isBlank()) {
                return variable.trim() + " (AWS_ENDPOINT_URL)";
            }
            if (env.keySet().stream().anyMatch(k -> k.startsWith("AWS_ENDPOINT_URL_"))) {
                return "(AWS default, some services from AWS_ENDPOINT_URL_<SERVICE>)";
            }
        }
        return "(AWS default)";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
