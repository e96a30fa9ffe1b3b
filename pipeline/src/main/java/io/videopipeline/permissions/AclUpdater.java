package io.videopipeline.permissions;

import io.videopipeline.failure.AwsErrors;
import io.videopipeline.logging.LogText;
import io.videopipeline.stream.StreamKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * set-permissions: writes the configured canned ACL on a rendition, as the seed's
 * {@code set-permissions} Lambda did with {@code public-read}.
 *
 * <p>Only objects in the transcoded bucket under the output prefix are touched: the queue is fed by
 * S3 events, but anyone able to send to it could otherwise make any object public.
 */
public final class AclUpdater {

    private static final Logger LOG = LoggerFactory.getLogger(AclUpdater.class);
    static final String ACLS_NOT_SUPPORTED = "AccessControlListNotSupported";

    private final S3Client s3;
    private final AclSettings settings;

    public AclUpdater(S3Client s3, AclSettings settings) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public AclSettings settings() {
        return settings;
    }

    /**
     * Applies the configured ACL to {@code s3://bucket/key}.
     *
     * @return what was done; {@code applied == false} in mode {@code none}
     * @throws PermissionDeniedException the object is outside the transcoded bucket/prefix (permanent)
     * @throws AclsDisabledException     the bucket has ACLs disabled (permanent)
     * @throws AclUpdateException        any other S3 failure; {@link io.videopipeline.failure.FailureClassifier#isTransient} tells whether to retry
     */
    public AclResult apply(String bucket, String key) {
        if (bucket == null || bucket.isBlank() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException("set-permissions: bucket and key are required (got bucket="
                    + bucket + ", key=" + key + ")");
        }
        if (settings.mode() == AclMode.NONE) {
            LOG.debug("pipeline.acl.mode=none: leaving ACL of s3://{}/{} unchanged", bucket, key);
            return AclResult.skipped(bucket, key);
        }
        if (!settings.transcodedBucket().equals(bucket)) {
            throw new PermissionDeniedException("set-permissions refuses s3://" + bucket + "/" + key
                    + ": only objects in the transcoded bucket '" + settings.transcodedBucket() + "' are changed");
        }
        if (!settings.covers(key)) {
            throw new PermissionDeniedException("set-permissions refuses s3://" + bucket + "/" + key
                    + ": key is outside the output prefix '" + settings.outputPrefix() + "'");
        }
        if (StreamKeys.isMaster(key)) {
            applyToPackage(bucket, key);
        } else {
            put(bucket, key);
            LOG.info("Set ACL {} on s3://{}/{}", settings.mode().value(), bucket, LogText.safe(key));
        }
        return new AclResult(bucket, key, true, settings.mode().value());
    }

    /**
     * "Stream ready": every object of the package's folder {@code {p}{n}/} (playlists, init and media segments,
     * poster, pictures, whatever a backend names them) gets the ACL, the master last, so a readable master means a
     * readable package. Not the MP4 renditions (their own events set theirs), the {@code .json} metadata and the mail
     * ledger's {@code .mailed} markers, which stay as they are.
     */
    private void applyToPackage(String bucket, String master) {
        String prefix = StreamKeys.packagePrefix(master);
        List<String> parts = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            String key = object.key();
            if (!key.equals(master) && StreamKeys.isPackageObject(key)) {
                if (parts.size() == settings.packageMaxObjects()) {
                    throw new PermissionDeniedException("set-permissions refuses the package of s3://" + bucket + "/"
                            + LogText.safe(master) + ": its folder holds more than " + settings.packageMaxObjects()
                            + " objects (pipeline.acl.package-max-objects)");
                }
                parts.add(key);
            }
        }
        for (String part : parts) {
            put(bucket, part);
        }
        put(bucket, master);
        LOG.info("Stream ready: ACL {} on s3://{}/{} and {} package object(s) under it", settings.mode().value(),
                bucket, LogText.safe(master), parts.size());
    }

    private void put(String bucket, String key) {
        try {
            s3.putObjectAcl(b -> b.bucket(bucket).key(key).acl(settings.mode().cannedAcl()));
        } catch (SdkException e) {
            if (AwsErrors.errorCode(e).filter(ACLS_NOT_SUPPORTED::equals).isPresent()) {
                throw new AclsDisabledException(bucket, key, e);
            }
            throw new AclUpdateException("PutObjectAcl " + settings.mode().value() + " on s3://" + bucket + "/"
                    + LogText.safe(key) + " failed: " + e.getMessage(), e);
        }
    }
}
