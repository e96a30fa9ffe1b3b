package io.videopipeline.bench;

import io.videopipeline.app.FfmpegConfig;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.media.FfmpegCommand;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * 9. Split-and-stitch (issue 19): one upload, each worker process limited to one encoding thread
 * ({@code pipeline.ffmpeg.threads=1}), from the job's receipt (its first log line, after download and probe) to the last
 * rendition stored.
 * Not from the PUT: a runner stopped during a long poll leaves that poll open on the queue, and the next run's
 * upload event went to it and stayed invisible for the visibility timeout (2 of the 3 runs of 2026-12-03 lost
 * 2 minutes so); the PUT-to-receipt time is in the note.
 *
 * <ul>
 *   <li>unchunked on 1 worker (chunking off): what an upload gets today;</li>
 *   <li>chunked on 1 worker, then on 2 worker processes: the speedup of the second worker (goal ≥ 1.8×) and the
 *       CPU of the chunked job (both processes and their ffmpeg) against the unchunked one (goal ≤ 1.10×);</li>
 *   <li>the per-chunk overhead: (CPU chunked on 1 worker − CPU unchunked) / chunks, and the stitch's own time (its
 *       log line);</li>
 *   <li>the limit for the speedup on this machine: the shipped ffmpeg command (3 MP4s, one encoding thread) on one
 *       chunk's length of the same pattern, once alone and twice at once: 2 × alone / together is what a second
 *       worker can add when the two share the machine's cores, caches and memory.</li>
 * </ul>
 *
 * <p>Full: the 300 s 1080p test pattern, chunks of 30 s ({@code -Dbench.chunking.seconds}, {@code
 * -Dbench.chunking.chunk-seconds}). Quick: 24 s of 720p in chunks of 6 s. The 2-worker figure only means something on
 * an idle machine with at least 2 free cores: the report carries the load average before each run.
 */
final class ChunkingSection {
    private static final String SECTION = "9 chunking";
    private static final Pattern STITCHED = Pattern.compile(", (\\d+) chunks\\) in (\\d+) ms");

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;

    ChunkingSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
    }

    void run() throws Exception {
        int seconds = env.pick("chunking.seconds", 24, 300);
        int chunkSeconds = env.pick("chunking.chunk-seconds", 6, 30);
        Path clip = env.quick() ? Media.testPattern(env.mediaDir(), seconds, 1280, 720)
                : Media.testPattern(env.mediaDir(), seconds, 1920, 1080);
        String what = String.format("testsrc2 %s %d s (%.1f MB), 1 encoding thread per worker",
                env.quick() ? "720p" : "1080p", seconds, Media.sizeMb(clip));
        Map<String, String> one = Map.of("pipeline.routes.enabled", "transcode-video,transcode-chunk",
                "pipeline.ffmpeg.threads", "1");

        double[] limit = parallelLimit(Media.testPattern(env.mediaDir(), chunkSeconds,
                env.quick() ? 1280 : 1920, env.quick() ? 720 : 1080));
        double limitSpeedup = 2 * limit[0] / limit[1];
        report.add(SECTION, "limit: 2 bare ffmpeg at once vs 1 alone (3 MP4s, 1 encoding thread, " + chunkSeconds
                + " s of the pattern)", "s", Stats.of(limit[1]), "1 alone", Stats.of(limit[0]),
                BenchReport.Target.INFO, String.format("the machine's speedup for a second encode: %.2fx",
                        limitSpeedup));

        Run whole = measure("unchunked", clip, List.of(with(one, "0", chunkSeconds)));
        Run chunked1 = measure("chunked-1", clip, List.of(with(one, String.valueOf(chunkSeconds), chunkSeconds)));
        Run chunked2 = measure("chunked-2", clip, List.of(with(one, String.valueOf(chunkSeconds), chunkSeconds),
                with(one, String.valueOf(chunkSeconds), chunkSeconds)));

        report.add(SECTION, "wall: chunked on 2 workers vs 1 worker, " + what, "s", Stats.of(chunked2.wall),
                "chunked on 1 worker", Stats.of(chunked1.wall), BenchReport.Target.INFO,
                String.format("speedup %.2fx (goal >= 1.8x; this machine's limit %.2fx); PUT to receipt %.1f / %.1f s;"
                        + " load before: %s / %s", chunked1.wall / chunked2.wall, limitSpeedup, chunked1.pickup,
                        chunked2.pickup, chunked1.load, chunked2.load));
        report.add(SECTION, "wall: chunked on 2 workers vs unchunked, " + what, "s", Stats.of(chunked2.wall),
                "unchunked on 1 worker", Stats.of(whole.wall), BenchReport.Target.INFO,
                String.format("speedup %.2fx for the user; load before: %s", whole.wall / chunked2.wall, whole.load));
        report.add(SECTION, "CPU: chunked on 2 workers (both JVMs + ffmpeg), " + what, "s", Stats.of(chunked2.cpu),
                "unchunked", Stats.of(whole.cpu), BenchReport.Target.AT_MOST_1_10, "goal <= 1.10x");
        report.add(SECTION, "CPU: chunked on 1 worker, " + what, "s", Stats.of(chunked1.cpu), "unchunked",
                Stats.of(whole.cpu), BenchReport.Target.AT_MOST_1_10, chunked1.chunks + " chunks of ~" + chunkSeconds
                        + " s");
        double perChunkCpu = (chunked1.cpu - whole.cpu) / Math.max(1, chunked1.chunks);
        double perChunkWall = (chunked1.wall - whole.wall) / Math.max(1, chunked1.chunks);
        report.add(SECTION, "overhead per chunk (1 worker, chunked - unchunked) / chunks", "s CPU",
                Stats.of(perChunkCpu), null, null, BenchReport.Target.INFO,
                String.format("wall %.2f s per chunk; the stitch (download parts, concat, mux, package, upload)"
                        + " %.2f s of it once per job (%s); on 2 workers %.2f s (%s)", perChunkWall,
                        chunked1.stitchSeconds, chunked1.stitchTimes, chunked2.stitchSeconds, chunked2.stitchTimes));
        report.fact("chunking per-chunk overhead", String.format("cpu %.3f s, wall %.3f s, stitch %.2f s,"
                + " chunks %d, unchunked wall %.1f s for %d s of video", perChunkCpu, perChunkWall,
                chunked1.stitchSeconds, chunked1.chunks, whole.wall, seconds));
    }

    private static Map<String, String> with(Map<String, String> base, String minSeconds, int chunkSeconds) {
        Map<String, String> s = new java.util.LinkedHashMap<>(base);
        s.put("pipeline.transcode.chunking-min-seconds", minSeconds);
        s.put("pipeline.transcode.chunk-seconds", String.valueOf(chunkSeconds));
        return s;
    }

    private record Run(double wall, double pickup, double cpu, int chunks, double stitchSeconds, String stitchTimes,
                       String load) {
    }

    /** {wall alone, wall of two at once} of the shipped command with one encoding thread on this clip. */
    private double[] parallelLimit(Path clip) throws Exception {
        PipelineConfig shipped = PipelineConfig.load(env.configDir(), "aws", Map.of(), Map.of());
        FfmpegSettings ffmpeg = FfmpegConfig.settings(shipped).withThreads(1);
        List<Preset> presets = PresetCatalog.load(env.configDir().resolve("presets.yaml")).presets();
        bareAtOnce(ffmpeg, presets, clip, 1); // warm the page cache and the binary
        return new double[] {bareAtOnce(ffmpeg, presets, clip, 1), bareAtOnce(ffmpeg, presets, clip, 2)};
    }

    private double bareAtOnce(FfmpegSettings ffmpeg, List<Preset> presets, Path clip, int count) throws Exception {
        List<Path> outs = new ArrayList<>();
        List<Process> running = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int n = 0; n < count; n++) {
                Path out = Files.createTempDirectory(dir, "limit-");
                outs.add(out);
                List<FfmpegCommand.Output> outputs = new ArrayList<>();
                for (Preset p : presets) {
                    outputs.add(new FfmpegCommand.Output(p, out.resolve(p.name() + ".mp4")));
                }
                running.add(new ProcessBuilder(new FfmpegCommand(ffmpeg).build(clip, null, outputs, true, null,
                        Media.frameRate(clip)))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process p : running) {
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("bare ffmpeg failed on " + clip);
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            for (Path out : outs) {
                PipelineBench.deleteTree(out);
            }
        }
    }

    /** One upload on as many runners as settings given; wall from the PUT to the outputs' log line. */
    private Run measure(String name, Path clip, List<Map<String, String>> runners) throws Exception {
        List<Deployment.Runner> started = new ArrayList<>();
        try {
            for (int i = 0; i < runners.size(); i++) {
                started.add(Deployment.Runner.start(env, cloud, dir, name + "-" + i, List.of(), runners.get(i)));
            }
            String load = Files.readString(Path.of("/proc/loadavg")).trim();
            String key = "bench-chunking/" + name + "-" + System.currentTimeMillis() + ".mov";
            String base = key.substring(0, key.length() - 4);
            String firstOutput = base + "/" + base.substring(base.lastIndexOf('/') + 1) + "-1080p.mp4";
            double cpu0 = 0;
            for (Deployment.Runner r : started) {
                cpu0 += Procs.cpuMsWithChildren(r.pid());
            }
            cloud.s3.putObject(b -> b.bucket("video-upload").key(key), RequestBody.fromFile(clip));
            LocalTime put = LocalTime.now();
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            LocalTime end = null;
            LocalTime received = null;
            String stitchLine = null;
            String breakdown = "";
            while (end == null) {
                for (Deployment.Runner r : started) {
                    List<LocalTime> receipt = r.process.lineTimes("Transcoding s3://video-upload/" + key);
                    if (received == null && !receipt.isEmpty()) {
                        received = receipt.get(0);
                    }
                    List<LocalTime> whole = r.process.lineTimes("job ", "outputs written now [", firstOutput);
                    List<LocalTime> stitched = r.process.lineTimes("Stitched s3://video-upload/" + key);
                    if (!stitched.isEmpty()) {
                        end = stitched.get(0);
                        stitchLine = r.process.output().lines().filter(l -> l.contains("Stitched s3://video-upload/"
                                + key)).findFirst().orElse(null);
                        breakdown = r.process.output().lines().filter(l -> l.contains("Stitch of s3://video-upload/"
                                + key)).map(l -> l.substring(l.indexOf("): ") + 3)).findFirst().orElse("");
                    } else if (!whole.isEmpty() && !r.process.output().contains("Split s3://video-upload/" + key)) {
                        end = whole.get(0);
                    }
                    if (!r.process.process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("no outputs of " + key + ":\n" + r.process.tail());
                    }
                }
                if (end == null) {
                    Thread.sleep(250);
                }
            }
            double cpu = 0;
            for (Deployment.Runner r : started) {
                cpu += Procs.cpuMsWithChildren(r.pid());
            }
            int chunks = 0;
            double stitch = 0;
            if (stitchLine != null) {
                Matcher m = STITCHED.matcher(stitchLine);
                if (m.find()) {
                    chunks = Integer.parseInt(m.group(1));
                    stitch = Integer.parseInt(m.group(2)) / 1000.0;
                }
            }
            cleanUp(key, base);
            LocalTime start = received == null ? put : received;
            return new Run(Duration.between(start, end).toNanos() / 1e9, Duration.between(put, start).toNanos() / 1e9,
                    (cpu - cpu0) / 1000, chunks, stitch, breakdown, load);
        } finally {
            for (Deployment.Runner r : started) {
                r.close();
            }
        }
    }

    private void cleanUp(String key, String base) {
        cloud.s3.deleteObject(b -> b.bucket("video-upload").key(key));
        for (S3Object o : cloud.s3.listObjectsV2Paginator(b -> b.bucket("video-transcoded").prefix(base + "/"))
                .contents()) {
            cloud.s3.deleteObject(b -> b.bucket("video-transcoded").key(o.key()));
        }
    }
}
