package io.videopipeline.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.videopipeline.FreePorts;
import io.videopipeline.PipelineTestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload throughput of the web console against the AWS CLI, for one file of {@code bench.console.mb} MB (500 by
 * default; generated, never committed), to the same local cloud (file-system store) on this machine. Not part of
 * the normal build (a {@code *Bench}): {@code mvn -o -B test -Dtest=ConsoleUploadBench
 * -Dsurefire.failIfNoSpecifiedTests=false}, or with the other benchmarks under {@code -Pbench}. Alternates page
 * and CLI runs ({@code bench.console.reps}, default 3) so a neighbour's load on a shared machine hits both; writes
 * {@code target/bench/console-upload.md} with the load average before and after.
 *
 * <ul>
 * <li>page: the console's upload (parts of {@code pipeline.console.part-size-mib}, 4 at a time, presigned PUTs
 * from headless Chromium), timed from the click to the answer of its complete call;</li>
 * <li>CLI: {@code aws --endpoint-url … s3 cp} with its defaults (8 MiB parts, 10 at a time), and once more shaped
 * like the page (16 MiB parts, 4 at a time) through a config file of its own.</li>
 * </ul>
 * Only the console's route runs: no transcoder picks the uploads up while they are measured.
 */
class ConsoleUploadBench {
    private static final int MB = Integer.getInteger("bench.console.mb", 500);
    private static final int REPS = Integer.getInteger("bench.console.reps", 3);
    /** Debian's AWS CLI (scripts/setup.sh): another {@code aws} on PATH may be a Python CLI v1 of any vintage. */
    private static final String AWS_CLI = "/usr/bin/aws";

    @RegisterExtension
    static final HeadlessChromium BROWSER = new HeadlessChromium();

    @TempDir
    Path work;

    @Test
    void pageAgainstAwsCli() throws Exception {
        String only = System.getProperty("bench.only", "").trim();
        if (!only.isEmpty() && !List.of(only.split(",")).contains("console")) {
            return; // a benchmark run of other sections
        }
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        Path file = randomFile(work.resolve("bench.mov"), MB);
        long size = Files.size(file);
        int port = FreePorts.next();
        String origin = "http://127.0.0.1:" + port;
        List<Double> page = new ArrayList<>();
        List<Double> cliDefault = new ArrayList<>();
        List<Double> cliShaped = new ArrayList<>();
        try (PipelineTestApp app = PipelineTestApp.start(work.resolve("app"), Map.of(
                "pipeline.localcloud.transient", "false",
                "pipeline.routes.enabled", "console-api",
                "pipeline.console.port", Integer.toString(port),
                "pipeline.cors.allowed-origins", origin))) {
            String endpoint = app.config().get("pipeline.aws.endpoint-url");
            String bucket = app.config().get("pipeline.buckets.upload");
            ConsolePage console = new ConsolePage(BROWSER, origin + "/");
            Path defaults = cliConfig("defaults", "");
            Path shaped = cliConfig("shaped", "  multipart_chunksize = 16MB\n  max_concurrent_requests = 4\n");
            for (int r = 0; r < REPS; r++) {
                String key = "bench/page-" + r + ".mov";
                console.open();
                BROWSER.await(Duration.ofSeconds(20)).until(d -> "live".equals(console.text("#live")));
                long t0 = System.nanoTime();
                console.upload(file, key);
                BROWSER.await(Duration.ofMinutes(10)).withMessage(() -> "page upload; " + console.text("#upload-status")
                                + " " + console.text("#message"))
                        .until(d -> key.equals(console.timings().get("completedKey")));
                page.add(mbPerSecond(size, System.nanoTime() - t0));
                assertThat(app.s3().headObject(b -> b.bucket(bucket).key(key)).contentLength()).isEqualTo(size);

                cliDefault.add(awsCp(endpoint, defaults, file, bucket, "bench/cli-" + r + ".mov", size, app));
                cliShaped.add(awsCp(endpoint, shaped, file, bucket, "bench/cli-shaped-" + r + ".mov", size, app));
            }
        }
        String report = String.join("\n",
                "# Console upload throughput (" + Instant.now() + ")", "",
                "One " + MB + " MB random file (" + size + " bytes) to the local cloud's upload bucket (file-system "
                        + "store) on this machine, " + REPS + " runs each, alternating; MB/s = 10^6 bytes/s.", "",
                "| uploader | MB/s median | runs |", "| --- | --- | --- |",
                row("console page (16 MiB parts, 4 parallel, headless Chromium)", page),
                row("aws s3 cp, defaults (8 MiB parts, 10 parallel)", cliDefault),
                row("aws s3 cp, 16 MiB parts, 4 parallel", cliShaped), "",
                "load average before: " + loadBefore,
                "load average after:  " + Files.readString(Path.of("/proc/loadavg")).trim(),
                "nproc: " + Runtime.getRuntime().availableProcessors(), "");
        System.out.print(report);
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.writeString(out.resolve("console-upload.md"), report);
    }

    /** Seconds of one {@code aws s3 cp} as MB/s; checks the object arrived whole. */
    private double awsCp(String endpoint, Path config, Path file, String bucket, String key, long size,
                         PipelineTestApp app) throws Exception {
        Path log = work.resolve("aws.log");
        ProcessBuilder aws = new ProcessBuilder(AWS_CLI, "--endpoint-url", endpoint, "--only-show-errors", "s3", "cp",
                file.toString(), "s3://" + bucket + "/" + key).redirectErrorStream(true).redirectOutput(log.toFile());
        aws.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", app.config().get("pipeline.aws.access-key"),
                "AWS_SECRET_ACCESS_KEY", app.config().get("pipeline.aws.secret-key"),
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_CONFIG_FILE", config.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-credentials").toString()));
        long t0 = System.nanoTime();
        Process p = aws.start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("aws s3 cp finished").isTrue();
        long elapsed = System.nanoTime() - t0;
        assertThat(p.exitValue()).as("aws s3 cp: %s", Files.readString(log)).isZero();
        assertThat(app.s3().headObject(b -> b.bucket(bucket).key(key)).contentLength()).isEqualTo(size);
        return mbPerSecond(size, elapsed);
    }

    /** An AWS CLI config file of its own (the user's ~/.aws is left alone): path-style addressing, S3 settings. */
    private Path cliConfig(String name, String s3Settings) throws IOException {
        return Files.writeString(work.resolve("aws-" + name + ".config"),
                "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n" + s3Settings);
    }

    private static Path randomFile(Path file, int mb) throws IOException {
        Random random = new Random(18);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < mb * 1_000_000L / block.length; i++) {
                random.nextBytes(block);
                out.write(block);
            }
            random.nextBytes(block);
            out.write(block, 0, (int) (mb * 1_000_000L % block.length));
        }
        return file;
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static String row(String name, List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format("| %s | %.1f | %s |", name, median,
                String.join(", ", values.stream().map(v -> String.format("%.1f", v)).toList()));
    }
}
