package io.videopipeline.metadata;

/**
 * The {@code summary} block of a rendition's metadata document: the few values people and
 * downstream steps want without parsing ffprobe's output. Absent values are {@code null}.
 *
 * @param durationSeconds container duration
 * @param width           of the first video stream
 * @param height          of the first video stream
 * @param videoCodec      ffprobe's codec_name of the first video stream, e.g. {@code h264}
 * @param audioCodec      of the first audio stream, {@code null} if the rendition has no audio
 * @param bitRate         container bit rate in bit/s
 * @param sizeBytes       object size in S3
 * @param sourceBucket    from the rendition's user metadata {@code source-bucket} (set by the transcoder)
 * @param sourceKey       from user metadata {@code source-key}
 * @param sourceEtag      from user metadata {@code source-etag}
 * @param preset          from user metadata {@code preset}, e.g. {@code 720p}
 * @param createdAt       when the rendition was written (S3 Last-Modified), ISO-8601
 * @param extractedAt     when this document was made, ISO-8601
 */
public record RenditionSummary(
        Double durationSeconds,
        Integer width,
        Integer height,
        String videoCodec,
        String audioCodec,
        Long bitRate,
        long sizeBytes,
        String sourceBucket,
        String sourceKey,
        String sourceEtag,
        String preset,
        String createdAt,
        String extractedAt) {
}
