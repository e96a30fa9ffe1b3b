package io.videopipeline.notify;

import io.videopipeline.permissions.AclMode;
import io.videopipeline.permissions.AclSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Makes the link a notification mail carries: the plain public URL when anyone may read the object,
 * otherwise a presigned GET with a bounded lifetime.
 *
 * <p>In {@code auto} mode the choice follows the configured ACL mode ({@code pipeline.acl.mode}, what
 * set-permissions will do to the rendition), never the object's ACL at the moment the mail is made: set-permissions
 * runs on its own queue, so reading the ACL raced it and one upload's mails mixed public and presigned links. Now
 * {@code public-read} (for keys under {@code pipeline.acl.output-prefix} in the transcoded bucket) gives the public
 * URL, anything else a presigned one. The public URL works once set-permissions has run — usually before the mail
 * is read; until then (or if set-permissions failed) it answers 403.
 */
public final class LinkMaker {

    private final S3Presigner presigner;
    private final LinkSettings settings;
    private final AclSettings acl;
    private final Clock clock;

    /**
     * @param acl what set-permissions does ({@code pipeline.acl.*}): decides {@code auto} links
     */
    public LinkMaker(S3Presigner presigner, LinkSettings settings, AclSettings acl) {
        this(presigner, settings, acl, Clock.systemUTC());
    }

    LinkMaker(S3Presigner presigner, LinkSettings settings, AclSettings acl, Clock clock) {
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.acl = Objects.requireNonNull(acl, "acl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The link for {@code s3://bucket/key} according to the mode. */
    public Link linkFor(String bucket, String key) {
        if (bucket == null || bucket.isBlank() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException("link: bucket and key are required (got bucket=" + bucket
                    + ", key=" + key + ")");
        }
        boolean isPublic = switch (settings.mode()) {
            case PUBLIC -> true;
            case PRESIGNED -> false;
            case AUTO -> madePublic(bucket, key);
        };
        return isPublic ? publicLink(bucket, key) : presignedLink(bucket, key);
    }

    /** Whether set-permissions, as configured, makes this object public-read. */
    private boolean madePublic(String bucket, String key) {
        return acl.mode() == AclMode.PUBLIC_READ && acl.transcodedBucket().equals(bucket) && acl.covers(key);
    }

    /** {@code {base}/{key}} with every path segment percent-encoded (UTF-8, space as %20, slashes kept). */
    public Link publicLink(String bucket, String key) {
        String base = settings.publicBaseUrl().isEmpty()
                ? "https://" + bucket + ".s3." + settings.region() + ".amazonaws.com"
                : settings.publicBaseUrl();
        return new Link(base + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(key), true, null);
    }

    public Link presignedLink(String bucket, String key) {
        Instant expires = clock.instant().plus(settings.presignLifetime());
        String url = presigner.presignGetObject(p -> p.signatureDuration(settings.presignLifetime())
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
        return new Link(url, false, expires);
    }
}
