package io.videopipeline.stream;

import java.util.Locale;

/**
 * Which keys of the transcoded bucket the fan-out routes act on, and the keys of a streaming package.
 *
 * <p>The bucket notifies the topic for suffixes {@code .mp4} and {@code .m3u8} only (S3 filters on prefix and
 * suffix, nothing else). The ffmpeg backend names nothing but its master {@code .m3u8}; Elastic Transcoder and
 * MediaConvert name their variant playlists {@code .m3u8} too, so the routes tell a master by its place: a master
 * is {@code {p}{n}/{n}.m3u8}, a file whose base name is its folder's name, as the package layout of every backend
 * puts it ({@code clip/clip.m3u8} is one, {@code clip/clip_720p.m3u8} and {@code clip/hls/720.m3u8} are not).
 *
 * <p>Keys are untrusted text, compared as they are (no Unicode normalisation, no case folding of the name). A key
 * with an empty, {@code .} or {@code ..} segment in the package folder is never a master: S3 stores such keys
 * literally, but a listing of their "folder" is not what a reader of the key expects, and no backend writes one.
 */
public final class StreamKeys {

    public static final String MASTER_SUFFIX = ".m3u8";
    public static final String POSTER_SUFFIX = "-poster.jpg";
    private static final String MP4_SUFFIX = ".mp4";

    private StreamKeys() {
    }

    public static OutputKind kindOf(String key) {
        if (key == null || key.isEmpty()) {
            return OutputKind.PACKAGE_PART;
        }
        if (key.toLowerCase(Locale.ROOT).endsWith(MP4_SUFFIX)) {
            return OutputKind.RENDITION;
        }
        return isMaster(key) ? OutputKind.MASTER : OutputKind.PACKAGE_PART;
    }

    /** {@code {p}{n}/{n}.m3u8} with a non-empty {@code n} and no empty, {@code .} or {@code ..} folder segment. */
    public static boolean isMaster(String key) {
        if (key == null || !key.endsWith(MASTER_SUFFIX)) {
            return false;
        }
        int slash = key.lastIndexOf('/');
        if (slash <= 0) {
            return false;
        }
        String name = key.substring(slash + 1, key.length() - MASTER_SUFFIX.length());
        String folder = key.substring(0, slash);
        String parent = folder.substring(folder.lastIndexOf('/') + 1);
        if (name.isEmpty() || !name.equals(parent)) {
            return false;
        }
        for (String segment : folder.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** The package's folder {@code {p}{n}/} of a master key. */
    public static String packagePrefix(String masterKey) {
        requireMaster(masterKey);
        return masterKey.substring(0, masterKey.lastIndexOf('/') + 1);
    }

    /** The name {@code n} of a master {@code {p}{n}/{n}.m3u8}. */
    public static String name(String masterKey) {
        requireMaster(masterKey);
        return masterKey.substring(masterKey.lastIndexOf('/') + 1, masterKey.length() - MASTER_SUFFIX.length());
    }

    /** The poster beside a master: {@code {p}{n}/{n}-poster.jpg}. */
    public static String posterKey(String masterKey) {
        return packagePrefix(masterKey) + name(masterKey) + POSTER_SUFFIX;
    }

    /**
     * The master of the package written beside an MP4 rendition {@code {base}-{preset}.mp4}: {@code {base}.m3u8}; null
     * when the key does not end so, or the result would not be a master (an output pattern other than
     * {@code {dir}{name}/{name}-{preset}.mp4}).
     */
    public static String masterBeside(String mp4Key, String preset) {
        String suffix = "-" + preset + MP4_SUFFIX;
        if (mp4Key == null || !mp4Key.endsWith(suffix) || mp4Key.length() == suffix.length()) {
            return null;
        }
        String master = mp4Key.substring(0, mp4Key.length() - suffix.length()) + MASTER_SUFFIX;
        return isMaster(master) ? master : null;
    }

    /**
     * Whether an object under a package's folder belongs to the package (made readable with it, counted in its
     * summary): everything but the MP4 renditions (events of their own), {@code .json} metadata documents and the
     * mail ledger's {@code .mailed} markers, which stay private.
     */
    public static boolean isPackageObject(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return !lower.endsWith(MP4_SUFFIX) && !lower.endsWith(".json") && !key.endsWith(".mailed");
    }

    private static void requireMaster(String key) {
        if (!isMaster(key)) {
            throw new IllegalArgumentException("not a master playlist key ({p}{n}/{n}.m3u8): " + key);
        }
    }
}
