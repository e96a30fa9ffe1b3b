package io.videopipeline.localcloud.gateway;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
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
 * S3 is streamed to S3Proxy (which checks signatures itself), except bucket notification configuration, Object
 * Ownership and bucket CORS, which S3Proxy lacks and are answered here (see S3Service, also for anonymous reads). SQS and SNS are small requests: buffered, their SigV4
 * signature verified here, then answered in this JVM (ElasticMQ has no port of its own).
 */
public final class Gateway extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
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

    private final StreamingService s3;
    private final AwsWireService sqs;
    private final SigV4Verifier verifier;
    private final AwsQueryService sns;
    private final AwsRestService elasticTranscoder;
    private final String defaultRegion;

    /**
     * @param s3                every request no other service claims; it checks signatures itself
     * @param sqs               SQS, handed the request after its signature is checked here
     * @param sns               SNS, or null when this local cloud has none
     * @param elasticTranscoder the Elastic Transcoder API, or null when this local cloud has none
     */
    public Gateway(StreamingService s3, AwsWireService sqs, AwsQueryService sns, AwsRestService elasticTranscoder,
                   SigV4Verifier verifier, String defaultRegion) {
        this.s3 = s3;
        this.sqs = sqs;
        this.sns = sns;
        this.elasticTranscoder = elasticTranscoder;
        this.verifier = verifier;
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
                body = HttpRequests.readBody(request);
                String action = HttpRequests.formParams(uri, body).get("Action");
                service = action == null ? Service.S3 : SNS_ACTIONS.contains(action) ? Service.SNS : Service.SQS;
            }
            switch (service) {
                case S3 -> s3.handle(request, response, callback, body);
                case SQS -> handleSqs(request, response, callback, body != null ? body : HttpRequests.readBody(request));
                case SNS -> handleSns(request, response, callback, body != null ? body : HttpRequests.readBody(request));
                case ELASTIC_TRANSCODER -> handleRestJson(request, response, callback, HttpRequests.readBody(request));
                case OTHER -> otherService(request, response, callback, scope, target);
            }
        } catch (HttpRequests.BodyTooLargeException e) {
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

    private void handleSqs(Request request, Response response, Callback callback, byte[] body) {
        boolean json = request.getHeaders().contains("X-Amz-Target");
        SigV4Verifier.Outcome outcome = verify(request, body);
        if (outcome != SigV4Verifier.Outcome.VALID) {
            AwsErrorWriter.Common error = AwsErrorWriter.Common.of(outcome);
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
                    && known != HttpHeader.TRANSFER_ENCODING && (known == null || !HttpRequests.HOP_HEADERS.contains(known))) {
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
                    AwsErrorWriter.write(response, callback, answer);
                });
    }

    private void handleSns(Request request, Response response, Callback callback, byte[] body) {
        SigV4Verifier.Outcome outcome = verify(request, body);
        if (outcome != SigV4Verifier.Outcome.VALID) {
            AwsErrorWriter.query(response, callback, AwsErrorWriter.SNS_XMLNS, AwsErrorWriter.Common.of(outcome));
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
        AwsErrorWriter.write(response, callback, sns.handle(HttpRequests.formParams(request.getHttpURI(), body), region));
    }

    private void handleRestJson(Request request, Response response, Callback callback, byte[] body) {
        SigV4Verifier.Outcome outcome = verify(request, body);
        if (outcome != SigV4Verifier.Outcome.VALID) {
            AwsErrorWriter.Common error = AwsErrorWriter.Common.of(outcome);
            response.getHeaders().put("x-amzn-ErrorType", error.code);
            AwsErrorWriter.write(response, callback, error.status, "application/json",
                    "{\"message\":\"" + error.message.replace("\"", "'") + "\"}");
            return;
        }
        HttpURI uri = request.getHttpURI();
        AwsErrorWriter.write(response, callback, elasticTranscoder.handle(request.getMethod(), uri.getDecodedPath(),
                HttpRequests.formParams(uri, null), body));
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
            credential = HttpRequests.queryParam(request.getHttpURI(), "X-Amz-Credential");
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
        return HttpRequests.queryParam(uri, "Action");
    }
}
