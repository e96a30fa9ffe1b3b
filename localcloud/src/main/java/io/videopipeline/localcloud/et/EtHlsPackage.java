package io.videopipeline.localcloud.et;

import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.MediaGuard;
import io.videopipeline.media.Preset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The HLS outputs and thumbnails of one local ET job: one ffmpeg run over the downloaded input (one decode for all
 * of them) writes, in the job's temp dir under fixed names, MPEG-TS segments and a variant playlist per segmented
 * output and the thumbnails of each output with a {@code ThumbnailPattern}; this class then maps them to ET's keys
 * and writes the master playlists. ET's names ({@code {OutputKeyPrefix}} is part of every key here):
 *
 * <pre>
 * v{i}/index.m3u8      {Key}.m3u8                       variant playlist (segment URIs rewritten to the keys' names)
 * v{i}/seg00000.ts     {Key}00000.ts                    MPEG-TS segments, SegmentDuration long, each from a keyframe
 * t{j}/00001.png       {ThumbnailPattern, {count}=00001, {resolution}=WxH}.png (or .jpg, the preset's Format)
 *                      {Name}.m3u8                      master playlist of each HLSv3 playlist
 * </pre>
 *
 * <p>Keys never become paths or ffmpeg arguments: local names are fixed, the input is the temp file. Video is fit
 * inside the preset's box without upscaling (ShrinkToFit), keyframes every {@code KeyframesMaxDist} frames and none
 * on scene cuts (the HLS presets' FixedGOP), the source's frame rate for {@code FrameRate auto}.
 */
final class EtHlsPackage {

    /** A segmented output: its position among the job's outputs, full key (without .m3u8), preset, segment length. */
    record Segmented(int output, String key, Preset preset, int segmentSeconds) {
    }

    /** The thumbnails of one output: its full pattern (with {@code {count}}) and its preset's settings. */
    record Thumbnails(int output, String pattern, EtThumbnails settings) {
    }

    /** A file to upload and where. */
    record Upload(Path file, String key, String contentType) {
    }

    /** What a variant came to: its playlist key, peak and mean bit rate of its segments, size and duration. */
    record Variant(String playlistKey, long peakBitsPerSecond, long averageBitsPerSecond, long bytes,
                   long durationMillis, String codecs) {
    }

    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final Map<String, String> NTSC = Map.of("29.97", "30000/1001", "59.94", "60000/1001",
            "23.97", "24000/1001", "23.976", "24000/1001");

    private final Path dir;
    private final List<Segmented> segmented;
    private final List<Thumbnails> thumbnails;

    EtHlsPackage(Path dir, List<Segmented> segmented, List<Thumbnails> thumbnails) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.segmented = List.copyOf(segmented);
        this.thumbnails = List.copyOf(thumbnails);
        for (int i = 0; i < segmented.size(); i++) {
            Files.createDirectories(dir.resolve("v" + i));
        }
        for (int j = 0; j < thumbnails.size(); j++) {
            Files.createDirectories(dir.resolve("t" + j));
        }
    }

    boolean isEmpty() {
        return segmented.isEmpty() && thumbnails.isEmpty();
    }

    /** The one ffmpeg command for every segmented output and thumbnail set. */
    List<String> command(FfmpegSettings settings, Path input, String formatName, boolean withAudio) {
        List<String> cmd = new ArrayList<>(List.of(settings.ffmpegPath(), "-hide_banner", "-nostdin", "-y",
                "-loglevel", "warning", "-nostats", "-progress", "pipe:1"));
        cmd.addAll(MediaGuard.inputOptions(MediaGuard.LOCAL_FILE, MediaGuard.VIDEO_DEMUXERS,
                settings.limits().maxPixels()));
        if (formatName != null) {
            if (!MediaGuard.allowed(formatName, MediaGuard.VIDEO_DEMUXERS)) {
                throw new IllegalArgumentException("format '" + formatName + "' is not an allowed video container");
            }
            cmd.addAll(List.of("-f", MediaGuard.forcedFormat(formatName)));
        }
        int branches = segmented.size() + thumbnails.size();
        StringBuilder graph = new StringBuilder("[0:v:0]split=").append(branches);
        for (int b = 0; b < branches; b++) {
            graph.append("[s").append(b).append(']');
        }
        for (int i = 0; i < segmented.size(); i++) {
            Preset p = segmented.get(i).preset();
            graph.append(";[s").append(i).append(']').append(fit(p.maxWidth(), p.maxHeight()));
            if (!EtHlsPresets.AUTO.equals(p.fps())) {
                graph.append(",fps=").append(NTSC.getOrDefault(p.fps(), p.fps()));
            }
            graph.append(",format=yuv420p[o").append(i).append(']');
        }
        for (int j = 0; j < thumbnails.size(); j++) {
            EtThumbnails t = thumbnails.get(j).settings();
            // the first frame, then the first at least an interval after the last one taken: an fps filter at
            // 1/interval writes nothing for an input shorter than the interval
            graph.append(";[s").append(segmented.size() + j)
                    .append("]select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,").append(t.intervalSeconds())
                    .append(")',").append(fit(t.maxWidth(), t.maxHeight()))
                    .append(",format=").append(isPng(t) ? "rgb24" : "yuvj420p").append("[t").append(j).append(']');
        }
        cmd.addAll(List.of("-i", "file:" + input.toAbsolutePath(), "-filter_complex", graph.toString()));
        for (int i = 0; i < segmented.size(); i++) {
            encode(cmd, i, settings, withAudio);
        }
        for (int j = 0; j < thumbnails.size(); j++) {
            boolean png = isPng(thumbnails.get(j).settings());
            cmd.addAll(List.of("-map", "[t" + j + "]", "-fps_mode", "passthrough", "-f", "image2", "-start_number",
                    "1", "-c:v", png ? "png" : "mjpeg"));
            if (!png) {
                cmd.addAll(List.of("-q:v", "3"));
            }
            cmd.add("file:" + dir.resolve("t" + j).resolve("%05d." + extension(thumbnails.get(j).settings()))
                    .toAbsolutePath());
        }
        return cmd;
    }

    private void encode(List<String> cmd, int i, FfmpegSettings settings, boolean withAudio) {
        Segmented s = segmented.get(i);
        Preset p = s.preset();
        cmd.addAll(List.of("-map", "[o" + i + "]"));
        if (withAudio) {
            cmd.addAll(List.of("-map", "0:a:0"));
        }
        String rate = p.videoBitrateKbps() + "k";
        cmd.addAll(List.of("-c:v", "libx264", "-preset", settings.x264Preset(), "-profile:v", p.profile(),
                "-level:v", p.level(), "-b:v", rate, "-maxrate", rate, "-bufsize", 2 * p.videoBitrateKbps() + "k",
                "-g", String.valueOf(p.gop()), "-keyint_min", String.valueOf(p.gop()), "-sc_threshold", "0"));
        if (p.refs() != null) {
            cmd.addAll(List.of("-refs", String.valueOf(p.refs())));
        }
        if (settings.threads() > 0) {
            cmd.addAll(List.of("-threads", String.valueOf(settings.threads())));
        }
        if (withAudio) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", p.audioBitrateKbps() + "k", "-ar",
                    String.valueOf(p.sampleRate()), "-ac", String.valueOf(p.channels())));
        }
        Path out = dir.resolve("v" + i);
        cmd.addAll(List.of("-map_metadata", "-1", "-sn", "-dn", "-f", "hls",
                "-hls_time", String.valueOf(s.segmentSeconds()), "-hls_list_size", "0", "-hls_playlist_type", "vod",
                "-hls_segment_type", "mpegts", "-hls_segment_filename", "file:" + out.resolve("seg%05d.ts").toAbsolutePath(),
                "file:" + out.resolve("index.m3u8").toAbsolutePath()));
    }

    /** ShrinkToFit without upscaling, even sizes. */
    private static String fit(int maxWidth, int maxHeight) {
        return "scale=w='min(" + maxWidth + ",iw)':h='min(" + maxHeight + ",ih)'"
                + ":force_original_aspect_ratio=decrease:force_divisible_by=2";
    }

    private static boolean isPng(EtThumbnails t) {
        return "png".equals(t.format());
    }

    private static String extension(EtThumbnails t) {
        return isPng(t) ? "png" : "jpg";
    }

    /** The first segment of segmented output {@code i}, for ffprobe's facts. */
    Path firstSegment(int i) {
        return dir.resolve("v" + i).resolve("seg00000.ts");
    }

    /**
     * After ffmpeg: every variant playlist (rewritten to the segments' key names) and segment, and every
     * thumbnail, with its key; variants' facts go into {@code variants}, by segmented output.
     */
    List<Upload> uploads(boolean withAudio, List<Variant> variants) throws IOException {
        List<Upload> uploads = new ArrayList<>();
        for (int i = 0; i < segmented.size(); i++) {
            Segmented s = segmented.get(i);
            Path out = dir.resolve("v" + i);
            String name = s.key().substring(s.key().lastIndexOf('/') + 1);
            List<String> lines = Files.readAllLines(out.resolve("index.m3u8"), StandardCharsets.UTF_8);
            StringBuilder variant = new StringBuilder();
            double pendingSeconds = 0;
            long peak = 0;
            long bytes = 0;
            double seconds = 0;
            for (String line : lines) {
                if (line.startsWith("#EXTINF:")) {
                    pendingSeconds = Double.parseDouble(line.substring(8, line.indexOf(',') < 0 ? line.length()
                            : line.indexOf(',')));
                    variant.append(line).append('\n');
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    if (!line.matches("seg\\d{5}\\.ts")) {
                        throw new IOException("unexpected segment name in the variant playlist: " + line);
                    }
                    String number = line.substring(3, 8);
                    Path file = out.resolve(line);
                    long size = Files.size(file);
                    bytes += size;
                    seconds += pendingSeconds;
                    if (pendingSeconds > 0) {
                        peak = Math.max(peak, Math.round(size * 8 / pendingSeconds));
                    }
                    uploads.add(new Upload(file, s.key() + number + ".ts", "video/MP2T"));
                    variant.append(uriPath(name + number + ".ts")).append('\n');
                } else {
                    variant.append(line).append('\n');
                }
            }
            Path rewritten = Files.writeString(out.resolve("variant.m3u8"), variant, StandardCharsets.UTF_8);
            uploads.add(new Upload(rewritten, s.key() + ".m3u8", PLAYLIST_TYPE));
            String codecs = avc1(firstSegment(i)) + (withAudio ? ",mp4a.40.2" : "");
            variants.add(new Variant(s.key() + ".m3u8", peak, seconds > 0 ? Math.round(bytes * 8 / seconds) : 0,
                    bytes, Math.round(seconds * 1000), codecs));
        }
        for (int j = 0; j < thumbnails.size(); j++) {
            Thumbnails t = thumbnails.get(j);
            List<Path> files;
            try (Stream<Path> list = Files.list(dir.resolve("t" + j))) {
                files = list.sorted().toList();
            }
            for (Path file : files) {
                String count = file.getFileName().toString().substring(0, 5);
                String ext = extension(t.settings());
                String key = t.pattern().replace("{count}", count);
                if (key.contains("{resolution}")) {
                    int[] size = imageSize(file);
                    key = key.replace("{resolution}", size[0] + "x" + size[1]);
                }
                uploads.add(new Upload(file, key + "." + ext, ext.equals("png") ? "image/png" : "image/jpeg"));
            }
        }
        return uploads;
    }

    /**
     * An HLSv3 master playlist at {@code masterKey} over {@code variants} (in the playlist's order), each with its
     * peak and mean segment bit rate, resolution and codecs; URIs relative to the master.
     */
    static String master(String masterKey, List<Variant> variants, List<int[]> sizes) {
        StringBuilder m = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            m.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(v.peakBitsPerSecond())
                    .append(",AVERAGE-BANDWIDTH=").append(v.averageBitsPerSecond());
            int[] size = sizes.get(i);
            if (size != null) {
                m.append(",RESOLUTION=").append(size[0]).append('x').append(size[1]);
            }
            m.append(",CODECS=\"").append(v.codecs()).append("\"\n")
                    .append(relative(masterKey, v.playlistKey())).append('\n');
        }
        return m.toString();
    }

    /** The URI of key {@code to} relative to the object {@code from} (both S3 keys: '/' separates folders). */
    static String relative(String from, String to) {
        String[] a = from.split("/", -1);
        String[] b = to.split("/", -1);
        int common = 0;
        while (common < a.length - 1 && common < b.length - 1 && a[common].equals(b[common])) {
            common++;
        }
        StringBuilder uri = new StringBuilder();
        for (int k = common; k < a.length - 1; k++) {
            uri.append("../");
        }
        for (int k = common; k < b.length; k++) {
            uri.append(uriPath(b[k])).append(k < b.length - 1 ? "/" : "");
        }
        return uri.toString();
    }

    /** Percent-encodes a path segment: everything but RFC 3986's unreserved characters. */
    static String uriPath(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte x : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append(String.format(Locale.ROOT, "%%%02X", c));
            }
        }
        return out.toString();
    }

    /** Width and height of a PNG (its IHDR) or baseline/progressive JPEG (its SOF0/SOF2) that ffmpeg wrote. */
    static int[] imageSize(Path image) throws IOException {
        byte[] d = Files.readAllBytes(image);
        if (d.length > 24 && (d[0] & 0xff) == 0x89 && d[1] == 'P') {
            return new int[]{int32(d, 16), int32(d, 20)};
        }
        for (int i = 2; i + 8 < d.length; i++) {
            if ((d[i] & 0xff) == 0xFF && ((d[i + 1] & 0xff) == 0xC0 || (d[i + 1] & 0xff) == 0xC2)) {
                return new int[]{int16(d, i + 7), int16(d, i + 5)};
            }
        }
        throw new IOException("no image size in " + image.getFileName());
    }

    private static int int32(byte[] d, int at) {
        return (d[at] & 0xff) << 24 | (d[at + 1] & 0xff) << 16 | (d[at + 2] & 0xff) << 8 | (d[at + 3] & 0xff);
    }

    private static int int16(byte[] d, int at) {
        return (d[at] & 0xff) << 8 | (d[at + 1] & 0xff);
    }

    /** {@code avc1.PPCCLL} from the first sequence parameter set in an MPEG-TS segment. */
    static String avc1(Path segment) throws IOException {
        byte[] data;
        try (InputStream in = Files.newInputStream(segment)) {
            data = in.readNBytes(256 * 1024);
        }
        for (int i = 0; i + 6 < data.length; i++) {
            if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 && (data[i + 3] & 0x1f) == 7) {
                return String.format(Locale.ROOT, "avc1.%02x%02x%02x", data[i + 4] & 0xff, data[i + 5] & 0xff,
                        data[i + 6] & 0xff);
            }
        }
        throw new IOException("no H.264 sequence parameter set in " + segment.getFileName());
    }
}
