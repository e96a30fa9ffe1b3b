package io.videopipeline.stream;

/** What an object of the transcoded bucket is to the fan-out routes ({@link StreamKeys#kindOf}). */
public enum OutputKind {
    /** An MP4 rendition ({@code .mp4}, any letter case): mail, ACL and metadata of its own. */
    RENDITION,
    /** A master playlist {@code {p}{n}/{n}.m3u8}: "stream ready", the package's one event. */
    MASTER,
    /**
     * Anything else: a variant playlist, segment or picture of a package (only the backends whose variants end in
     * {@code .m3u8} let one reach the topic), or a key no route works on. Acknowledged and ignored.
     */
    PACKAGE_PART
}
