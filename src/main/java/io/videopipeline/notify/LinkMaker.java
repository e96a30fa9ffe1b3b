package io.videopipeline.notify;

import io.videopipeline.aws.AwsErrors;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Makes the link a notification mail carries: the plain public URL when anyone may read the object,
 * otherwise a presigned GET with a bounded lifetime.
 *
 * <p>In {@code auto} mode the ACL is read when the mail is made. set-permissions runs on its own
 * queue, so the mail may be made before the ACL is set and then carries a presigned link — still a
 * working link. Set the mode to {@code public} when every rendition is made public anyway.
 */
public final class LinkMaker {

    private static final Logger LOG = LoggerFactory.getLogger(LinkMaker.class);
    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final LinkSettings settings;
    private final Clock clock;

    public LinkMaker(S3Client s3, S3Presigner presigner, LinkSettings settings) {
        this(s3, presigner, settings, Clock.systemUTC());
    }

    LinkMaker(S3Client s3, S3Presigner presigner, LinkSettings settings, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.presigner = Objects.requireNonNull(presigner, "presigner");
        this.settings = Objects.requireNonNull(settings, "settings");
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
            case AUTO -> publiclyReadable(bucket, key);
        };
        return isPublic ? publicLink(bucket, key) : presignedLink(bucket, key);
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

    private boolean publiclyReadable(String bucket, String key) {
        try {
            return s3.getObjectAcl(b -> b.bucket(bucket).key(key)).grants().stream()
                    .anyMatch(LinkMaker::grantsEveryoneRead);
        } catch (SdkException e) {
            if (AwsErrors.isTransient(e)) {
                throw e; // let the route retry rather than mail a different kind of link
            }
            // No s3:GetObjectAcl permission, or ACLs unreadable: a presigned link works either way.
            LOG.debug("Cannot read ACL of s3://{}/{} ({}); using a presigned link", bucket, key,
                    AwsErrors.errorCode(e).orElse(e.getClass().getSimpleName()));
            return false;
        }
    }

    private static boolean grantsEveryoneRead(Grant grant) {
        return grant.grantee() != null && grant.grantee().type() == Type.GROUP
                && ALL_USERS.equals(grant.grantee().uri())
                && (grant.permission() == Permission.READ || grant.permission() == Permission.FULL_CONTROL);
    }
}
