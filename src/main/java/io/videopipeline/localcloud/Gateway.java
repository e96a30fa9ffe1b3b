package io.videopipeline.localcloud;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cloud's one endpoint. Routes each request to a service the way AWS's front ends can tell them apart:
 * the SigV4 credential scope's service ({@code Authorization} header or presigned {@code X-Amz-Credential}), then
 * {@code X-Amz-Target} (JSON protocol), then the query protocol's {@code Action}; anything else is S3.
 * S3 is streamed to S3Proxy (which checks signatures itself), except bucket notification configuration and Object
 * Ownership, which S3Proxy lacks and are answered here. SQS and SNS are small requests: buffered, their SigV4
 * signature verified here, then answered in this JVM (ElasticMQ has no port of its own, see {@link SqsBackend}).
 */
final class Gateway extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final int MAX_API_BODY = 4 * 1024 * 1024;
    private static final String HEALTH_PATH = "/_localcloud/health";

    /** SNS's query-protocol actions, to route unsigned/unscoped form requests (SQS's overlap none of them). */
    private static final Set<String> SNS_ACTIONS = Set.of("AddPermission", "CheckIfPhoneNumberIsOptedOut", "ConfirmSubscription",
            "CreatePlatformApplication", "CreatePlatformEndpoint", "CreateSMSSandboxPhoneNumber", "CreateTopic", "DeleteEndpoint",
            "DeletePlatformApplication", "DeleteSMSSandboxPhoneNumber", "DeleteTopic", "GetDataProtectionPolicy", "GetEndpointAttributes",
            "GetPlatformApplicationAttributes", "GetSMSAttributes", "GetSMSSandboxAccountStatus", "GetSubscriptionAttributes",
            "GetTopicAttributes", "ListEndpointsByPlatformApplication", "ListOriginationNumbers", "ListPhoneNumbersOptedOut",
            "ListPlatformApplications", "ListSMSSandboxPhoneNumbers", "ListSubscriptions", "ListSubscriptionsByTopic",
            "ListTagsForResource", "ListTopics", "OptInPhoneNumber", "Publish", "PublishBatch", "PutDataProtectionPolicy",
            "RemovePermission", "SetEndpointAttributes", "SetPlatformApplicationAttributes", "SetSMSAttributes",
            "SetSubscriptionAttributes", "SetTopicAttributes", "Subscribe", "TagResource", "Unsubscribe", "UntagResource",
            "VerifySMSSandboxPhoneNumber");

    enum Service { S3, SQS, SNS, ELASTIC_TRANSCODER, OTHER }

    private final HttpClient client;
    private final S3Forwarder s3;
    private final BucketNotificationApi notifications;
    private final BucketOwnershipApi ownership;
    private final SqsBackend sqs;
    private final SigV4Verifier verifier;
    private final AwsQueryService sns;
    private final AwsRestService elasticTranscoder;
    private final String defaultRegion;

    Gateway(HttpClient client, int s3Port, SqsBackend sqs, BucketNotificationApi notifications, BucketOwnershipApi ownership,
            SigV4Verifier verifier,
            AwsQueryService sns, AwsRestService elasticTranscoder, String defaultRegion) {
        this.client = client;
        this.s3 = new S3Forwarder(client, s3Port);
        this.notifications = notifications;
        this.ownership = ownership;
        this.sqs = sqs;
        this.verifier = verifier;
        this.sns = sns;
        this.elasticTranscoder = elasticTranscoder;
        this.defaultRegion = defaultRegion;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Service service = Service.S3;
        try {
            HttpURI uri = request.getHttpURI();
            if (HEALTH_PATH.equals(uri.getPath())) {
                AwsErrorWriter.write(response, callback, 200, "text/plain", "OK");
                return true;
            }
            String scope = credentialScopeService(request);
            String target = request.getHeaders().get("X-Amz-Target");
            byte[] body = null;
            if (scope != null) {
                service = switch (scope) {
                    case "s3" -> Service.S3;
                    case "sqs" -> Service.SQS;
                    case "sns" -> Service.SNS;
                    case "elastictranscoder" -> elasticTranscoder != null ? Service.ELASTIC_TRANSCODER : Service.OTHER;
                    default -> Service.OTHER;
                };
            } else if (target != null) {
                service = target.startsWith("AmazonSQS.") ? Service.SQS : Service.OTHER;
            } else if (isForm(request) || queryAction(uri) != null) {
                body = readBody(request);
                String action = formParams(uri, body).get("Action");
                service = action == null ? Service.S3 : SNS_ACTIONS.contains(action) ? Service.SNS : Service.SQS;
            }
            switch (service) {
                case S3 -> handleS3(request, response, callback, body);
                case SQS -> handleSqs(request, response, callback, body != null ? body : readBody(request));
                case SNS -> handleSns(request, response, callback, body != null ? body : readBody(request));
                case ELASTIC_TRANSCODER -> handleRestJson(request, response, callback, readBody(request));
                case OTHER -> otherService(request, response, callback, scope, target);
            }
        } catch (BodyTooLargeException e) {
            writeError(service, request, response, callback, 413, "RequestEntityTooLarge", e.getMessage());
        } catch (Exception e) {
            LOG.warn("{} request {} {} failed", service, request.getMethod(), request.getHttpURI().getPath(), e);
            if (!response.isCommitted()) {
                response.reset();
                writeError(service, request, response, callback, 500, "InternalFailure", "The local cloud failed: " + e);
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    private void handleS3(Request request, Response response, Callback callback, byte[] bufferedBody) throws IOException {
        HttpURI uri = request.getHttpURI();
        boolean signed = request.getHeaders().contains(HttpHeader.AUTHORIZATION) || hasQueryParam(uri, "X-Amz-Credential")
                || hasQueryParam(uri, "AWSAccessKeyId");
        if (!signed) {
            // S3 answers anonymous requests to non-public resources like this; the local cloud has no public ones.
            AwsErrorWriter.s3(response, callback, 403, "AccessDenied", "Access Denied", null);
            return;
        }
        String bucket = BucketNotificationApi.bucketOf(uri.getPath());
        if (bucket != null && hasQueryParam(uri, "notification")) {
            notifications.handle(request, response, callback, bucket, bufferedBody != null ? bufferedBody : readBody(request));
            return;
        }
        if (bucket != null && hasQueryParam(uri, "ownershipControls")) {
            ownership.handle(request, response, callback, bucket, bufferedBody != null ? bufferedBody : readBody(request));
            return;
        }
        if (bufferedBody == null && ownership.setsDisabledAcl(request, bucketOfAnyPath(uri.getPath()))) {
            // An ACL request's small body is read to check its signature; an object upload's is not read at all.
            ownership.refuse(request, response, callback, hasQueryParam(uri, "acl") ? readBody(request) : null);
            return;
        }
        if (bufferedBody != null) {
            // Only form posts without an Action get here; S3 has no such API.
            AwsErrorWriter.s3(response, callback, 400, "InvalidRequest", "A form-encoded POST without an Action is not an S3 request", null);
            return;
        }
        s3.forward(request, response, callback);
    }

    /** The bucket of a path-style bucket or object URL ({@code /bucket}, {@code /bucket/key}), or null. */
    static String bucketOfAnyPath(String path) {
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            return null;
        }
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path.substring(1) : slash == 1 ? null : path.substring(1, slash);
    }

    private void handleSqs(Request request, Response response, Callback callback, byte[] body) {
        boolean json = request.getHeaders().contains("X-Amz-Target");
        SigV4Verifier.Outcome outcome = verify(request, body);
        if (outcome != SigV4Verifier.Outcome.VALID) {
            AwsErrorWriter.Common error = authError(outcome);
            if (json) {
                AwsErrorWriter.json(response, callback, error);
            } else {
                AwsErrorWriter.query(response, callback, AwsErrorWriter.SQS_XMLNS, error);
            }
            return;
        }
        HttpURI uri = request.getHttpURI();
        String pathAndQuery = uri.getPath() + (uri.getQuery() == null ? "" : "?" + uri.getQuery());
        java.util.List<Map.Entry<String, String>> headers = new java.util.ArrayList<>();
        for (HttpField field : request.getHeaders()) {
            HttpHeader known = field.getHeader();
            if (known != HttpHeader.HOST && known != HttpHeader.CONTENT_TYPE && known != HttpHeader.CONTENT_LENGTH
                    && known != HttpHeader.TRANSFER_ENCODING && (known == null || !S3Forwarder.HOP_HEADERS.contains(known))) {
                headers.add(Map.entry(field.getName(), field.getValue()));
            }
        }
        // ElasticMQ answers in this JVM (it has no port: see SqsBackend); a long poll completes up to 20 s later.
        sqs.handle(request.getMethod(), pathAndQuery, headers, request.getHeaders().get(HttpHeader.CONTENT_TYPE), body)
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        LOG.warn("SQS request failed inside ElasticMQ: {}", failure.toString());
                        if (json) {
                            AwsErrorWriter.json(response, callback, AwsErrorWriter.Common.SERVICE_UNAVAILABLE);
                        } else {
                            AwsErrorWriter.query(response, callback, AwsErrorWriter.SQS_XMLNS, AwsErrorWriter.Common.SERVICE_UNAVAILABLE);
                        }
                        return;
                    }
                    response.setStatus(answer.status());
                    for (Map.Entry<String, String> h : answer.headers()) {
                        response.getHeaders().add(h.getKey(), h.getValue());
                    }
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
                    response.write(true, ByteBuffer.wrap(answer.body()), callback);
                });
    }

    private void handleSns(Request request, Response response, Callback callback, byte[] body) {
        SigV4Verifier.Outcome outcome = verify(request, body);
        if (outcome != SigV4Verifier.Outcome.VALID) {
            AwsErrorWriter.query(response, callback, AwsErrorWriter.SNS_XMLNS, authError(outcome));
            return;
        }
        if (sns == null) {
            AwsErrorWriter.write(response, callback, 400, "text/xml", AwsErrorWriter.queryBody(AwsErrorWriter.SNS_XMLNS, 400, "InvalidAction",
                    "SNS is not available in this local cloud"));
            return;
        }
        String region = defaultRegion;
        SigV4Verifier.Authorization auth = SigV4Verifier.Authorization.parse(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        if (auth != null) {
            region = auth.region();
        }
        AwsResponse answer = sns.handle(formParams(request.getHttpURI(), body), region);
        AwsErrorWriter.write(response, callback, answer.status(), answer.contentType(), answer.body());
    }

    private void handleRestJson(Request request, Response response, Callback callback, byte[] body) {
        SigV4Verifier.Outcome outcome = verify(request, body);
        if (outcome != SigV4Verifier.Outcome.VALID) {
            AwsErrorWriter.Common error = authError(outcome);
            response.getHeaders().put("x-amzn-ErrorType", error.code);
            AwsErrorWriter.write(response, callback, error.status, "application/json",
                    "{\"message\":\"" + error.message.replace("\"", "'") + "\"}");
            return;
        }
        HttpURI uri = request.getHttpURI();
        AwsRestService.Answer answer = elasticTranscoder.handle(request.getMethod(), uri.getDecodedPath(),
                formParams(uri, null), body);
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        AwsErrorWriter.write(response, callback, answer.status(), answer.contentType(), answer.body());
    }

    private void otherService(Request request, Response response, Callback callback, String scope, String target) {
        String what = scope != null ? "service '" + scope + "'" : "target '" + target + "'";
        if (target != null) {
            AwsErrorWriter.json(response, callback, 400, "UnknownOperationException", "The local cloud does not serve " + what, "Sender");
        } else {
            AwsErrorWriter.write(response, callback, 400, "text/xml", AwsErrorWriter.queryBody(AwsErrorWriter.SQS_XMLNS, 400, "InvalidAction",
                    "The local cloud does not serve " + what));
        }
    }

    private SigV4Verifier.Outcome verify(Request request, byte[] body) {
        HttpURI uri = request.getHttpURI();
        return verifier.verify(request.getMethod(), uri.getPath(), uri.getQuery(),
                name -> request.getHeaders().getValuesList(name), body, false);
    }

    static AwsErrorWriter.Common authError(SigV4Verifier.Outcome outcome) {
        return switch (outcome) {
            case MISSING -> AwsErrorWriter.Common.MISSING_AUTHENTICATION_TOKEN;
            case INCOMPLETE -> AwsErrorWriter.Common.INCOMPLETE_SIGNATURE;
            case UNKNOWN_ACCESS_KEY -> AwsErrorWriter.Common.INVALID_CLIENT_TOKEN_ID;
            case MISMATCH -> AwsErrorWriter.Common.SIGNATURE_DOES_NOT_MATCH;
            case VALID -> throw new IllegalArgumentException("not an error");
        };
    }

    private void writeError(Service service, Request request, Response response, Callback callback, int status, String code,
                            String message) {
        switch (service) {
            case S3 -> AwsErrorWriter.s3(response, callback, status, code, message, null);
            case SNS -> AwsErrorWriter.write(response, callback, status, "text/xml", AwsErrorWriter.queryBody(AwsErrorWriter.SNS_XMLNS, status, code, message));
            default -> {
                if (request.getHeaders().contains("X-Amz-Target")) {
                    AwsErrorWriter.json(response, callback, status, code, message, status >= 500 ? "Receiver" : "Sender");
                } else {
                    AwsErrorWriter.write(response, callback, status, "text/xml", AwsErrorWriter.queryBody(AwsErrorWriter.SQS_XMLNS, status, code, message));
                }
            }
        }
    }

    /** The service of the SigV4 credential scope ({@code AK/date/region/SERVICE/aws4_request}), or null. */
    static String credentialScopeService(Request request) {
        String credential = null;
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            int at = authorization.indexOf("Credential=");
            if (at >= 0) {
                int end = authorization.indexOf(',', at);
                credential = authorization.substring(at + "Credential=".length(), end < 0 ? authorization.length() : end).trim();
            } else if (authorization.startsWith("AWS ")) {
                return "s3"; // SigV2 is only still spoken by S3
            }
        } else {
            credential = queryParam(request.getHttpURI(), "X-Amz-Credential");
        }
        if (credential == null) {
            return null;
        }
        String[] parts = credential.split("/");
        return parts.length == 5 ? parts[3].toLowerCase(Locale.ROOT) : null;
    }

    private static boolean isForm(Request request) {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return "POST".equals(request.getMethod()) && contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static String queryAction(HttpURI uri) {
        return queryParam(uri, "Action");
    }

    static boolean hasQueryParam(HttpURI uri, String name) {
        if (uri.getQuery() == null) {
            return false;
        }
        for (String[] param : SigV4Verifier.queryParams(uri.getQuery())) {
            if (param[0].equals(name)) {
                return true;
            }
        }
        return false;
    }

    static String queryParam(HttpURI uri, String name) {
        if (uri.getQuery() == null) {
            return null;
        }
        for (String[] param : SigV4Verifier.queryParams(uri.getQuery())) {
            if (param[0].equals(name)) {
                return param[1];
            }
        }
        return null;
    }

    /** Query string and form body parameters (form encoding: {@code +} is a space). */
    static Map<String, String> formParams(HttpURI uri, byte[] body) {
        Map<String, String> params = new LinkedHashMap<>();
        addForm(params, uri.getQuery());
        if (body != null && body.length > 0) {
            addForm(params, new String(body, StandardCharsets.UTF_8));
        }
        return params;
    }

    private static void addForm(Map<String, String> params, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
    }

    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }

    static byte[] readBody(Request request) throws IOException {
        long length = request.getLength();
        if (length > MAX_API_BODY) {
            throw new BodyTooLargeException("Request body of " + length + " bytes exceeds the " + MAX_API_BODY + " byte limit of API calls");
        }
        try {
            return Content.Source.asByteArrayAsync(request, MAX_API_BODY).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while reading the request body", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("Could not read the request body: " + e.getCause(), e.getCause());
        }
    }
}
