package io.videopipeline.localcloud.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.blobstore.domain.BlobAccess;

import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * Which anonymous (unsigned) reads S3 with Block Public Access off would serve: GET/HEAD of an object whose ACL grants
 * AllUsers READ (S3Proxy's stores keep that as the blob's public-read flag: a file mode bit on the filesystem store),
 * unless the bucket's Object Ownership is BucketOwnerEnforced, which switches ACLs off. Everything else anonymous —
 * a private or missing object, a listing, a write — S3 answers 403 AccessDenied (a caller who may not list the bucket
 * does not learn whether a key exists).
 */
final class PublicReadAccess {

    private final BlobStore blobStore;
    private final BucketOwnershipControls ownership;

    PublicReadAccess(BlobStore blobStore, BucketOwnershipControls ownership) {
        this.blobStore = blobStore;
        this.ownership = ownership;
    }

    /**
     * The object's path, encoded as the AWS SDK encodes it, when anyone may read it; null when not.
     *
     * @param rawPath the request's path-style path as sent ({@code /bucket/key}, percent-encoded); decoded the way
     *                S3Proxy decodes it, and the answer decodes there to the same object, so the object checked is
     *                the object served
     */
    String publicObjectPath(String rawPath) {
        String[] parts = rawPath == null ? new String[0] : rawPath.split("/", 3);
        if (parts.length < 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
            return null;
        }
        String bucket = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        String key = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        return readable(bucket, key) ? "/" + SdkHttpUtils.urlEncode(bucket) + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(key) : null;
    }

    private boolean readable(String bucket, String key) {
        if (ownership.aclsDisabled(bucket)) {
            return false;
        }
        try {
            return blobStore.containerExists(bucket) && blobStore.blobExists(bucket, key)
                    && blobStore.getBlobAccess(bucket, key) == BlobAccess.PUBLIC_READ;
        } catch (KeyNotFoundException e) {
            return false; // deleted since blobExists
        } catch (IllegalArgumentException e) {
            return false; // a name the store refuses (e.g. a path escaping its directory) names no object
        }
    }
}
