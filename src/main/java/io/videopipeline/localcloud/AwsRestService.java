package io.videopipeline.localcloud;

import java.util.Map;

/**
 * A service spoken in AWS's REST-JSON protocol (method + path + JSON body), plugged into the gateway
 * after it has verified the request's signature. The Elastic Transcoder API is the one user.
 */
@FunctionalInterface
public interface AwsRestService {

    /** A response with extra headers (REST-JSON errors name their type in {@code x-amzn-ErrorType}). */
    record Answer(int status, String contentType, String body, Map<String, String> headers) {
    }

    Answer handle(String method, String path, Map<String, String> query, byte[] body);
}
