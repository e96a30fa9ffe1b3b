package io.videopipeline.metadata;

import java.util.List;

/**
 * The {@code summary} block of a streaming package's metadata document ({@code {p}{n}/{n}.json} beside the master
 * {@code {p}{n}/{n}.m3u8}): what a player page or a catalogue wants without reading the playlists. Read from the
 * playlists as text and from one listing of the package's folder; absent values are {@code null}.
 *
 * @param kind            {@code hls}
 * @param master          the master playlist's key
 * @param durationSeconds the longest rung's duration (sum of its segments' {@code #EXTINF})
 * @param sizeBytes       every object of the package (playlists, segments, pictures), not the MP4s nor this document
 * @param objects         how many objects that is
 * @param rungs           one per variant of the master, in its order
 * @param pictures        poster, thumbnails and storyboard found in the package
 * @param sourceBucket    from the master's user metadata {@code source-bucket}
 * @param sourceKey       from {@code source-key}
 * @param sourceEtag      from {@code source-etag}
 * @param createdAt       when the master was written (S3 Last-Modified), ISO-8601
 * @param extractedAt     when this document was made, ISO-8601
 */
public record PackageSummary(String kind, String master, Double durationSeconds, long sizeBytes, int objects,
                             List<Rung> rungs, Pictures pictures, String sourceBucket, String sourceKey,
                             String sourceEtag, String createdAt, String extractedAt) {

    /**
     * One variant.
     *
     * @param playlist         its media playlist's key
     * @param resolution       {@code RESOLUTION}, e.g. {@code 1280x720}
     * @param width            from the resolution
     * @param height           from the resolution
     * @param bandwidth        {@code BANDWIDTH}, bit/s (the peak)
     * @param averageBandwidth {@code AVERAGE-BANDWIDTH}, bit/s
     * @param codecs           {@code CODECS}, e.g. {@code avc1.64001f,mp4a.40.2}
     * @param frameRate        {@code FRAME-RATE}
     * @param init             the init segment's key ({@code #EXT-X-MAP}), null for MPEG-TS segments
     * @param segments         number of media segments
     * @param durationSeconds  sum of the segments' durations
     * @param sizeBytes        init segment, media segments and the playlist itself
     * @param missing          segments (or init) the playlist names that the package does not hold
     */
    public record Rung(String playlist, String resolution, Integer width, Integer height, Long bandwidth,
                       Long averageBandwidth, String codecs, Double frameRate, String init, int segments,
                       double durationSeconds, long sizeBytes, int missing) {
    }

    /**
     * @param poster     the poster's key ({@code {p}{n}/{n}-poster.jpg}), null if none
     * @param thumbnails keys of the thumbnails (ET's {@code ThumbnailPattern}), in order
     * @param storyboard the sprite and its WebVTT ({@code .jpg}/{@code .vtt} named {@code *-storyboard.*}), if any
     * @param sizeBytes  all of them
     */
    public record Pictures(String poster, List<String> thumbnails, List<String> storyboard, long sizeBytes) {
    }
}
