package io.videopipeline.localcloud.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A service handed each request as it came (raw path, headers, body) once the gateway has checked its
 * signature; it answers later (an SQS long poll completes up to 20 s after the request). SQS is the one user.
 */
@FunctionalInterface
public interface AwsWireService {

    /**
     * @param pathAndQuery the request's raw path and query, e.g. {@code /} or {@code /000000000000/q?Action=...}
     * @param headers      request headers other than Host, Content-Type, Content-Length and hop-by-hop ones
     */
    CompletableFuture<AwsResponse> handle(String method, String pathAndQuery, List<Map.Entry<String, String>> headers,
                                          String contentType, byte[] body);
}
