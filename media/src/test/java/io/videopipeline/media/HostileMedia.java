package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Uploads an attacker would make, generated in the test: playlists and scripts that name other inputs, and small
 * files that declare huge work. Shared by the transcoder, metadata and Elastic Transcoder emulator tests.
 */
public final class HostileMedia {

    public static final String FFMPEG = "/usr/bin/ffmpeg";

    /** A payload and the demuxer ffmpeg detects it as. */
    public record Payload(String format, byte[] bytes) {
        @Override
        public String toString() {
            return format;
        }
    }

    private HostileMedia() {
    }

    /** An HLS playlist whose one segment is {@code segment}: an absolute local path or a URL. */
    public static Payload hls(String segment) {
        return new Payload("hls", ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n"
                + "#EXTINF:1.0,\n" + segment + "\n#EXT-X-ENDLIST\n").getBytes(StandardCharsets.UTF_8));
    }

    /** An ffconcat script naming {@code file}. */
    public static Payload ffconcat(String file) {
        return new Payload("concat", ("ffconcat version 1.0\nfile '" + file + "'\n").getBytes(StandardCharsets.UTF_8));
    }

    /** An SDP session: read as such, ffmpeg would listen for RTP on {@code port} (UDP). */
    public static Payload sdp(int port) {
        return new Payload("sdp", ("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=stream\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=video " + port + " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A one-second MPEG-TS of a solid colour: the "other upload" a playlist would leak. */
    public static Path solidTs(Path dir, String name, String colour) {
        Path out = dir.resolve(name);
        run(FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "color=c=" + colour + ":s=64x48:r=10:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
                "-f", "mpegts", out.toString());
        return out;
    }

    /**
     * A 2-frame MP4 of a still picture whose timestamps are 10 hours apart: 1.5 KB declaring PT10H.
     */
    public static Path tenHourStill(Path dir) {
        Path out = dir.resolve("ten-hours.mp4");
        run(FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=blue:s=32x32:r=1:d=2",
                "-vf", "setpts=N*36000/TB", "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast",
                "-threads", "1", out.toString());
        return out;
    }

    /** A fifth of a second at {@code fps} frames per second, 64x48. */
    public static Path highFrameRate(Path dir, int fps) {
        Path out = dir.resolve("fast-" + fps + ".mp4");
        run(FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=s=64x48:r=" + fps + ":d=0.2", "-c:v", "libx264", "-preset", "ultrafast", "-threads", "1",
                out.toString());
        return out;
    }

    /**
     * Two frames of a PNG declaring {@code size}x{@code size} (8-bit grey, all black: about 250 KB for 16000) in an
     * MP4. The PNG is written here; muxing it needs one decode to learn its size, so this takes ~size^2 bytes of
     * memory once, in the test's own ffmpeg run.
     */
    public static Path hugePngInMp4(Path dir, int size) throws IOException {
        Path png = dir.resolve("huge.png");
        try (OutputStream out = Files.newOutputStream(png)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            byte[] ihdr = new byte[13];
            putInt(ihdr, 0, size);
            putInt(ihdr, 4, size);
            ihdr[8] = 8; // bit depth; colour type 0 (grey), no interlace
            chunk(out, "IHDR", ihdr);
            java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat,
                    new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION))) {
                byte[] row = new byte[size + 1]; // filter byte 0 + black pixels
                for (int y = 0; y < size; y++) {
                    z.write(row);
                }
            }
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
        Path mp4 = dir.resolve("huge-" + size + ".mp4");
        run(FFMPEG, "-hide_banner", "-loglevel", "error", "-y", "-framerate", "1", "-loop", "1", "-t", "2",
                "-i", png.toString(), "-c:v", "copy", "-f", "mp4", mp4.toString());
        Files.delete(png);
        return mp4;
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.write(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.write(c);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** The RGB of the middle pixel of the first frame of a video file, as "r,g,b". */
    public static String middlePixel(Path video) {
        List<String> cmd = List.of(FFMPEG, "-hide_banner", "-loglevel", "error", "-i", video.toString(),
                "-frames:v", "1", "-vf", "scale=8:8", "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            byte[] rgb = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            int at = (4 * 8 + 4) * 3;
            return (rgb[at] & 0xff) + "," + (rgb[at + 1] & 0xff) + "," + (rgb[at + 2] & 0xff);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
