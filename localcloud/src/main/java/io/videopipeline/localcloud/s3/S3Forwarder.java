package io.videopipeline.localcloud.s3;

import io.videopipeline.localcloud.gateway.AwsErrorWriter;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import io.videopipeline.localcloud.gateway.HttpRequests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams an S3 request to S3Proxy and its response back, chunk by chunk with back-pressure in both directions
 * (objects may be gigabytes; nothing is buffered whole). The request goes out byte-identical where SigV4 can see
 * it: same method, raw path and query, same headers including {@code Host}, so S3Proxy's signature check passes.
 * Only hop-by-hop headers and {@code Expect} are dropped; the gateway's own server answers {@code 100-continue}
 * when it starts reading the body.
 */
final class S3Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(S3Forwarder.class);

    private final HttpClient client;
    private final int port;

    S3Forwarder(HttpClient client, int port) {
        this.client = client;
        this.port = port;
    }

    void forward(Request request, Response response, Callback callback) {
        forward(request, response, callback, () -> { });
    }

    /**
     * Forwards, and runs {@code answered} as soon as S3Proxy's whole answer has arrived: the request has then done
     * what it will do to the store, though the client may not have sent all its body yet (an answer such as 412 comes
     * before S3Proxy reads it) nor have read the answer.
     */
    void forward(Request request, Response response, Callback callback, Runnable answered) {
        HttpURI uri = request.getHttpURI();
        forward(request, response, callback, uri.getPath() + (uri.getQuery() == null ? "" : "?" + uri.getQuery()),
                Map.of(), answered);
    }

    /** Forwards with another path and query, and {@code extraHeaders} set (an anonymous read signed by the gateway). */
    void forward(Request request, Response response, Callback callback, String pathAndQuery, Map<String, String> extraHeaders) {
        forward(request, response, callback, pathAndQuery, extraHeaders, () -> { });
    }

    private void forward(Request request, Response response, Callback callback, String pathAndQuery,
            Map<String, String> extraHeaders, Runnable answered) {
        org.eclipse.jetty.client.Request upstream = client.newRequest("127.0.0.1", port)
                .scheme("http")
                .method(request.getMethod())
                .path(pathAndQuery)
                // CompleteMultipartUpload of big objects keeps the connection alive with whitespace; a dead
                // S3Proxy is noticed by the idle timeout.
                .idleTimeout(5, TimeUnit.MINUTES)
                .headers(headers -> {
                    copyRequestHeaders(request.getHeaders(), headers);
                    extraHeaders.forEach(headers::put);
                });
        if (hasContent(request)) {
            upstream.body(new StreamedRequestContent(request));
        }
        upstream.send(new StreamingResponse(request, response, callback, answered));
    }

    static void copyRequestHeaders(HttpFields from, HttpFields.Mutable to) {
        for (HttpField field : from) {
            if (field.getHeader() != null && HttpRequests.HOP_HEADERS.contains(field.getHeader())) {
                continue;
            }
            to.add(field);
        }
    }

    private static boolean hasContent(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** The incoming request body, read on demand by the client as it sends upstream. */
    private record StreamedRequestContent(Request request) implements org.eclipse.jetty.client.Request.Content {

        @Override
        public long getLength() {
            return request.getLength();
        }

        @Override
        public Content.Chunk read() {
            return request.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            request.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            request.fail(failure);
        }

        @Override
        public String getContentType() {
            return request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        }

        @Override
        public boolean rewind() {
            return false;
        }
    }

    /** Copies S3Proxy's status, headers and body to the client as they arrive. */
    private static final class StreamingResponse extends Callback.Completable
            implements org.eclipse.jetty.client.Response.Listener {

        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Runnable answered;

        StreamingResponse(Request request, Response response, Callback callback, Runnable answered) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.answered = answered;
        }

        @Override
        public void onBegin(org.eclipse.jetty.client.Response upstream) {
            response.setStatus(upstream.getStatus());
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response upstream) {
            for (HttpField field : upstream.getHeaders()) {
                if (field.getHeader() != null && HttpRequests.HOP_HEADERS.contains(field.getHeader())) {
                    continue;
                }
                response.getHeaders().add(field);
            }
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstream, ByteBuffer content) {
            throw new UnsupportedOperationException("the demand-driven onContent is used");
        }

        @Override
        public void onContent(org.eclipse.jetty.client.Response upstream, Content.Chunk chunk, Runnable demander) {
            chunk.retain();
            response.write(false, chunk.getByteBuffer(), new Callback() {
                @Override
                public void succeeded() {
                    chunk.release();
                    demander.run();
                }

                @Override
                public void failed(Throwable failure) {
                    chunk.release();
                    upstream.abort(failure);
                }

                @Override
                public InvocationType getInvocationType() {
                    return InvocationType.NON_BLOCKING;
                }
            });
        }

        @Override
        public void onSuccess(org.eclipse.jetty.client.Response upstream) {
            answered.run();
            response.write(true, BufferUtil.EMPTY_BUFFER, this);
        }

        @Override
        public void onComplete(Result result) {
            if (result.isSucceeded()) {
                whenComplete((ignored, failure) -> {
                    if (failure == null) {
                        callback.succeeded();
                    } else {
                        callback.failed(failure);
                    }
                });
                return;
            }
            Throwable failure = result.getFailure();
            if (response.isCommitted()) {
                LOG.debug("S3 request {} {} failed mid-stream", request.getMethod(), request.getHttpURI().getPath(), failure);
                callback.failed(failure);
            } else {
                LOG.warn("S3 request {} {} could not be forwarded to S3Proxy: {}", request.getMethod(),
                        request.getHttpURI().getPath(), failure.toString());
                response.reset();
                AwsErrorWriter.s3(response, callback, 503, "ServiceUnavailable",
                        "The local cloud's S3 backend did not answer: " + failure.getMessage(), null);
            }
        }
    }
}
