package io.videopipeline.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The play time and the video's size of an MP4 this pipeline's ffmpeg just wrote, read from its {@code moov} box
 * (ISO/IEC 14496-12): the movie header's duration and the first video track's sample entry ({@code avc1}, whose size
 * ffmpeg writes as the coded size, what ffprobe reports). A rendition's record needs only these; reading them here
 * costs microseconds where an ffprobe run per rendition cost ~60 ms of CPU and a process start, taken from the next
 * job's encode (issue 20).
 *
 * <p>Only for our own outputs: an upload is probed by ffprobe, with its limits. Still read defensively (bounded
 * sizes, no recursion beyond the known path); anything unexpected gives {@link Optional#empty()} and the caller
 * falls back to ffprobe.
 */
public final class Mp4Facts {

    /** What a rendition's record lists. */
    public record Facts(Duration duration, int width, int height) {
    }

    /** Boxes larger than this are skipped over, never read (moov of an hour-long rendition is a few MB). */
    private static final long MAX_READ = 64L * 1024 * 1024;

    private Mp4Facts() {
    }

    public static Optional<Facts> read(Path file) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Box moov = find(in, 0, in.size(), "moov");
            if (moov == null || moov.size() > MAX_READ) {
                return Optional.empty();
            }
            ByteBuffer m = ByteBuffer.allocate((int) moov.size());
            readFully(in, m, moov.start());
            return facts(m.flip());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Facts> facts(ByteBuffer moov) {
        ByteBuffer mvhd = child(moov, "mvhd");
        if (mvhd == null) {
            return Optional.empty();
        }
        int version = mvhd.get(0);
        long timescale = Integer.toUnsignedLong(mvhd.getInt(version == 1 ? 20 : 12));
        long duration = version == 1 ? mvhd.getLong(24) : Integer.toUnsignedLong(mvhd.getInt(16));
        if (timescale == 0 || duration < 0) {
            return Optional.empty();
        }
        for (ByteBuffer trak = next(moov, "trak"); trak != null; trak = next(moov, "trak")) {
            ByteBuffer mdia = child(trak, "mdia");
            ByteBuffer hdlr = mdia == null ? null : child(mdia, "hdlr");
            if (hdlr == null || hdlr.remaining() < 12 || !"vide".equals(type(hdlr, 8))) {
                continue;
            }
            ByteBuffer minf = child(mdia, "minf");
            ByteBuffer stbl = minf == null ? null : child(minf, "stbl");
            ByteBuffer stsd = stbl == null ? null : child(stbl, "stsd");
            // stsd: version/flags, entry count, then the first sample entry's box: size, type, 6 reserved,
            // data reference index, 16 pre-defined/reserved bytes, width, height (VisualSampleEntry)
            if (stsd == null || stsd.remaining() < 8 + 8 + 32 + 4) {
                return Optional.empty();
            }
            int width = Short.toUnsignedInt(stsd.getShort(8 + 8 + 24));
            int height = Short.toUnsignedInt(stsd.getShort(8 + 8 + 26));
            if (width == 0 || height == 0) {
                return Optional.empty();
            }
            return Optional.of(new Facts(Duration.ofMillis(duration * 1000 / timescale), width, height));
        }
        return Optional.empty();
    }

    private record Box(long start, long size) {
    }

    /** The content (after the header) of the first top-level box of {@code type} in the file, or null. */
    private static Box find(FileChannel in, long from, long end, String type) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16);
        for (long at = from; at + 8 <= end; ) {
            header.clear().limit(8);
            readFully(in, header, at);
            long size = Integer.toUnsignedLong(header.getInt(0));
            String name = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
            int headerSize = 8;
            if (size == 1) {
                header.clear().limit(8);
                readFully(in, header, at + 8);
                size = header.getLong(0);
                headerSize = 16;
            } else if (size == 0) {
                size = end - at;
            }
            if (size < headerSize || at + size > end) {
                return null;
            }
            if (name.equals(type)) {
                return new Box(at + headerSize, size - headerSize);
            }
            at += size;
        }
        return null;
    }

    /** The content of {@code parent}'s first child box of {@code type} (from the start), or null. */
    private static ByteBuffer child(ByteBuffer parent, String type) {
        parent.mark();
        parent.position(0);
        try {
            return next(parent, type);
        } finally {
            parent.reset();
        }
    }

    /** The content of the next child box of {@code type} from {@code parent}'s position, which moves past it. */
    private static ByteBuffer next(ByteBuffer parent, String type) {
        while (parent.remaining() >= 8) {
            int at = parent.position();
            long size = Integer.toUnsignedLong(parent.getInt(at));
            String name = type(parent, at + 4);
            if (size < 8 || size > parent.remaining()) {
                parent.position(parent.limit());
                return null;
            }
            parent.position(at + (int) size);
            if (name.equals(type)) {
                return parent.duplicate().position(at + 8).limit(at + (int) size).slice();
            }
        }
        return null;
    }

    private static String type(ByteBuffer b, int at) {
        byte[] name = new byte[4];
        b.get(at, name);
        return new String(name, StandardCharsets.ISO_8859_1);
    }

    private static void readFully(FileChannel in, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (in.read(into, at + into.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }
}
