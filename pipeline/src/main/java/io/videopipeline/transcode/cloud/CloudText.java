package io.videopipeline.transcode.cloud;

import java.nio.charset.StandardCharsets;

/** Text helpers for the cloud backends. */
final class CloudText {
    private CloudText() {
    }

    static String s3Uri(String bucket, String key) {
        return "s3://" + bucket + "/" + key;
    }
}
