package io.videopipeline.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How notify-email links to a rendition.
 *
 * @param mode            {@code auto} (default): public URL if set-permissions makes the rendition public
 *                        ({@code pipeline.acl.mode=public-read}), else presigned — see {@link LinkMaker}; {@code public}: always the public URL (e.g. public bucket
 *                        policy or CDN); {@code presigned}: always presigned ({@code pipeline.mail.link.mode})
 * @param publicBaseUrl   base URL of the bucket for public links, without trailing slash, e.g. a CDN
 *                        or {@code http://127.0.0.1:4566/video-transcoded} ({@link #bucketUrlAt}, what the app sets
 *                        when an endpoint is configured); empty → the AWS virtual-host URL
 *                        {@code https://BUCKET.s3.REGION.amazonaws.com} ({@code pipeline.mail.link.public-base-url})
 * @param region          for the default public URL ({@code pipeline.aws.region})
 * @param presignLifetime lifetime of presigned links, at most 7 days (SigV4's limit; with temporary
 *                        credentials the link dies with the session anyway) ({@code pipeline.mail.link.lifetime})
 */
public record LinkSettings(Mode mode, String publicBaseUrl, String region, Duration presignLifetime) {

    /** SigV4 presigned URLs cannot live longer than this. */
    public static final Duration MAX_PRESIGN_LIFETIME = Duration.ofDays(7);

    public enum Mode {
        AUTO, PUBLIC, PRESIGNED;

        public static Mode parse(String text) {
            String wanted = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
            return Arrays.stream(values()).filter(m -> m.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("pipeline.mail.link.mode: unknown mode '" + text
                            + "'; expected auto, public or presigned"));
        }
    }

    public LinkSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(presignLifetime, "presignLifetime");
        if (presignLifetime.isNegative() || presignLifetime.isZero()
                || presignLifetime.compareTo(MAX_PRESIGN_LIFETIME) > 0) {
            throw new IllegalArgumentException("pipeline.mail.link.lifetime must be between 1 s and 7 days"
                    + " (the SigV4 limit for presigned URLs), got " + presignLifetime);
        }
        publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.strip();
        while (publicBaseUrl.endsWith("/")) {
            publicBaseUrl = publicBaseUrl.substring(0, publicBaseUrl.length() - 1);
        }
        if (publicBaseUrl.isEmpty() && (region == null || region.isBlank())) {
            throw new IllegalArgumentException("LinkSettings: region is required when no public base URL is set");
        }
    }

    /**
     * The base URL of {@code bucket} at an S3 endpoint other than AWS's (the local cloud, LocalStack), for public links
     * when no {@code publicBaseUrl} is configured: {@code ENDPOINT/BUCKET} path-style, else
     * {@code scheme://BUCKET.host[:port]}.
     */
    public static String bucketUrlAt(URI endpoint, boolean pathStyle, String bucket) {
        String base = endpoint.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (pathStyle) {
            return base + "/" + bucket;
        }
        return endpoint.getScheme() + "://" + bucket + "." + endpoint.getRawAuthority();
    }

    /** auto, AWS URLs in us-east-1, links valid 7 days. */
    public static LinkSettings defaults() {
        return new LinkSettings(Mode.AUTO, "", "us-east-1", MAX_PRESIGN_LIFETIME);
    }
}
