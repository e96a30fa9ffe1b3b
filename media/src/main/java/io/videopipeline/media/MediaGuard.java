package io.videopipeline.media;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ffmpeg and ffprobe may open when they read untrusted bytes. Every run on an upload or a rendition gets
 * these input options:
 *
 * <ul>
 *   <li>{@code -protocol_whitelist}: only the protocols that run needs ({@code file} for a downloaded temp file;
 *       {@code http,tcp} or {@code https,tls,tcp} for a presigned URL). The list is inherited by everything the
 *       demuxer opens, so a file can never make ffmpeg reach the network, and a URL never a local file.</li>
 *   <li>{@code -format_whitelist}: the demuxers of real video containers only. ffmpeg picks a demuxer by
 *       content, not by name: an HLS playlist, an ffconcat script or an SDP file uploaded as {@code x.mp4} is
 *       otherwise read as what it is, and those demuxers open further inputs named inside the file (another
 *       upload's temp file, any URL, a UDP port). The whitelist is checked after probing and before the demuxer
 *       reads anything, so a refused input opens nothing but itself.</li>
 *   <li>{@code -max_pixels}: decoders refuse frames larger than the pixel limit before allocating them (a PNG
 *       declaring 16000x16000 would otherwise take a gigabyte), in ffprobe's stream analysis as in the encode.</li>
 * </ul>
 *
 * <p>When the allow-list refuses an input, ffmpeg says only "Format not on whitelist". {@link #namingCommand}
 * is a second ffprobe run that learns the detected demuxer's name for the failure message: it allows no format
 * at all, so nothing past the probe buffer is read, and it logs the probe's verdict at debug level.
 */
public final class MediaGuard {

    /** QuickTime/MP4 (and 3GP, M4V): the demuxer name as {@code ffmpeg -demuxers} lists it. */
    public static final String MP4_DEMUXER = "mov,mp4,m4a,3gp,3g2,mj2";

    /**
     * Real video containers, by demuxer name: MP4/MOV/3GP, Matroska/WebM, AVI, MPEG-TS (.ts/.mts/.m2ts), FLV,
     * MPEG-PS (.mpg/.mpeg), ASF (.wmv), Ogg (.ogv) and MXF (.mxf) -- what the upload suffixes of
     * {@code pipeline.transcode.suffixes} name. None of them opens another input (the mov demuxer's external
     * data references are off by default, {@code enable_drefs=0}). Never here: hls, dash, concat, sdp, rtsp,
     * image2 (file patterns), webm_dash_manifest, tee or any other playlist or redirecting demuxer.
     */
    public static final List<String> VIDEO_DEMUXERS = List.of(MP4_DEMUXER, "matroska,webm", "avi", "mpegts", "flv",
            "mpeg", "asf", "ogg", "mxf");

    /** A downloaded temp file is all a local run needs. */
    public static final String LOCAL_FILE = "file";

    /** ffmpeg's words when the allow-list refused the probed demuxer. */
    static final String REFUSED = "Format not on whitelist";

    private static final Pattern PROBED = Pattern.compile(
            "Format (\\S+) (?:probed with size=|detected only with low score)");
    private static final Pattern OVERSIZED = Pattern.compile(
            "Picture size (\\d+)x(\\d+) exceeds specified max pixel count");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_,]{1,64}");

    private MediaGuard() {
    }

    /** The options that go before {@code -i}: protocols, demuxers, pixel limit. */
    public static List<String> inputOptions(String protocols, List<String> demuxers, long maxPixels) {
        return List.of("-protocol_whitelist", protocols, "-format_whitelist", String.join(",", demuxers),
                "-max_pixels", String.valueOf(maxPixels));
    }

    /** Exactly the protocols a presigned URL needs: {@code http,tcp} or {@code https,tls,tcp}. */
    public static String protocolsFor(String url) {
        String scheme = String.valueOf(URI.create(url).getScheme()).toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "http" -> "http,tcp";
            case "https" -> "https,tls,tcp";
            default -> throw new IllegalArgumentException("no protocol allow-list for a " + scheme + " URL");
        };
    }

    /** Whether ffmpeg's stderr says the input was refused by the format allow-list. */
    public static boolean refusedFormat(Collection<String> stderr) {
        return stderr.stream().anyMatch(line -> line.contains(REFUSED));
    }

    /**
     * ffprobe at debug level with an allow-list nothing matches: it probes, logs
     * "Format NAME probed with size=... and score=..." and stops before the demuxer reads anything.
     */
    public static List<String> namingCommand(String ffprobePath, String protocols, String input) {
        List<String> cmd = new ArrayList<>(List.of(ffprobePath, "-hide_banner", "-loglevel", "debug",
                "-protocol_whitelist", protocols, "-format_whitelist", "none", "-i", input));
        return cmd;
    }

    /** The demuxer {@link #namingCommand}'s stderr names, or "unknown"; only name characters, never raw text. */
    public static String detectedFormat(Collection<String> stderr) {
        for (String line : stderr) {
            Matcher m = PROBED.matcher(line);
            if (m.find() && SAFE_NAME.matcher(m.group(1)).matches()) {
                return m.group(1);
            }
        }
        return "unknown";
    }

    /** The frame size a decoder refused under {@code -max_pixels}, as {width, height}, if stderr reports one. */
    public static Optional<long[]> oversizedFrame(Collection<String> stderr) {
        for (String line : stderr) {
            Matcher m = OVERSIZED.matcher(line);
            if (m.find()) {
                try {
                    return Optional.of(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The first name of a demuxer's list ({@code mov,mp4,...} gives {@code mov}): what {@code -f} takes. */
    public static String forcedFormat(String formatName) {
        int comma = formatName.indexOf(',');
        return comma < 0 ? formatName : formatName.substring(0, comma);
    }

    /** Whether a probed format_name is one of the allowed demuxers. */
    public static boolean allowed(String formatName, List<String> demuxers) {
        return formatName != null && demuxers.contains(formatName);
    }
}
