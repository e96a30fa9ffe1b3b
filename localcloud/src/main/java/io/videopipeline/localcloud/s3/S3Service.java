package io.videopipeline.localcloud.s3;

import java.io.IOException;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jclouds.blobstore.BlobStore;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import io.videopipeline.localcloud.gateway.HttpRequests;
import io.videopipeline.localcloud.gateway.SigV4Verifier;
import io.videopipeline.localcloud.gateway.StreamingService;

/**
 * S3 behind the gateway: streamed to S3Proxy (which checks signatures itself), except bucket notification
 * configuration, Object Ownership and bucket CORS, which S3Proxy lacks and are answered here. Anonymous requests get
 * what S3 with Block Public Access off gives them: GET/HEAD of a public-read object, CORS preflights; 403 otherwise.
 * Conditional PutObjects of one object are forwarded one at a time ({@link ConditionalWrites}), so their condition
 * holds atomically as on S3.
 */
public final class S3Service implements StreamingService {

    private final S3Forwarder s3Proxy;
    private final BucketNotificationApi notifications;
    private final BucketOwnershipApi ownership;
    private final BucketCorsApi cors;
    private final PublicReadAccess publicRead;
    private final PublicReadSigner publicReadSigner;
    private final ConditionalWrites conditionalWrites = new ConditionalWrites();

    /**
     * @param client      the gateway's pass-through HTTP client
     * @param s3ProxyPort S3Proxy's port on 127.0.0.1
     */
    S3Service(HttpClient client, int s3ProxyPort, SigV4Verifier verifier, BlobStore blobStore,
                     NotificationConfigurationStore configurations, S3EventDispatcher events,
                     BucketOwnershipControls ownershipControls, BucketCorsRules corsRules, PublicReadSigner publicReadSigner) {
        this.s3Proxy = new S3Forwarder(client, s3ProxyPort);
        this.notifications = new BucketNotificationApi(verifier, blobStore, configurations, events);
        this.ownership = new BucketOwnershipApi(verifier, blobStore, ownershipControls);
        this.cors = new BucketCorsApi(verifier, blobStore, corsRules);
        this.publicRead = new PublicReadAccess(blobStore, ownershipControls);
        this.publicReadSigner = publicReadSigner;
    }

    @Override
    public void handle(Request request, Response response, Callback callback, byte[] bufferedBody) throws IOException {
        HttpURI uri = request.getHttpURI();
        boolean signed = request.getHeaders().contains(HttpHeader.AUTHORIZATION) || HttpRequests.hasQueryParam(uri, "X-Amz-Credential")
                || HttpRequests.hasQueryParam(uri, "AWSAccessKeyId");
        String method = request.getMethod();
        String anyBucket = bucketOfAnyPath(uri.getPath());
        // S3 has no OPTIONS operation but the preflight, answered from the CORS rules whatever the URL's query: a
        // browser's preflight for a presigned PUT (an upload part from the page) carries the URL's X-Amz-* signature
        if (anyBucket != null && "OPTIONS".equals(method)) {
            cors.preflight(request, response, callback, anyBucket);
            return;
        }
        if (anyBucket != null) {
            cors.decorate(request, response, anyBucket);
        }
        if (!signed) {
            String publicPath = ("GET".equals(method) || "HEAD".equals(method)) && uri.getQuery() == null && bufferedBody == null
                    ? publicRead.publicObjectPath(uri.getPath()) : null;
            if (publicPath != null) {
                s3Proxy.forward(request, response, callback, publicPath,
                        publicReadSigner.headers(method, request.getHeaders().get(HttpHeader.HOST), publicPath));
                return;
            }
            AwsErrorWriter.s3(response, callback, 403, "AccessDenied", "Access Denied", null);
            return;
        }
        String bucket = BucketNotificationApi.bucketOf(uri.getPath());
        if (bucket != null && HttpRequests.hasQueryParam(uri, "notification")) {
            notifications.handle(request, response, callback, bucket, bufferedBody != null ? bufferedBody : HttpRequests.readBody(request));
            return;
        }
        if (bucket != null && HttpRequests.hasQueryParam(uri, "cors")) {
            cors.handle(request, response, callback, bucket, bufferedBody != null ? bufferedBody : HttpRequests.readBody(request));
            return;
        }
        if (bucket != null && HttpRequests.hasQueryParam(uri, "ownershipControls")) {
            ownership.handle(request, response, callback, bucket, bufferedBody != null ? bufferedBody : HttpRequests.readBody(request));
            return;
        }
        if (bufferedBody == null && ownership.setsDisabledAcl(request, anyBucket)) {
            // An ACL request's small body is read to check its signature; an object upload's is not read at all.
            ownership.refuse(request, response, callback, HttpRequests.hasQueryParam(uri, "acl") ? HttpRequests.readBody(request) : null);
            return;
        }
        if (bufferedBody != null) {
            // Only form posts without an Action get here; S3 has no such API.
            AwsErrorWriter.s3(response, callback, 400, "InvalidRequest", "A form-encoded POST without an Action is not an S3 request", null);
            return;
        }
        if (ConditionalWrites.isConditionalPut(request)) {
            conditionalWrites.inTurn(uri.getPath(), request.getComponents().getExecutor(),
                    (done, answered) -> s3Proxy.forward(request, response, done, answered), callback);
            return;
        }
        s3Proxy.forward(request, response, callback);
    }

    /** The bucket of a path-style bucket or object URL ({@code /bucket}, {@code /bucket/key}), or null. */
    static String bucketOfAnyPath(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path.substring(1) : slash == 1 ? null : path.substring(1, slash);
    }
}
