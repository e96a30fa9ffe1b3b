package io.videopipeline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process supervision with stand-in shell scripts instead of ffmpeg: fast and deterministic. */
class FfmpegProcessTest {

    @TempDir
    Path dir;

    private final FfmpegProcess process = new FfmpegProcess(Duration.ofSeconds(20), Duration.ofSeconds(30));

    @Test
    void progressBlocksBecomeListenerCallsWithPercentOfTheProbedDuration() {
        String script = """
                echo frame=1; echo out_time_us=N/A; echo speed=N/A; echo progress=continue
                echo out_time_us=1000000; echo speed=2.5x; echo progress=continue
                echo out_time_us=4000000; echo speed=3x; echo progress=continue
                echo out_time_us=4000000; echo progress=end
                """;
        List<ProgressListener.Progress> seen = Collections.synchronizedList(new ArrayList<>());

        process.transcode(List.of("sh", "-c", script), "b", "k", "job-1", Duration.ofSeconds(4), seen::add);

        assertThat(seen).extracting(ProgressListener.Progress::percent).containsExactly(0.0, 25.0, 100.0, 100.0);
        assertThat(seen).extracting(ProgressListener.Progress::speed).containsExactly(-1.0, 2.5, 3.0, 3.0);
        assertThat(seen).extracting(ProgressListener.Progress::done).containsExactly(false, false, false, true);
        assertThat(seen.get(1).encoded()).isEqualTo(Duration.ofSeconds(1));
        assertThat(seen.get(0).jobId()).isEqualTo("job-1");
    }

    @Test
    void videoStatsGiveProgressAndEncodedBytesBeforeFfmpegPrintsAnyProgressBlock() throws Exception {
        Path stats = dir.resolve("vstats.log");
        Path seenIt = dir.resolve("seen");
        // ffmpeg holds -progress back until every output is open; the per-frame statistics come all the same. The
        // stand-in waits until the listener has seen them (its marker file), then ends as ffmpeg would.
        String script = """
                printf 'out=  0 st=  0 frame=     9 q= 25.0 f_size=  5120 s_size=      100kB time= 1.000 br= 1.0kbits/s avg_br= 1.0kbits/s type= P\\n' > "$1"
                printf 'out=  1 st=  0 frame=     8 q= 25.0 f_size=  2048 s_size=       50kB time= 0.960 br= 1.0kbits/s avg_br= 1.0kbits/s type= P\\n' >> "$1"
                while [ ! -f "$2" ]; do sleep 0.05; done
                echo out_time_us=4000000; echo progress=end
                """;
        List<ProgressListener.Progress> seen = Collections.synchronizedList(new ArrayList<>());

        FfmpegProcess.Outcome outcome = process.transcode(List.of("sh", "-c", script, "sh", stats.toString(),
                seenIt.toString()), "b", "k", "job-1", Duration.ofSeconds(4), p -> {
                    seen.add(p);
                    if (!p.done()) {
                        try {
                            Files.writeString(seenIt, "");
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }, stats);

        ProgressListener.Progress first = seen.get(0);
        assertThat(first.done()).isFalse();
        assertThat(first.percent()).isEqualTo(25.0);
        assertThat(first.outputBytes()).isEqualTo(150 * 1024);
        assertThat(first.speed()).isPositive(); // media time over wall time, as ffmpeg's own speed
        assertThat(seen.get(seen.size() - 1).done()).isTrue();
        assertThat(outcome.errors()).isZero();
    }

    @Test
    void linesAtLevelErrorAreCountedAndTheFirstKeptWithoutTheirTags() {
        String script = """
                echo '[h264 @ 0x55e1] [error] error while decoding MB 0 12, bytestream 1171' >&2
                echo '[swscaler @ 0x55e2] [warning] deprecated pixel format used' >&2
                echo '[error] top-level complaint' >&2
                echo '[mpegts @ 0x55e3] [warning] Packet corrupt (stream = 1, dts = 302473).' >&2
                echo out_time_us=1; echo progress=end
                """;

        FfmpegProcess.Outcome outcome = process.transcode(List.of("sh", "-c", script), "b", "k", "j", null,
                ProgressListener.NONE);

        assertThat(outcome.errors()).isEqualTo(2);
        assertThat(outcome.errorLines()).containsExactly("error while decoding MB 0 12, bytestream 1171",
                "top-level complaint");
    }

    @Test
    void unknownDurationGivesMinusOnePercentAndAFailingListenerIsIgnored() {
        List<ProgressListener.Progress> seen = new ArrayList<>();

        process.transcode(List.of("sh", "-c", "echo out_time_us=5; echo progress=end"), "b", "k", "j", null, p -> {
            seen.add(p);
            throw new IllegalStateException("listener bug");
        });

        assertThat(seen).singleElement().extracting(ProgressListener.Progress::percent).isEqualTo(-1.0);
    }

    @Test
    void nonZeroExitKeepsOnlyTheLastThirtyStderrLines() {
        String script = "i=1; while [ $i -le 45 ]; do echo \"stderr line $i\" >&2; i=$((i+1)); done; exit 3";

        assertThatThrownBy(() -> process.transcode(List.of("sh", "-c", script), "video-upload", "a/clip.mov", "j",
                null, ProgressListener.NONE))
                .isInstanceOfSatisfying(TranscodeFailedException.class, e -> {
                    assertThat(e.getMessage()).startsWith("ffmpeg failed with exit code 3 on s3://video-upload/a/clip.mov")
                            .endsWith("stderr line 45");
                    assertThat(e.stderrTail()).hasSize(30).startsWith("stderr line 16").endsWith("stderr line 45");
                    assertThat(e.bucket()).isEqualTo("video-upload");
                    assertThat(e.key()).isEqualTo("a/clip.mov");
                });
    }

    @Test
    void aFailureNamesTheRunnersFilesWithoutItsTempDirOrFfmpegsAddresses() {
        String script = "echo '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55ff6557b280] moov atom not found' >&2;"
                + " echo 'file:/tmp/junit-149/app/work/ffmpeg-ef69-1348/source.mov: Invalid data found' >&2;"
                + " echo \"Output #0, mp4, to '/var/tmp/w/ffmpeg-1/0-1080p.mp4':\" >&2;"
                + " echo 'not from us: s3://video-upload/a/b/clip.mov and 10/20/30' >&2; exit 1";

        assertThatThrownBy(() -> process.transcode(List.of("sh", "-c", script), "video-upload", "a/clip.mov", "j",
                null, ProgressListener.NONE))
                .isInstanceOfSatisfying(TranscodeFailedException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain("/tmp/", "0x55ff", "ffmpeg-ef69")
                            .contains("[mov,mp4,m4a,3gp,3g2,mj2] moov atom not found",
                                    "source.mov: Invalid data found", "to '0-1080p.mp4':",
                                    "s3://video-upload/a/b/clip.mov and 10/20/30");
                    assertThat(e.stderrTail()).noneMatch(line -> line.contains("/tmp/"));
                });
    }

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        // A child that would outlive its parent if only the parent were killed.
        String script = "sleep 300 & echo $! > " + pidFile + "; echo waiting >&2; wait";
        FfmpegProcess quick = new FfmpegProcess(Duration.ofMillis(1500), Duration.ofSeconds(30));

        assertThatThrownBy(() -> quick.transcode(List.of("sh", "-c", script), "b", "k", "j", null,
                ProgressListener.NONE))
                .isInstanceOf(TranscodeFailedException.class)
                .hasMessageContaining("timed out after PT1.5S");

        long childPid = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
        assertThat(FfmpegProcess.running()).isZero();
    }

    @Test
    void interruptKillsTheProcessAndKeepsTheInterruptFlag() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                process.transcode(List.of("sh", "-c", "echo started; exec sleep 300"), "b", "k", "j", null,
                        ProgressListener.NONE);
            } catch (RuntimeException e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        worker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> FfmpegProcess.running() > 0);

        worker.interrupt();
        worker.join(10_000);

        assertThat(failure.get()).isInstanceOf(TranscodeFailedException.class).hasMessageContaining("interrupted");
        assertThat(stillInterrupted.get()).isTrue();
        assertThat(FfmpegProcess.running()).isZero();
    }

    @Test
    void aMissingProgramIsAFailureNotACrash() {
        assertThatThrownBy(() -> process.capture(List.of("/opt/nowhere/ffprobe"), "ffprobe", "b", "k", 100))
                .isInstanceOf(TranscodeFailedException.class)
                .hasMessageStartingWith("ffprobe could not be started for s3://b/k");
    }

    @Test
    void captureReturnsStdoutUpToTheLimit() {
        assertThat(process.capture(List.of("sh", "-c", "echo hello; echo world"), "sh", "b", "k", 100))
                .isEqualTo("hello\nworld\n");
        assertThat(process.capture(List.of("sh", "-c", "echo hello; echo world"), "sh", "b", "k", 3)).isEqualTo("hel\n");
    }
}
