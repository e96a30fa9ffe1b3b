package io.videopipeline.permissions;

/**
 * What set-permissions did to one object.
 *
 * @param bucket    the bucket
 * @param key       the object key
 * @param applied   {@code false} when the mode is {@code none} (nothing was sent to S3)
 * @param cannedAcl the canned ACL written ({@code public-read}, {@code private}), or {@code none}
 */
public record AclResult(String bucket, String key, boolean applied, String cannedAcl) {

    static AclResult skipped(String bucket, String key) {
        return new AclResult(bucket, key, false, AclMode.NONE.value());
    }
}
