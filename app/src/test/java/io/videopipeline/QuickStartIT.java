package io.videopipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's quick start, as a user does it: the packaged jar with the shipped routes and config in
 * the default (local) profile, a video dropped into inbox/, and the renditions, metadata and mails
 * appearing under data/. Only ports (and the x264 speed) differ, so it can run beside anything.
 */
class QuickStartIT {

    /** An object being written by the local cloud's file store: {@code {name}-{uuid}} until it is renamed. */
    private static final Pattern IN_FLIGHT =
            Pattern.compile(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @TempDir
    Path work;

    @Test
    void aVideoDroppedIntoTheInboxEndsAsThreeRenditionsWithMetadataAndMails() throws Exception {
        Path project = Path.of(System.getProperty("pipeline.project.dir", ".")).toAbsolutePath();
        int cloudPort = FreePorts.next();
        int smtpPort = FreePorts.next();
        int managementPort = FreePorts.next();
        Path clip = work.resolve("clip.mov");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=1", "-f", "lavfi", "-i",
                "sine=frequency=440:duration=1", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
                "-shortest", clip.toString());

        try (PipelineProcess app = PipelineProcess.start(work, Map.of(),
                "--routes", project.resolve("routes").toString(), "--config", project.resolve("config").toString(),
                "--set", "pipeline.localcloud.port=" + cloudPort, "--set", "pipeline.localcloud.smtp-port=" + smtpPort,
                "--set", "camel.management.port=" + managementPort,
                "--set", "pipeline.console.port=0",
                "--set", "pipeline.ffmpeg.x264-preset=ultrafast")) {
            awaitShowingOutput(app, Duration.ofSeconds(90), () -> ready(managementPort));

            Files.createDirectories(work.resolve("inbox"));
            Files.copy(clip, work.resolve("inbox/.my first video.mov.part"));
            Files.move(work.resolve("inbox/.my first video.mov.part"), work.resolve("inbox/my first video.mov"));

            Path out = work.resolve("data/s3/video-transcoded/my first video");
            // the README's promise: renditions + metadata, the stream (master, its summary, poster, hls/, pictures/),
            // the job record, three mails
            List<String> expected = List.of(
                    "my first video-1080p.mp4", "my first video-720p.mp4", "my first video-web-720p.mp4",
                    "my first video-1080p.json", "my first video-720p.json", "my first video-web-720p.json",
                    "my first video.m3u8", "my first video.json", "my first video-poster.jpg",
                    "my first video.job.json");
            awaitShowingOutput(app, Duration.ofSeconds(120), () -> files(out).containsAll(expected)
                    && files(work.resolve("data/mail")).size() == 3);

            assertThat(files(out)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(out.resolve("hls")).isDirectory();
            assertThat(out.resolve("pictures")).isDirectory();
            assertThat(Files.readString(out.resolve("my first video-720p.json"))).contains("\"summary\"");
            assertThat(work.resolve("inbox/.done/my first video.mov")).exists();
            assertThat(app.terminate(Duration.ofSeconds(60))).isIn(0, 130, 143);
        }
    }

    /** Waits for the condition; if it never holds, the failure shows the end of the runner's output (its temp dir goes). */
    private static void awaitShowingOutput(PipelineProcess app, Duration atMost,
                                           java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(atMost).failFast(() -> !app.isAlive()).until(condition);
        } catch (RuntimeException e) {
            String out = app.output();
            throw new AssertionError(e.getMessage() + "\n--- runner output (last 6000 chars) ---\n"
                    + out.substring(Math.max(0, out.length() - 6000)), e);
        }
    }

    private static boolean ready(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static List<String> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            // notify-email's "mailed" markers sit beside the renditions, and while an object is written (a marker,
            // the job record updated by the fan-out) the local cloud's file store holds it as "{name}-{uuid}"; the
            // user-facing files are the rest
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".mailed") && !IN_FLIGHT.matcher(n).matches()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void ffmpeg(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}
