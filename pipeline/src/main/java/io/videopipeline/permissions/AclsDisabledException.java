package io.videopipeline.permissions;

import io.videopipeline.failure.ClassifiedFailure;

/**
 * S3 answered {@code AccessControlListNotSupported}: the bucket's Object Ownership is
 * {@code BucketOwnerEnforced} (the default for buckets created since April 2023), so no ACL can be
 * set. Permanent until someone changes the bucket or the pipeline's settings; the message says how.
 */
public class AclsDisabledException extends RuntimeException implements ClassifiedFailure {

    private final String bucket;

    public AclsDisabledException(String bucket, String key, Throwable cause) {
        super("Cannot set ACL on s3://" + bucket + "/" + key + ": bucket " + bucket
                + " has ACLs disabled (Object Ownership = BucketOwnerEnforced): set Object Ownership to"
                + " ObjectWriter/BucketOwnerPreferred, or set pipeline.acl.mode=none and use presigned links",
                cause);
        this.bucket = bucket;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
