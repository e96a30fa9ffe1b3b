package io.videopipeline.metadata;

import io.videopipeline.logging.LogText;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import io.videopipeline.stream.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The summary of a streaming package, from its master playlist: one listing of the package's folder (sizes), the
 * master and each media playlist read as text, one HEAD of the master (the source it was made from).
 *
 * <p>Playlists are untrusted text: each is read only if it is at most {@link #MAX_PLAYLIST_BYTES}, a master names at
 * most {@link #MAX_VARIANTS} variants, and every URI in them must be a relative reference that stays inside the
 * package's folder ({@code {p}{n}/}); anything else is a permanent failure naming the URI.
 */
final class PackageSummariser {

    /** A 10-hour variant of 2 s segments is about 1 MB of playlist: far beyond any real package. */
    static final int MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;
    static final int MAX_VARIANTS = 64;

    private final S3Client s3;
    private final int maxObjects;
    private final Clock clock;

    PackageSummariser(S3Client s3, int maxObjects, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.maxObjects = maxObjects;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    PackageSummary summarise(String bucket, String master) {
        String prefix = StreamKeys.packagePrefix(master);
        Map<String, Long> sizes = new LinkedHashMap<>();
        long total = 0;
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            if (!StreamKeys.isPackageObject(object.key())) {
                continue;
            }
            if (sizes.size() == maxObjects) {
                throw new MetadataExtractionException("the package of s3://" + bucket + "/" + LogText.safe(master)
                        + " holds more than " + maxObjects + " objects (pipeline.acl.package-max-objects)", false);
            }
            sizes.put(object.key(), object.size());
            total += object.size();
        }
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(master));
        List<HlsPlaylist.Variant> variants = HlsPlaylist.variants(read(bucket, master, sizes));
        if (variants.size() > MAX_VARIANTS) {
            throw new MetadataExtractionException("s3://" + bucket + "/" + LogText.safe(master) + " names "
                    + variants.size() + " variants, more than " + MAX_VARIANTS, false);
        }
        List<PackageSummary.Rung> rungs = new ArrayList<>();
        for (HlsPlaylist.Variant variant : variants) {
            rungs.add(rung(bucket, prefix, resolve(prefix, master, variant.uri()), variant.attributes(), sizes));
        }
        Map<String, String> user = SourceMetadata.decode(head.metadata());
        return new PackageSummary("hls", master,
                rungs.stream().map(PackageSummary.Rung::durationSeconds).max(Double::compare).orElse(null),
                total, sizes.size(), rungs, pictures(master, sizes),
                user.get(RenditionMetadata.SOURCE_BUCKET), user.get(RenditionMetadata.SOURCE_KEY),
                user.get(RenditionMetadata.SOURCE_ETAG),
                head.lastModified() == null ? null : head.lastModified().toString(), clock.instant().toString());
    }

    private PackageSummary.Rung rung(String bucket, String prefix, String playlist, Map<String, String> attributes,
                                     Map<String, Long> sizes) {
        HlsPlaylist.Media media = HlsPlaylist.media(read(bucket, playlist, sizes));
        long bytes = sizes.getOrDefault(playlist, 0L);
        int missing = 0;
        String init = media.initUri() == null ? null : resolve(prefix, playlist, media.initUri());
        List<String> parts = new ArrayList<>();
        if (init != null) {
            parts.add(init);
        }
        for (HlsPlaylist.Segment segment : media.segments()) {
            parts.add(resolve(prefix, playlist, segment.uri()));
        }
        for (String part : parts) {
            Long size = sizes.get(part);
            if (size == null) {
                missing++;
            } else {
                bytes += size;
            }
        }
        String resolution = attributes.get("RESOLUTION");
        Integer width = null;
        Integer height = null;
        if (resolution != null && resolution.matches("\\d{1,5}x\\d{1,5}")) {
            width = Integer.valueOf(resolution.substring(0, resolution.indexOf('x')));
            height = Integer.valueOf(resolution.substring(resolution.indexOf('x') + 1));
        }
        return new PackageSummary.Rung(playlist, resolution, width, height, number(attributes.get("BANDWIDTH")),
                number(attributes.get("AVERAGE-BANDWIDTH")), attributes.get("CODECS"), decimal(attributes.get("FRAME-RATE")),
                init, media.segments().size(), Math.round(media.durationSeconds() * 1000) / 1000.0, bytes, missing);
    }

    /** Images and WebVTT files of the package: the poster, storyboard (sprite and cues) and thumbnails. */
    private static PackageSummary.Pictures pictures(String master, Map<String, Long> sizes) {
        String poster = StreamKeys.posterKey(master);
        List<String> thumbnails = new ArrayList<>();
        List<String> storyboard = new ArrayList<>();
        long bytes = 0;
        for (Map.Entry<String, Long> object : sizes.entrySet()) {
            String key = object.getKey();
            String lower = key.toLowerCase(Locale.ROOT);
            if (!(lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png") || lower.endsWith(".vtt"))) {
                continue;
            }
            bytes += object.getValue();
            if (key.equals(poster)) {
                continue;
            }
            String file = lower.substring(lower.lastIndexOf('/') + 1);
            (file.contains("storyboard") ? storyboard : thumbnails).add(key);
        }
        thumbnails.sort(null);
        storyboard.sort(null);
        return new PackageSummary.Pictures(sizes.containsKey(poster) ? poster : null, thumbnails, storyboard, bytes);
    }

    private String read(String bucket, String key, Map<String, Long> sizes) {
        Long size = sizes.get(key);
        if (size == null) {
            throw new MetadataExtractionException("the package has no playlist s3://" + bucket + "/"
                    + LogText.safe(key), false);
        }
        if (size > MAX_PLAYLIST_BYTES) {
            throw new MetadataExtractionException("s3://" + bucket + "/" + LogText.safe(key) + " is " + size
                    + " bytes, more than a playlist may be (" + MAX_PLAYLIST_BYTES + ")", false);
        }
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    /** A URI of {@code playlist} as a key: relative, '.' and '..' applied, inside {@code prefix}. */
    static String resolve(String prefix, String playlist, String uri) {
        if (uri.contains(":") || uri.startsWith("/") || uri.contains("//") || uri.endsWith("/") || uri.contains("?")
                || uri.contains("#") || uri.contains("\\")) {
            throw new MetadataExtractionException("playlist " + LogText.safe(playlist) + " names '" + LogText.safe(uri)
                    + "', not a relative reference inside its package", false);
        }
        Deque<String> path = new ArrayDeque<>(List.of(playlist.substring(0, playlist.lastIndexOf('/') + 1).split("/")));
        for (String segment : uri.split("/", -1)) {
            if (segment.equals("..")) {
                path.pollLast();
            } else if (!segment.equals(".")) {
                path.addLast(segment);
            }
        }
        String key = String.join("/", path);
        if (!key.startsWith(prefix) || key.length() == prefix.length()) {
            throw new MetadataExtractionException("playlist " + LogText.safe(playlist) + " names '" + LogText.safe(uri)
                    + "', outside its package " + LogText.safe(prefix), false);
        }
        return key;
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double decimal(String text) {
        try {
            return text == null ? null : Double.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
