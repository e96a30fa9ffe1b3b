package io.videopipeline.localcloud.et;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.JobDir;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local ET job killed with its process (kill -9: no {@code finally} runs) leaves its temp dir behind; the next
 * emulator start removes it, as the ffmpeg backend's start removes its own, and never touches a live job's dir.
 */
class EtJobCrashSafetyTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    @TempDir
    Path work;

    @Test
    void theTempDirOfAnEtJobWhoseProcessWasKilledIsRemovedAtTheNextStart() throws Exception {
        Path killed = Files.createDirectories(work.resolve(EtJobRunner.KIND + "-1795601211338-l07i9x-1/out"))
                .getParent();
        Files.writeString(killed.resolve("source.mov"), "half a download");
        Process holder = holdLock(killed);
        Path running = Files.createDirectories(work.resolve(EtJobRunner.KIND + "-1795601211339-abcdef-2"));
        Path otherKind = Files.createDirectories(work.resolve("ffmpeg-0123456789abcdef-3"));
        Files.writeString(otherKind.resolve(JobDir.OWNER_LOCK), "");
        try (FileChannel channel = FileChannel.open(running.resolve(JobDir.OWNER_LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             var lock = channel.lock()) {

            new EtJobRunner(S3.client(), settings());
            assertThat(killed).as("its process is alive and holds the lock").isDirectory();

            holder.destroyForcibly(); // SIGKILL: the OS drops the lock, nothing cleans up
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            new EtJobRunner(S3.client(), settings());

            assertThat(killed).doesNotExist();
            assertThat(running).as("a live job of this process").isDirectory();
            assertThat(otherKind).as("the ffmpeg backend sweeps its own dirs").isDirectory();
        }
    }

    private FfmpegSettings settings() {
        return FfmpegSettings.defaults().withWorkDir(work);
    }

    /** Another JVM that locks the dir's lock file as a running job does, and says so. */
    private static Process holdLock(Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.resolve(JobDir.OWNER_LOCK).toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
        return process;
    }

    /** The child: takes the lock, reports it, then waits to be killed. */
    public static final class LockHolder {
        public static void main(String[] args) throws Exception {
            FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            channel.lock();
            System.out.println("locked");
            System.out.flush();
            System.in.read(); // blocks until the parent kills this process
        }
    }
}
