package io.videopipeline.transcode.cloud;

import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;

/**
 * Where a cloud backend puts a job's HLS package and pictures, beside its MP4s {@code {dir}{name}/{name}-{preset}.mp4}
 * (the ffmpeg backend's layout): the master playlist {@code {dir}{name}/{name}.m3u8}, the package's parts under
 * {@code {dir}{name}/hls/}, thumbnails {@code {dir}{name}/pictures/{name}-thumb-…}. The fan-out takes a key of the
 * shape {@code {p}{n}/{n}.m3u8} for a master, so no part may have that shape.
 *
 * @param base {@code {dir}{name}/{name}}: the MP4 keys without {@code -{preset}.mp4}
 */
record PackageKeys(String base) {

    /** The job's package keys, or null if its MP4 keys do not share a {@code {base}-{preset}.mp4} shape. */
    static PackageKeys of(TranscodeJob job) {
        String base = null;
        for (TranscodeOutput output : job.outputs()) {
            String suffix = "-" + output.preset().name() + ".mp4";
            String key = output.key();
            if (!key.endsWith(suffix) || key.length() == suffix.length()) {
                return null;
            }
            String own = key.substring(0, key.length() - suffix.length());
            if (base != null && !base.equals(own)) {
                return null;
            }
            base = own;
        }
        return base.endsWith("/") ? null : new PackageKeys(base);
    }

    /** {@code {dir}{name}/}. */
    String dir() {
        return base.substring(0, base.lastIndexOf('/') + 1);
    }

    /** {@code {name}}. */
    String name() {
        return base.substring(base.lastIndexOf('/') + 1);
    }

    /** {@code {dir}{name}/{name}.m3u8}. */
    String master() {
        return base + ".m3u8";
    }

    /** {@code {dir}{name}/hls/}: where the variants and segments go. */
    String hls() {
        return dir() + "hls/";
    }

    /** {@code {dir}{name}/pictures/{name}-thumb}: what thumbnail names start with. */
    String thumbnails() {
        return dir() + "pictures/" + name() + "-thumb";
    }
}
