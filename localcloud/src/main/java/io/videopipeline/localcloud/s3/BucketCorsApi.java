package io.videopipeline.localcloud.s3;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jclouds.blobstore.BlobStore;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import io.videopipeline.localcloud.gateway.SigV4Verifier;

/**
 * Bucket CORS, which S3Proxy has only as one global setting: {@code PUT/GET/DELETE /{bucket}?cors} (kept in
 * {@link BucketCorsRules}), preflight {@code OPTIONS} answered from the
 * bucket's rules as S3 answers it, and the {@code Access-Control-*} headers on actual requests whose origin and
 * method a rule allows — so a page served from an allowed origin can play renditions and upload.
 */
final class BucketCorsApi {

    private static final String VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

    private final SigV4Verifier verifier;
    private final BlobStore blobStore;
    private final BucketCorsRules configurations;

    BucketCorsApi(SigV4Verifier verifier, BlobStore blobStore, BucketCorsRules configurations) {
        this.verifier = verifier;
        this.blobStore = blobStore;
        this.configurations = configurations;
    }

    /** {@code /{bucket}?cors}: PutBucketCors, GetBucketCors, DeleteBucketCors. */
    void handle(Request request, Response response, Callback callback, String bucket, byte[] body) {
        if (!BucketSubresource.admit(verifier, blobStore, request, response, callback, bucket, body)) {
            return;
        }
        switch (request.getMethod()) {
            case "GET" -> {
                CorsConfiguration configuration = configurations.get(bucket);
                if (configuration == null) {
                    AwsErrorWriter.s3(response, callback, 404, "NoSuchCORSConfiguration", "The CORS configuration does not exist",
                            bucket);
                } else {
                    AwsErrorWriter.write(response, callback, 200, "application/xml",
                            new String(configuration.toXmlBytes(), StandardCharsets.UTF_8));
                }
            }
            case "PUT" -> {
                try {
                    configurations.put(bucket, CorsConfiguration.parse(body));
                } catch (CorsConfiguration.InvalidCorsException e) {
                    AwsErrorWriter.s3(response, callback, 400, e.code, e.getMessage(), null);
                    return;
                }
                AwsErrorWriter.write(response, callback, 200, "application/xml", "");
            }
            case "DELETE" -> {
                configurations.remove(bucket);
                response.setStatus(204);
                callback.succeeded();
            }
            default -> AwsErrorWriter.s3(response, callback, 405, "MethodNotAllowed",
                    "The specified method is not allowed against this resource.", bucket);
        }
    }

    /** A browser's preflight ({@code OPTIONS} with Origin and Access-Control-Request-Method), answered as S3 does. */
    void preflight(Request request, Response response, Callback callback, String bucket) {
        HttpFields headers = request.getHeaders();
        String origin = headers.get(HttpHeader.ORIGIN);
        String method = headers.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
        if (origin == null) {
            AwsErrorWriter.s3(response, callback, 400, "BadRequest", "Insufficient information. Origin request header needed.", null);
            return;
        }
        if (method == null) {
            AwsErrorWriter.s3(response, callback, 400, "BadRequest", "Invalid Access-Control-Request-Method: null", null);
            return;
        }
        if (!blobStore.containerExists(bucket)) {
            AwsErrorWriter.s3(response, callback, 404, "NoSuchBucket", "The specified bucket does not exist", bucket);
            return;
        }
        CorsConfiguration configuration = configurations.get(bucket);
        if (configuration == null) {
            AwsErrorWriter.s3(response, callback, 403, "AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", null);
            return;
        }
        String requested = headers.get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        List<String> requestHeaders = requested == null || requested.isBlank() ? List.of()
                : Arrays.stream(requested.split(",")).map(String::trim).filter(h -> !h.isEmpty()).toList();
        CorsConfiguration.Rule rule = configuration.match(origin, method, requestHeaders);
        if (rule == null) {
            AwsErrorWriter.s3(response, callback, 403, "AccessForbidden", "CORSResponse: This CORS request is not allowed. This is"
                    + " usually because the evalution of Origin, request method / Access-Control-Request-Method or"
                    + " Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.", null);
            return;
        }
        allow(response, rule, origin);
        if (requested != null && !requested.isBlank()) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, requested);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        callback.succeeded();
    }

    /**
     * Puts the {@code Access-Control-*} headers on the response to an actual request with an Origin that a rule
     * of the bucket allows for its method; does nothing otherwise (the browser then withholds the response).
     */
    void decorate(Request request, Response response, String bucket) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return;
        }
        CorsConfiguration configuration = configurations.get(bucket);
        CorsConfiguration.Rule rule = configuration == null ? null : configuration.match(origin, request.getMethod(), List.of());
        if (rule != null) {
            allow(response, rule, origin);
        }
    }

    private static void allow(Response response, CorsConfiguration.Rule rule, String origin) {
        HttpFields.Mutable headers = response.getHeaders();
        boolean anyOrigin = "*".equals(rule.originMatching(origin));
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, anyOrigin ? "*" : origin);
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", rule.allowedMethods()));
        if (!rule.exposeHeaders().isEmpty()) {
            headers.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", rule.exposeHeaders()));
        }
        if (rule.maxAgeSeconds() != null) {
            headers.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, rule.maxAgeSeconds().toString());
        }
        if (!anyOrigin) {
            headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        headers.put(HttpHeader.VARY, VARY);
    }
}
