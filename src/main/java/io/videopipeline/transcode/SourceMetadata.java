package io.videopipeline.transcode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the user metadata a transcoder writes on each rendition ({@code source-bucket},
 * {@code source-key}, {@code source-etag}, {@code preset}). {@code source-key} travels
 * percent-encoded because S3 user metadata are HTTP headers; this gives it back as the real key.
 */
public final class SourceMetadata {
    private SourceMetadata() {
    }

    public static Map<String, String> decode(Map<String, String> userMetadata) {
        Map<String, String> decoded = new LinkedHashMap<>(userMetadata);
        String key = decoded.get(FfmpegTranscoder.META_SOURCE_KEY);
        if (key != null) {
            try {
                decoded.put(FfmpegTranscoder.META_SOURCE_KEY, URLDecoder.decode(key, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // written by something else, not percent-encoded: keep it as it is
            }
        }
        return decoded;
    }
}
