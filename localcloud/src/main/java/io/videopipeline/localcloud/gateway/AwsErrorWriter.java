package io.videopipeline.localcloud.gateway;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The local cloud's error writer: AWS error responses in the shape each protocol's clients parse: S3 REST XML, the JSON protocol
 * ({@code __type} plus the {@code x-amzn-query-error} header of query-compatible services such as SQS) and the
 * query protocol's {@code ErrorResponse} XML (SQS query, SNS).
 */
public final class AwsErrorWriter {

    public static final String SQS_XMLNS = "http://queue.amazonaws.com/doc/2012-11-05/";
    public static final String SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

    /** Common error codes of every AWS API, with their status and AWS's message. */
    public enum Common {
        MISSING_AUTHENTICATION_TOKEN(403, "MissingAuthenticationToken",
                "Request is missing Authentication Token"),
        INVALID_CLIENT_TOKEN_ID(403, "InvalidClientTokenId",
                "The security token included in the request is invalid."),
        SIGNATURE_DOES_NOT_MATCH(403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                        + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."),
        INCOMPLETE_SIGNATURE(400, "IncompleteSignature", "The request signature does not conform to AWS standards."),
        INVALID_ACTION(400, "InvalidAction", "The action or operation requested is invalid. Verify that the action is typed correctly."),
        SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "The service is not available in this local cloud."),
        INTERNAL_FAILURE(500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.");

        final int status;
        final String code;
        final String message;

        Common(int status, String code, String message) {
            this.status = status;
            this.code = code;
            this.message = message;
        }

        /** The error AWS answers a request whose signature check came out so. */
        public static Common of(SigV4Verifier.Outcome outcome) {
            return switch (outcome) {
                case MISSING -> MISSING_AUTHENTICATION_TOKEN;
                case INCOMPLETE -> INCOMPLETE_SIGNATURE;
                case UNKNOWN_ACCESS_KEY -> INVALID_CLIENT_TOKEN_ID;
                case MISMATCH -> SIGNATURE_DOES_NOT_MATCH;
                case VALID -> throw new IllegalArgumentException("not an error");
            };
        }
    }

    private AwsErrorWriter() {
    }

    public static String requestId() {
        return UUID.randomUUID().toString();
    }

    /** A request id in S3's shape (16 upper-case hex digits). */
    public static String s3RequestId() {
        return requestId().replace("-", "").substring(0, 16).toUpperCase(java.util.Locale.ROOT);
    }

    public static void s3(Response response, Callback callback, int status, String code, String message, String resource) {
        String requestId = s3RequestId();
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + Xml.escape(code) + "</Code><Message>"
                + Xml.escape(message) + "</Message>" + (resource == null ? "" : "<Resource>" + Xml.escape(resource) + "</Resource>")
                + "<RequestId>" + requestId + "</RequestId><HostId>" + requestId + "</HostId></Error>";
        response.getHeaders().put("x-amz-request-id", requestId);
        write(response, callback, status, "application/xml", body);
    }

    public static void json(Response response, Callback callback, Common error) {
        json(response, callback, error.status, error.code, error.message, error.status >= 500 ? "Receiver" : "Sender");
    }

    public static void json(Response response, Callback callback, int status, String code, String message, String fault) {
        String body = "{\"__type\":\"com.amazon.coral.service#" + code + "\",\"message\":\"" + Json.escape(message) + "\"}";
        response.getHeaders().put("x-amzn-query-error", code + ";" + fault);
        response.getHeaders().put("x-amzn-RequestId", requestId());
        write(response, callback, status, "application/x-amz-json-1.0", body);
    }

    public static void query(Response response, Callback callback, String xmlns, Common error) {
        write(response, callback, error.status, "text/xml", queryBody(xmlns, error.status, error.code, error.message));
    }

    public static String queryBody(String xmlns, int status, String code, String message) {
        return queryBody(xmlns, status, code, message, requestId());
    }

    /** The query protocol's {@code ErrorResponse} (SQS query, SNS): AWS marks client mistakes "Sender", its own "Receiver". */
    public static String queryBody(String xmlns, int status, String code, String message, String requestId) {
        return "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + xmlns + "\"><Error><Type>" + (status >= 500 ? "Receiver" : "Sender")
                + "</Type><Code>" + Xml.escape(code) + "</Code><Message>" + Xml.escape(message)
                + "</Message><Detail/></Error><RequestId>" + Xml.escape(requestId) + "</RequestId></ErrorResponse>";
    }

    /** Writes a service's complete answer. */
    public static void write(Response response, Callback callback, AwsResponse answer) {
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        write(response, callback, answer.status(), answer.contentType(), answer.body());
    }

    public static void write(Response response, Callback callback, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, java.nio.ByteBuffer.wrap(bytes), callback);
    }

    /** Escaping for text placed in XML elements and attributes. */
    public static final class Xml {
        private Xml() {
        }

        /** Escapes the XML specials and drops characters XML 1.0 cannot carry at all. */
        public static String escape(String text) {
            StringBuilder out = new StringBuilder(text.length() + 16);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '&' -> out.append("&amp;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&apos;");
                    case '\r' -> out.append("&#13;");
                    default -> {
                        if (c >= 0x20 || c == '\n' || c == '\t' || Character.isSurrogate(c)) {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }

    /** Minimal escaping for JSON string values. */
    public static final class Json {
        private Json() {
        }

        public static String escape(String text) {
            StringBuilder out = new StringBuilder(text.length() + 16);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }
}
