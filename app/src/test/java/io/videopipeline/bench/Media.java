package io.videopipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Input clips made with ffmpeg's lavfi sources, cached under target/bench/media (a re-run reuses them).
 */
final class Media {
    static final String FFMPEG = "/usr/bin/ffmpeg";

    private Media() {
    }

    /** 1080p test pattern + 440 Hz tone, H.264/AAC as a camera might write it (high quality, ultrafast). */
    static Path testPattern(Path dir, int seconds, int width, int height) {
        return cached(dir, "testsrc2-" + width + "x" + height + "-" + seconds + "s.mov", out -> List.of(FFMPEG,
                "-v", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=s=" + width + "x" + height + ":r=30:d=" + seconds,
                "-f", "lavfi", "-i", "sine=f=440:d=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "192k", "-shortest", out.toString()));
    }

    /**
     * "Real-world-like": a continuously zooming Mandelbrot (motion everywhere, fine detail) rendered small and
     * scaled to 1080p, with temporal grain like a camera sensor, and pink-noise audio. Much harder to encode than
     * testsrc2 (whose static areas cost nothing).
     */
    static Path realWorld(Path dir, int seconds) {
        return cached(dir, "mandelbrot-grain-1920x1080-" + seconds + "s.mov", out -> List.of(FFMPEG,
                "-v", "error", "-y",
                "-f", "lavfi", "-i", "mandelbrot=s=640x360:r=30,scale=1920:1080:flags=bicubic,"
                        + "noise=alls=8:allf=t,hue=H=0.2*t,trim=duration=" + seconds,
                "-f", "lavfi", "-i", "anoisesrc=c=pink:a=0.2:d=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "192k", "-shortest", out.toString()));
    }

    /**
     * About {@code mb} MiB of faststart MP4 cheaply: lossless H.264 of a noisy 640x360 pattern (~12 MB per
     * second), 100 MiB made once, larger sizes by {@code -c copy} concatenation of it.
     */
    static Path sized(Path dir, int mb) {
        if (mb <= 100) {
            double seconds = mb / 11.5;
            return cached(dir, "noise-640x360-" + mb + "MB.mp4", out -> List.of(FFMPEG, "-v", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=" + seconds,
                    "-f", "lavfi", "-i", "sine=f=440:d=" + seconds,
                    "-vf", "noise=alls=100:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0",
                    "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", out.toString()));
        }
        Path base = sized(dir, 100);
        int copies = (int) Math.round(mb / (sizeMb(base)));
        return cached(dir, "noise-640x360-" + mb + "MB.mp4", out -> {
            Path list = dir.resolve("concat-" + mb + ".txt");
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < copies; i++) {
                text.append("file '").append(base.toAbsolutePath()).append("'\n");
            }
            try {
                Files.writeString(list, text);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return List.of(FFMPEG, "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", list.toString(),
                    "-c", "copy", "-movflags", "+faststart", out.toString());
        });
    }

    static double sizeMb(Path file) {
        try {
            return Files.size(file) / 1048576.0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static double durationSeconds(Path file) {
        String out = Procs.run(List.of("/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration",
                "-of", "default=nw=1:nk=1", file.toString()), 60);
        return Double.parseDouble(out.trim());
    }

    /** The video's average frame rate, as the pipeline's probe reads it (0 if unknown). */
    static double frameRate(Path file) {
        String out = Procs.run(List.of("/usr/bin/ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=avg_frame_rate", "-of", "default=nw=1:nk=1", file.toString()), 60);
        return io.videopipeline.media.FfmpegProbe.rate(out.trim());
    }

    private interface Command {
        List<String> forOutput(Path out);
    }

    private static Path cached(Path dir, String name, Command command) {
        try {
            Files.createDirectories(dir);
            Path out = dir.resolve(name);
            if (Files.isRegularFile(out) && Files.size(out) > 0) {
                return out;
            }
            Path tmp = dir.resolve("partial-" + name);
            List<String> cmd = new ArrayList<>(command.forOutput(tmp));
            Procs.run(cmd, 1800);
            Files.move(tmp, out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make " + name, e);
        }
    }
}
