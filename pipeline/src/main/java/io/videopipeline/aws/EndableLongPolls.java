package io.videopipeline.aws;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQS clients' HTTP client, with one addition: {@link #end()} ends every SQS {@code ReceiveMessage}
 * long poll in flight, and every later one, at once with an empty answer.
 *
 * <p>Why: Camel's shutdown waits for a consumer that is still inside a poll (it counts as one pending
 * exchange), and an idle aws2-sqs consumer sits in a {@code waitTimeSeconds=20} receive. A SIGTERM'd idle
 * runner therefore took ~20 s to stop. Shorter waits would multiply the empty receives AWS bills for;
 * interrupting the thread does not unblock a socket read. Aborting the HTTP request does (the SDK's own
 * timeouts work that way), and answering the aborted call with "no messages" — what a long poll that ran out
 * of time answers — keeps the SDK from retrying it and Camel from logging a polling error.
 *
 * <p>Only receives are touched: deletes, visibility extensions and sends of the work still in flight go on
 * until the shutdown's grace period ends. The price, as for any client that leaves before its long poll
 * ends: a message the queue hands to the abandoned call in its remaining seconds stays invisible for its
 * visibility timeout before another consumer gets it (late, not lost).
 */
public final class EndableLongPolls implements SdkHttpClient {
    /** The JSON protocol's operation header; SDK 2.x sends every SQS call this way. */
    private static final String TARGET = "X-Amz-Target";
    private static final String RECEIVE = "AmazonSQS.ReceiveMessage";
    private static final byte[] NO_MESSAGES = "{}".getBytes(StandardCharsets.UTF_8);

    private final SdkHttpClient delegate;
    private final Set<ExecutableHttpRequest> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean ended;

    public EndableLongPolls(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    /** Ends the receives in flight and answers every later one at once, with no messages. Idempotent. */
    public void end() {
        ended = true;
        inFlight.forEach(ExecutableHttpRequest::abort);
    }

    public boolean ended() {
        return ended;
    }

    /** Receives waiting for an answer now (for tests and the shutdown log). */
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest call = delegate.prepareRequest(request);
        boolean receive = request.httpRequest().firstMatchingHeader(TARGET).map(RECEIVE::equals).orElse(false);
        return receive ? new Receive(call) : call;
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private final class Receive implements ExecutableHttpRequest {
        private final ExecutableHttpRequest call;

        Receive(ExecutableHttpRequest call) {
            this.call = call;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            inFlight.add(call);
            try {
                // Checked after registering: an end() in between aborts this call or is seen here, never neither.
                if (ended) {
                    return noMessages();
                }
                return call.call();
            } catch (IOException | RuntimeException e) {
                if (ended) {
                    return noMessages();
                }
                throw e;
            } finally {
                inFlight.remove(call);
            }
        }

        @Override
        public void abort() {
            call.abort();
        }
    }

    private static HttpExecuteResponse noMessages() {
        return HttpExecuteResponse.builder()
                .response(SdkHttpResponse.builder().statusCode(200)
                        .putHeader("Content-Type", "application/x-amz-json-1.0")
                        .putHeader("Content-Length", String.valueOf(NO_MESSAGES.length))
                        .build())
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(NO_MESSAGES)))
                .build();
    }
}
