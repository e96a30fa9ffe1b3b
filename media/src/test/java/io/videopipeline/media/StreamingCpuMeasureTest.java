package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.s3.S3ProxyFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints the CPU (user + sys of the ffmpeg/ffprobe children, from this JVM's cutime/cstime) of MP4-only against
 * MP4 + HLS + pictures on a 10 s 1080p testsrc2 clip. A measurement, not a check, and two minutes of CPU: it
 * runs only when asked, {@code mvn -o -B test -pl media -Dtest=StreamingCpuMeasureTest -Dmeasure=true}.
 */
@EnabledIfSystemProperty(named = "measure", matches = "true")
class StreamingCpuMeasureTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    @TempDir
    static Path work;

    @Test
    void mp4OnlyAgainstMp4HlsAndPictures() throws Exception {
        S3.createBucket("in-bucket");
        S3.createBucket("out-bucket");
        Path source = work.resolve("src.mp4");
        StreamingEncodeTest.run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=s=1920x1080:r=30:d=10", "-f", "lavfi", "-i", "sine=d=10", "-threads", "1", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-shortest", source.toString()));
        S3.client().putObject(b -> b.bucket("in-bucket").key("src.mp4"), source);
        PresetCatalog catalog = PresetCatalog.load(PresetCatalogTest.SHIPPED);
        FfmpegSettings base = FfmpegSettings.defaults().withWorkDir(work).withThreads(1);
        StreamingSettings streaming = PresetCatalog.loadStreaming(PresetCatalogTest.SHIPPED, true);
        double off = cpu(base, catalog, "off");
        double on = cpu(base.withStreaming(streaming), catalog, "on");
        System.out.printf("CPU (user+sys of ffmpeg/ffprobe), 10 s 1080p, x264 fast, 1 thread/output: "
                + "MP4 only %.1f s, MP4 + HLS + pictures %.1f s, ratio %.2f%n", off, on, on / off);
        assertThat(on).isPositive();
    }

    private static double cpu(FfmpegSettings settings, PresetCatalog catalog, String name) throws Exception {
        List<MediaEncoder.Output> outputs = catalog.presets().stream().map(p -> new MediaEncoder.Output(
                "v/" + name + "/" + name + "-" + p.name() + ".mp4", p, Map.of())).toList();
        double before = childrenCpuSeconds();
        long start = System.nanoTime();
        new MediaEncoder(S3.client(), settings, "m").encode(new MediaEncoder.Request("m-" + name, "in-bucket",
                "src.mp4", null, "out-bucket", outputs, null), new MediaEncoder.Steps() { });
        double cpu = childrenCpuSeconds() - before;
        System.out.printf("%s: cpu %.1f s, wall %.1f s%n", name, cpu, (System.nanoTime() - start) / 1e9);
        return cpu;
    }

    /** cutime + cstime of /proc/self/stat: CPU of the children this JVM waited for, in clock ticks of 1/100 s. */
    private static double childrenCpuSeconds() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the command: state is field 3, so cutime (16) and cstime (17) are at 13 and 14
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
    }
}
