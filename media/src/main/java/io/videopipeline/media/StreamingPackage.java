package io.videopipeline.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The HLS package and pictures of one job, in the job dir and in the output bucket. Local layout (fixed names; the
 * user's name only goes into keys) and the keys they are uploaded to, {@code base} being {@code {dir}{name}/{name}}
 * of the MP4 keys {@code {base}-{preset}.mp4}:
 *
 * <pre>
 * pkg/master.m3u8                   {dir}{name}/{name}.m3u8                    the master playlist (uploaded last)
 * pkg/poster.jpg                    {dir}{name}/{name}-poster.jpg
 * pkg/hls/{w}x{h}/index.m3u         {dir}{name}/hls/{w}x{h}/index.m3u          variant playlist
 * pkg/hls/{w}x{h}/init_{w}x{h}.m4s  {dir}{name}/hls/{w}x{h}/init_{w}x{h}.m4s   CMAF init segment (init.m4s if one rung)
 * pkg/hls/{w}x{h}/seg-00000.m4s     {dir}{name}/hls/{w}x{h}/seg-00000.m4s      media segments
 * pkg/pictures/thumb-00001.jpg      {dir}{name}/pictures/{name}-thumb-00001.jpg (ET ThumbnailPattern {count})
 * pkg/pictures/storyboard.jpg       {dir}{name}/pictures/{name}-storyboard.jpg  sprite
 * pkg/pictures/storyboard.vtt       {dir}{name}/pictures/{name}-storyboard.vtt  cues with #xywh= into the sprite
 * </pre>
 *
 * <p>The master is written here rather than by ffmpeg: ffmpeg 5.1's hls muxer writes only BANDWIDTH (from the
 * nominal rate) and RESOLUTION for stream-copied variants, no CODECS, AVERAGE-BANDWIDTH or FRAME-RATE.
 * BANDWIDTH is the peak segment rate and AVERAGE-BANDWIDTH the mean, both measured from the segments written;
 * CODECS comes from the init segment's {@code avcC}.
 *
 * <p>Only the master ends in {@code .m3u8} and no part of the package ends in {@code .mp4}, so the transcoded
 * bucket's notification rules (suffixes {@code .mp4} and {@code .m3u8}: S3 filters on nothing else) send the MP4s
 * and the master to the fan-out and never a segment, variant or picture. Both names are valid HLS: RFC 8216 §4
 * takes {@code .m3u} for a US-ASCII playlist (these are; they are also served with the HLS Content-Type), and
 * segment file names are free.
 */
final class StreamingPackage {

    static final String MASTER = "master.m3u8";
    static final String VARIANT = "index.m3u";

    private final Path dir;
    private final String base;

    /**
     * @param dir  the package's local dir (created)
     * @param base {@code {dir}{name}/{name}}: the MP4 keys without {@code -{preset}.mp4}
     */
    StreamingPackage(Path dir, String base) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.base = base;
        Files.createDirectories(dir.resolve("pictures"));
    }

    /** {@code {dir}{name}/{name}} from an MP4 key {@code {dir}{name}/{name}-{preset}.mp4}, or null. */
    static String baseOf(String mp4Key, String preset) {
        String suffix = "-" + preset + ".mp4";
        return mp4Key.endsWith(suffix) && mp4Key.length() > suffix.length()
                ? mp4Key.substring(0, mp4Key.length() - suffix.length()) : null;
    }

    Path dir() {
        return dir;
    }

    Path poster() {
        return dir.resolve("poster.jpg");
    }

    Path thumbnailPattern() {
        return dir.resolve("pictures/thumb-%05d.jpg");
    }

    Path sprite() {
        return dir.resolve("pictures/storyboard.jpg");
    }

    /**
     * The stream-copy packaging of the rung MP4s into one HLS (fMP4) output: no decode, no encode. Segment k is
     * cut at the first keyframe at or after k x {@code segmentSeconds}, which {@link StreamingJob} sets just under
     * the segment boundary where every rung has a keyframe.
     */
    List<String> packagerCommand(String ffmpeg, List<HlsLadder.Rung> rungs, List<Path> files, boolean withAudio,
                                 double segmentSeconds) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "warning",
                "-nostats", "-progress", "pipe:1"));
        for (Path file : files) {
            cmd.addAll(List.of("-protocol_whitelist", "file", "-f", "mp4", "-i", "file:" + file.toAbsolutePath()));
        }
        StringBuilder streamMap = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            cmd.addAll(List.of("-map", i + ":v:0"));
            if (withAudio) {
                cmd.addAll(List.of("-map", i + ":a:0"));
            }
            streamMap.append(i == 0 ? "" : " ").append("v:").append(i).append(withAudio ? ",a:" + i : "")
                    .append(",name:").append(rungs.get(i).name());
        }
        cmd.addAll(List.of("-c", "copy", "-map_metadata", "-1", "-f", "hls",
                "-hls_time", String.format(Locale.ROOT, "%.6f", segmentSeconds), "-hls_playlist_type", "vod",
                "-hls_segment_type", "fmp4", "-hls_flags", "independent_segments",
                // ffmpeg 5.1 wants %v in the init name when there are several variants (and does not expand it for one)
                "-hls_fmp4_init_filename", rungs.size() == 1 ? "init.m4s" : "init_%v.m4s",
                // absolute paths of the job dir, no file: prefix: the hls muxer then cannot create the %v dirs
                "-hls_segment_filename", dir.resolve("hls/%v/seg-%05d.m4s").toAbsolutePath().toString(),
                "-var_stream_map", streamMap.toString(),
                dir.resolve("hls/%v/" + VARIANT).toAbsolutePath().toString()));
        return cmd;
    }

    /** Writes {@code master.m3u8} from what the packager wrote. */
    void writeMaster(List<HlsLadder.Rung> rungs, boolean withAudio) throws IOException {
        StringBuilder m = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (int i = 0; i < rungs.size(); i++) {
            HlsLadder.Rung rung = rungs.get(i);
            Path variant = dir.resolve("hls").resolve(rung.name());
            double total = 0;
            long bytes = 0;
            double peak = 0;
            double duration = -1;
            String init = null;
            for (String line : Files.readAllLines(variant.resolve(VARIANT))) {
                if (line.startsWith("#EXT-X-MAP:URI=\"")) {
                    // init_{w}x{h}.m4s, or init.m4s when there is one variant
                    init = line.substring(16, line.indexOf('"', 16));
                } else if (line.startsWith("#EXTINF:")) {
                    duration = Double.parseDouble(line.substring(8, line.indexOf(',')));
                } else if (!line.isBlank() && !line.startsWith("#") && duration > 0) {
                    long size = Files.size(variant.resolve(line.trim()));
                    total += duration;
                    bytes += size;
                    peak = Math.max(peak, size * 8 / duration);
                    duration = -1;
                }
            }
            long average = total > 0 ? Math.round(bytes * 8 / total) : 0;
            m.append("#EXT-X-STREAM-INF:BANDWIDTH=").append((long) Math.ceil(peak))
                    .append(",AVERAGE-BANDWIDTH=").append(average)
                    .append(",RESOLUTION=").append(rung.name())
                    .append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", FfmpegCommand.fps(rung.preset().fps())))
                    .append(",CODECS=\"").append(avc1(variant.resolve(init == null ? "init.m4s" : init)))
                    .append(withAudio ? ",mp4a.40.2" : "").append("\"\n")
                    .append("hls/").append(rung.name()).append("/").append(VARIANT).append("\n");
        }
        Files.writeString(dir.resolve(MASTER), m.toString());
    }

    /**
     * The storyboard's WebVTT: one cue per tile, {@code interval} seconds each (the last ends with the video),
     * pointing into the sprite with a media fragment.
     */
    void writeStoryboard(double durationSeconds, FfmpegCommand.Pictures p) throws IOException {
        StringBuilder vtt = new StringBuilder("WEBVTT\n");
        String sprite = URLEncoder.encode(name() + "-storyboard.jpg", StandardCharsets.UTF_8).replace("+", "%20");
        int tiles = tiles(durationSeconds, p.storyboardIntervalSeconds());
        for (int k = 0; k < tiles; k++) {
            double start = (double) k * p.storyboardIntervalSeconds();
            double end = Math.min(start + p.storyboardIntervalSeconds(), durationSeconds);
            vtt.append('\n').append(timestamp(start)).append(" --> ").append(timestamp(end)).append('\n')
                    .append(sprite).append("#xywh=").append(k % p.columns() * p.tileWidth()).append(',')
                    .append(k / p.columns() * p.tileHeight()).append(',').append(p.tileWidth()).append(',')
                    .append(p.tileHeight()).append('\n');
        }
        Files.writeString(dir.resolve("pictures/storyboard.vtt"), vtt.toString());
    }

    static int tiles(double durationSeconds, int interval) {
        return Math.max(1, (int) Math.ceil(durationSeconds / interval - 1e-6));
    }

    /** Every file of the package and its key, the master last (its upload is the package's "ready"). */
    List<Upload> uploads() throws IOException {
        List<Upload> uploads = new ArrayList<>();
        String prefix = base.substring(0, base.lastIndexOf('/') + 1);
        String name = name();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String relative = dir.relativize(file).toString().replace('\\', '/');
            if (relative.equals(MASTER)) {
                continue;
            }
            String key;
            if (relative.equals("poster.jpg")) {
                key = base + "-poster.jpg";
            } else if (relative.startsWith("pictures/")) {
                key = prefix + "pictures/" + name + "-" + relative.substring("pictures/".length());
            } else {
                key = prefix + relative;
            }
            uploads.add(new Upload(file, key, contentType(relative)));
        }
        uploads.add(new Upload(dir.resolve(MASTER), base + ".m3u8", contentType(MASTER)));
        return uploads;
    }

    record Upload(Path file, String key, String contentType) {
    }

    private String name() {
        return base.substring(base.lastIndexOf('/') + 1);
    }

    static String contentType(String file) {
        if (file.endsWith(".m3u8") || file.endsWith(".m3u")) {
            return "application/vnd.apple.mpegurl";
        }
        if (file.endsWith(".jpg")) {
            return "image/jpeg";
        }
        if (file.endsWith(".vtt")) {
            return "text/vtt";
        }
        return "video/mp4"; // .m4s init and media segments
    }

    /** {@code avc1.PPCCLL} from the init segment's AVCDecoderConfigurationRecord. */
    static String avc1(Path init) throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(init)) {
            data = in.readNBytes(64 * 1024); // an init segment is a few hundred bytes
        }
        for (int i = 0; i + 8 < data.length; i++) {
            if (data[i] == 'a' && data[i + 1] == 'v' && data[i + 2] == 'c' && data[i + 3] == 'C') {
                return String.format("avc1.%02x%02x%02x", data[i + 5] & 0xff, data[i + 6] & 0xff, data[i + 7] & 0xff);
            }
        }
        throw new IOException("no avcC box in " + init.getFileName());
    }

    private static String timestamp(double seconds) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                ms % 1000);
    }
}
