package io.videopipeline.localcloud.s3;

import io.videopipeline.localcloud.gateway.HttpRequests;
import io.videopipeline.localcloud.gateway.SigV4Verifier;
import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import java.util.Set;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jclouds.blobstore.BlobStore;

/**
 * S3 Object Ownership, which S3Proxy lacks: {@code PUT/GET/DELETE /{bucket}?ownershipControls}, and what
 * {@code BucketOwnerEnforced} means for writes — S3 refuses to set ACLs with 400 {@code AccessControlListNotSupported}
 * (PutObjectAcl, PutBucketAcl, and PutObject/CopyObject/CreateMultipartUpload carrying an {@code x-amz-acl} other
 * than {@code private} or {@code bucket-owner-full-control}); reading ACLs still works. Buckets created since
 * April 2023 default to it on AWS; here a bucket has no controls (ACLs honoured) until they are put.
 *
 * <p>Not emulated: {@code x-amz-object-ownership} on CreateBucket, and {@code x-amz-grant-*} headers.
 */
final class BucketOwnershipApi {

    /** Canned ACLs S3 still accepts on a bucket with ACLs disabled (they grant nothing beyond the owner). */
    private static final Set<String> ACCEPTED_CANNED_ACLS = Set.of("private", "bucket-owner-full-control");

    private final SigV4Verifier verifier;
    private final BlobStore blobStore;
    private final BucketOwnershipControls controls;

    BucketOwnershipApi(SigV4Verifier verifier, BlobStore blobStore, BucketOwnershipControls controls) {
        this.verifier = verifier;
        this.blobStore = blobStore;
        this.controls = controls;
    }

    /** {@code /{bucket}?ownershipControls}. */
    void handle(Request request, Response response, Callback callback, String bucket, byte[] body) {
        if (!BucketSubresource.admit(verifier, blobStore, request, response, callback, bucket, body)) {
            return;
        }
        switch (request.getMethod()) {
            case "GET" -> {
                String ownership = controls.get(bucket);
                if (ownership == null) {
                    AwsErrorWriter.s3(response, callback, 404, "OwnershipControlsNotFoundError",
                            "The bucket ownership controls were not found", bucket);
                } else {
                    AwsErrorWriter.write(response, callback, 200, "application/xml", BucketOwnershipControls.toXml(ownership));
                }
            }
            case "PUT" -> {
                try {
                    controls.put(bucket, BucketOwnershipControls.parse(body));
                } catch (IllegalArgumentException e) {
                    AwsErrorWriter.s3(response, callback, 400, "MalformedXML", "The XML you provided was not well-formed or did"
                            + " not validate against our published schema (" + e.getMessage() + ")", null);
                    return;
                }
                AwsErrorWriter.write(response, callback, 200, "application/xml", "");
            }
            case "DELETE" -> {
                controls.remove(bucket);
                response.setStatus(204);
                callback.succeeded();
            }
            default -> AwsErrorWriter.s3(response, callback, 405, "MethodNotAllowed",
                    "The specified method is not allowed against this resource.", bucket);
        }
    }

    /**
     * True when the request would set an ACL on a bucket (or an object in a bucket) whose Object Ownership is
     * BucketOwnerEnforced: the gateway then answers {@link #refuse} instead of forwarding it.
     */
    boolean setsDisabledAcl(Request request, String bucket) {
        if (bucket == null || !controls.aclsDisabled(bucket)) {
            return false;
        }
        String method = request.getMethod();
        HttpURI uri = request.getHttpURI();
        String cannedAcl = request.getHeaders().get("x-amz-acl");
        if ("PUT".equals(method) && HttpRequests.hasQueryParam(uri, "acl")) {
            // PutObjectAcl / PutBucketAcl: only the owner-full-control canned ACL is still accepted
            return !"bucket-owner-full-control".equals(cannedAcl);
        }
        boolean writesObject = "PUT".equals(method) && uri.getQuery() == null
                || "POST".equals(method) && HttpRequests.hasQueryParam(uri, "uploads");
        return writesObject && cannedAcl != null && !ACCEPTED_CANNED_ACLS.contains(cannedAcl);
    }

    /** S3's answer to setting an ACL on a bucket with ACLs disabled. */
    void refuse(Request request, Response response, Callback callback, byte[] body) {
        if (body != null && !BucketSubresource.authorized(verifier, request, response, callback, body)) {
            return;
        }
        AwsErrorWriter.s3(response, callback, 400, "AccessControlListNotSupported", "The bucket does not allow ACLs",
                null);
    }
}
