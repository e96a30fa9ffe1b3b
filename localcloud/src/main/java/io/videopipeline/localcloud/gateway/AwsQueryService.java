package io.videopipeline.localcloud.gateway;

import java.util.Map;

/**
 * A service spoken in the AWS query protocol (form-encoded {@code Action=...} requests), plugged into the
 * local cloud's gateway. The gateway has already verified the request's SigV4 signature; the service only
 * sees the decoded form parameters. SNS is the one user.
 */
@FunctionalInterface
public interface AwsQueryService {

    /**
     * @param formParams the request's form (and query string) parameters, decoded, including {@code Action}
     * @param region the region the request was signed for (credential scope), or the local cloud's region
     */
    AwsResponse handle(Map<String, String> formParams, String region);
}
