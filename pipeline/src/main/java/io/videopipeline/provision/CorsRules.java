package io.videopipeline.provision;

import java.util.List;

import software.amazon.awssdk.services.s3.model.CORSRule;

/**
 * The CORS rules provisioning puts on the buckets, so that a page from an allowed origin can play renditions (GET and
 * HEAD with Range on the transcoded bucket; Content-Range and ETag readable by the player) and upload from the browser
 * (PUT and POST on the upload bucket, with ETag readable for multipart uploads). The CloudFormation template holds
 * the same rules. Identified by their IDs: rules with other IDs are someone else's and are kept.
 */
final class CorsRules {
    static final String PLAYBACK_ID = "video-pipeline-playback";
    static final String UPLOAD_ID = "video-pipeline-upload";
    /** How long a browser may cache a preflight's answer. */
    static final int MAX_AGE_SECONDS = 3000;

    private CorsRules() {
    }

    static CORSRule playback(List<String> origins) {
        return CORSRule.builder().id(PLAYBACK_ID).allowedOrigins(origins).allowedMethods("GET", "HEAD")
                .allowedHeaders("*").exposeHeaders("Content-Range", "Accept-Ranges", "ETag")
                .maxAgeSeconds(MAX_AGE_SECONDS).build();
    }

    static CORSRule upload(List<String> origins) {
        return CORSRule.builder().id(UPLOAD_ID).allowedOrigins(origins).allowedMethods("PUT", "POST")
                .allowedHeaders("*").exposeHeaders("ETag").maxAgeSeconds(MAX_AGE_SECONDS).build();
    }
}
