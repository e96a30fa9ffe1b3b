package io.videopipeline.localcloud.s3;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import io.videopipeline.localcloud.gateway.SigV4Verifier;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jclouds.blobstore.BlobStore;

/**
 * What every bucket sub-resource the local cloud answers itself (notification, ownership controls, CORS) checks
 * before its own work: a valid SigV4 signature, then an existing bucket; on failure the S3 error is answered here.
 */
final class BucketSubresource {

    private BucketSubresource() {
    }

    /** Signature and bucket checked; false when an error was answered. */
    static boolean admit(SigV4Verifier verifier, BlobStore blobStore, Request request, Response response,
                         Callback callback, String bucket, byte[] body) {
        if (!authorized(verifier, request, response, callback, body)) {
            return false;
        }
        if (!blobStore.containerExists(bucket)) {
            AwsErrorWriter.s3(response, callback, 404, "NoSuchBucket", "The specified bucket does not exist", bucket);
            return false;
        }
        return true;
    }

    /**
     * Checks the SigV4 signature of a bucket sub-resource request that never reaches S3Proxy; answers the S3 error
     * and returns false when it is not valid.
     */
    static boolean authorized(SigV4Verifier verifier, Request request, Response response, Callback callback, byte[] body) {
        HttpURI uri = request.getHttpURI();
        if (request.getHeaders().get("Authorization") == null) {
            // Presigned URLs for these configuration APIs are not supported (no client uses them).
            AwsErrorWriter.s3(response, callback, 403, "AccessDenied", "Access Denied", null);
            return false;
        }
        SigV4Verifier.Outcome outcome = verifier.verify(request.getMethod(), uri.getPath(), uri.getQuery(),
                name -> request.getHeaders().getValuesList(name), body, true);
        switch (outcome) {
            case VALID -> {
                return true;
            }
            case UNKNOWN_ACCESS_KEY -> AwsErrorWriter.s3(response, callback, 403, "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.", null);
            case MISMATCH -> AwsErrorWriter.s3(response, callback, 403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.", null);
            default -> AwsErrorWriter.s3(response, callback, 400, "AuthorizationHeaderMalformed", "The authorization header is malformed.", null);
        }
        return false;
    }
}
