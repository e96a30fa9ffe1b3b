package io.videopipeline.localcloud.gateway;

import java.util.Map;

/**
 * A service spoken in AWS's REST-JSON protocol (method + path + JSON body), plugged into the gateway
 * after it has verified the request's signature. The Elastic Transcoder API is the one user.
 */
@FunctionalInterface
public interface AwsRestService {

    /**
     * @param path  the decoded request path (a query part is ignored)
     * @param query decoded query parameters; may be null
     * @param body  request body (JSON) or null/empty
     */
    AwsResponse handle(String method, String path, Map<String, String> query, byte[] body);
}
