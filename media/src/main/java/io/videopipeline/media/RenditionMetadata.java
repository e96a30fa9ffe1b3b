package io.videopipeline.media;

/**
 * What every rendition carries in S3, whichever backend wrote it: its content type and the user metadata that
 * ties it to its upload. Idempotency ({@code source-etag}), the key-collision check ({@code source-bucket},
 * {@code source-key}), the metadata extractor and the mail all read these names; {@link SourceMetadata} encodes
 * and decodes the values.
 */
public final class RenditionMetadata {

    public static final String SOURCE_BUCKET = "source-bucket";
    /** Percent-encoded ({@link SourceMetadata#encodeKey}): metadata travels as HTTP headers. */
    public static final String SOURCE_KEY = "source-key";
    public static final String SOURCE_ETAG = "source-etag";
    public static final String PRESET = "preset";
    /** The rendition's play time in seconds ("83.400"), for the mail; absent when ffprobe found none. */
    public static final String DURATION = "duration-seconds";
    public static final String CONTENT_TYPE = "video/mp4";

    private RenditionMetadata() {
    }
}
