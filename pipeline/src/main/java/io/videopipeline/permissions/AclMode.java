package io.videopipeline.permissions;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/** What set-permissions does with each rendition (property {@code pipeline.acl.mode}). */
public enum AclMode {
    /** The seed's behaviour: anyone with the URL can download the rendition. */
    PUBLIC_READ("public-read", ObjectCannedACL.PUBLIC_READ),
    /** Resets the object to owner-only; links must then be presigned. */
    PRIVATE("private", ObjectCannedACL.PRIVATE),
    /** Leaves ACLs alone: for buckets with ACLs disabled (BucketOwnerEnforced) or access by bucket policy. */
    NONE("none", null);

    private final String value;
    private final ObjectCannedACL cannedAcl;

    AclMode(String value, ObjectCannedACL cannedAcl) {
        this.value = value;
        this.cannedAcl = cannedAcl;
    }

    /** The property value, e.g. {@code public-read}. */
    public String value() {
        return value;
    }

    /** The canned ACL this mode writes, or {@code null} for {@link #NONE}. */
    public ObjectCannedACL cannedAcl() {
        return cannedAcl;
    }

    /** Parses a property value (case-insensitive, surrounding blanks ignored). */
    public static AclMode parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(m -> m.value.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("pipeline.acl.mode: unknown mode '" + text
                        + "'; expected one of " + Arrays.stream(values()).map(AclMode::value)
                                .collect(Collectors.joining(", "))));
    }
}
