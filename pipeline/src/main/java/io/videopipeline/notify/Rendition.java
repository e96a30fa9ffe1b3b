package io.videopipeline.notify;

import io.videopipeline.media.RenditionMetadata;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a mail says about one rendition.
 *
 * @param bucket       the transcoded bucket
 * @param key          the rendition's key (untrusted text)
 * @param sizeBytes    object size
 * @param userMetadata the object's user metadata as HeadObject returns it ({@code source-bucket},
 *                     {@code source-key}, {@code preset}…); may be empty
 * @param duration     the video's duration from the rendition's {@code duration-seconds} metadata, else {@code null}
 * @param link         where to download it
 */
public record Rendition(String bucket, String key, long sizeBytes, Map<String, String> userMetadata,
        Duration duration, Link link) {

    public Rendition {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(link, "link");
        userMetadata = userMetadata == null ? Map.of() : Map.copyOf(userMetadata);
    }

    public String sourceBucket() {
        return userMetadata.getOrDefault(RenditionMetadata.SOURCE_BUCKET, "");
    }

    public String sourceKey() {
        return userMetadata.getOrDefault(RenditionMetadata.SOURCE_KEY, "");
    }

    /**
     * The preset from user metadata; else read from the output pattern {@code {dir}{name}/{name}-{preset}.mp4}
     * ({@code clip/clip-web-720p.mp4} → {@code web-720p}); else empty.
     */
    public String preset() {
        String preset = userMetadata.get(RenditionMetadata.PRESET);
        if (preset != null && !preset.isBlank()) {
            return preset;
        }
        int slash = key.lastIndexOf('/');
        String folder = slash < 0 ? "" : key.substring(key.lastIndexOf('/', slash - 1) + 1, slash);
        String file = fileName();
        int dot = file.lastIndexOf('.');
        String prefix = folder + "-";
        return !folder.isEmpty() && file.startsWith(prefix) && dot > prefix.length()
                ? file.substring(prefix.length(), dot) : "";
    }

    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
