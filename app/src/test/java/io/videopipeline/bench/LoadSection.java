package io.videopipeline.bench;

import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.Preset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * 6. Throughput under load: N small uploads at once through the whole pipeline (runner process, every route) —
 * time from the first PUT to the last effect (3 renditions, 3 metadata files and 3 mails per upload) — against
 * the sum of bare ffmpeg times for the same clips, measured right before each batch, with
 * pipeline.transcode.concurrency 1 and 2 (shipped); each runner takes {@code load.batches} batches one after the
 * other, so the rows show a fresh worker and a running one.
 */
final class LoadSection {
    private static final String SECTION = "6 load";

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;
    private final TranscodeSection transcode;

    LoadSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
        this.transcode = new TranscodeSection(env, report, cloud, dir);
    }

    void run() throws Exception {
        int n = env.pick("load.uploads", 10, 50);
        Path clip = Media.testPattern(env.mediaDir(), 2, 640, 360);
        List<Preset> presets = PresetCatalog.load(env.configDir().resolve("presets.yaml")).presets();
        String shipped = shipped("pipeline.transcode.concurrency");
        int batches = env.pick("load.batches", 2, 2);
        for (int concurrency : env.pickList("load.concurrency", List.of(1, 2), List.of(1, 2))) {
            List<Batch> got = viaPipeline(clip, presets, n, concurrency, batches);
            for (int b = 0; b < got.size(); b++) {
                Batch batch = got.get(b);
                report.add(SECTION, n + " uploads at once → last effect, transcode.concurrency=" + concurrency
                        + (String.valueOf(concurrency).equals(shipped) ? " (shipped default)" : "")
                        + ", parallel-encodes=" + settings(concurrency).getOrDefault(
                                "pipeline.transcode.parallel-encodes", shipped("pipeline.transcode.parallel-encodes"))
                        + (b == 0 ? ", a fresh runner" : ", batch " + (b + 1) + " on the same runner"), "s",
                        Stats.of(batch.seconds()), "sum of " + n + " bare ffmpeg runs just before",
                        Stats.of(batch.bare().wallSum()), BenchReport.Target.AT_MOST_1_10, String.format(
                                "%d renditions + %d metadata + %d mails; runner CPU %.1f s (JVM + its ffmpeg/ffprobe),"
                                + " local cloud CPU %.1f s (AWS's share: on other machines in production), bare"
                                + " ffmpeg CPU %.1f s; bare ffmpeg per clip median %.2f s (2 s 640x360 clip)",
                                n * presets.size(), n * presets.size(), n * presets.size(), batch.runnerCpu(),
                                batch.cloudCpu(), batch.bare().cpu(), batch.bare().medianPerClip()));
            }
            running(n, concurrency, got, 1);
            if (got.size() >= 6) {
                running(n, concurrency, got, got.size() / 2);
            }
        }
    }

    /**
     * The median of the per-batch ratios from batch {@code from + 1} on: a worker that has been running, each batch
     * against the bare runs measured right before it (a ratio of medians would mix limits minutes apart).
     */
    private void running(int n, int concurrency, List<Batch> got, int from) {
        if (got.size() - from < 2) {
            return;
        }
        List<Batch> later = got.subList(from, got.size());
        report.add(SECTION, n + " uploads at once, transcode.concurrency=" + concurrency + ", batches " + (from + 1)
                        + "–" + got.size() + " on the same runner: each batch's ratio to its own limit", "×",
                Stats.of(later.stream().map(b -> b.seconds() / b.bare().wallSum()).toList()),
                "1 = the sum of the bare runs just before each batch", Stats.of(1.0), BenchReport.Target.AT_MOST_1_10,
                String.format("median of %d batches; runner CPU over bare ffmpeg CPU %s; local cloud CPU per batch %s s",
                        later.size(), Stats.of(later.stream().map(b -> b.runnerCpu() / b.bare().cpu()).toList()).show(),
                        Stats.of(later.stream().map(Batch::cloudCpu).toList()).show()));
    }

    /** A batch through the pipeline, with the bare runs of the same clips measured right before it. */
    private record Batch(double seconds, double runnerCpu, double cloudCpu, Bare bare) {
    }

    private record Bare(double wallSum, double cpu, double medianPerClip) {
    }

    /**
     * {@code n} bare ffmpeg runs of {@code clip}, one after the other. Each batch gets its own, just before it: this
     * host's speed drifts by more than the goal's 10 % within minutes (the same ten runs took 13.4 to 17.6 s in one
     * hour), so a limit measured once at the start would put that drift into the later batches' ratios.
     */
    private Bare bare(Path clip, List<Preset> presets, int n) throws Exception {
        List<Double> walls = new ArrayList<>();
        double cpu = 0;
        for (int i = 0; i < n; i++) {
            double[] one = transcode.bare(clip, presets);
            walls.add(one[0]);
            cpu += one[1];
        }
        return new Bare(walls.stream().mapToDouble(Double::doubleValue).sum(), cpu, Stats.of(walls).median());
    }

    /** The runner's settings: MP4s only, as the bare runs it is compared with (the streaming section prices HLS). */
    private static Map<String, String> settings(int concurrency) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("pipeline.transcode.concurrency",
                String.valueOf(concurrency), "pipeline.hls.enabled", "false"));
        // -Dbench.load.parallel-encodes=N measures another encode-slot count than the shipped one
        String slots = System.getProperty("bench.load.parallel-encodes", "").trim();
        if (!slots.isEmpty()) {
            settings.put("pipeline.transcode.parallel-encodes", slots);
        }
        return settings;
    }

    /** A setting's value in the shipped config/application.properties, or "" if it has none. */
    private String shipped(String key) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = java.nio.file.Files.newBufferedReader(env.configDir().resolve("application.properties"))) {
            p.load(r);
        }
        return p.getProperty(key, "").trim();
    }

    /**
     * {@code batches} batches of {@code n} uploads, one after the other on one runner. The first batch is what a
     * freshly scaled-out worker sees (its JIT still compiling), the later ones a worker that has been running.
     */
    private List<Batch> viaPipeline(Path clip, List<Preset> presets, int n, int concurrency, int batches)
            throws Exception {
        String run = "bench-load-c" + concurrency + "-" + System.currentTimeMillis();
        int renditions = presets.size();
        try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, "load-runner-c" + concurrency,
                List.of(), settings(concurrency))) {
            if (env.pick("load.warm-up", 1, 1) > 0) {
                // one upload first, not counted, as in the transcode section: the first requests of the runner and
                // of the local cloud (which stands in for AWS, not on a worker's cores) pay class loading and JIT
                String warmUp = run + "-warm-up/";
                await(putAll(clip, warmUp, 1), runner, warmUp, renditions, System.nanoTime());
            }
            List<Batch> out = new ArrayList<>();
            for (int b = 1; b <= batches; b++) {
                Bare bare = bare(clip, presets, n);
                double[] got = batch(clip, n, renditions, runner, run + "-batch-" + b + "/");
                out.add(new Batch(got[0], got[1], got[2], bare));
            }
            return out;
        }
    }

    /** One batch: {seconds to the last effect, runner CPU seconds, local cloud CPU seconds}. */
    private double[] batch(Path clip, int n, int renditions, Deployment.Runner runner, String prefix)
            throws Exception {
        double cpu0 = Procs.cpuMsWithChildren(runner.pid());
        double cloudCpu0 = Procs.cpuMsWithChildren(cloud.process.pid());
        long t0 = System.nanoTime();
        java.time.LocalTime start = java.time.LocalTime.now();
        await(putAll(clip, prefix, n), runner, prefix, n * renditions, t0);
        // the last effect's own time, from the runner's log (mail sent, metadata written, renditions written)
        java.time.LocalTime last = start;
        // mail lines name only the file, not the prefix: those logged after this batch's start
        List<java.time.LocalTime> times = new ArrayList<>(runner.process.lineTimes("Mail sent").stream()
                .filter(t -> !t.isBefore(start)).toList());
        times.addAll(runner.process.lineTimes("Metadata s3://", prefix));
        times.addAll(runner.process.lineTimes("outputs written now [", prefix));
        for (java.time.LocalTime t : times) {
            last = t.isAfter(last) ? t : last;
        }
        double seconds = java.time.Duration.between(start, last).toNanos() / 1e9;
        return new double[] {seconds, (Procs.cpuMsWithChildren(runner.pid()) - cpu0) / 1000,
                (Procs.cpuMsWithChildren(cloud.process.pid()) - cloudCpu0) / 1000};
    }

    /** Uploads {@code n} copies of {@code clip} under {@code prefix} at once; returns the mail count before. */
    private long putAll(Path clip, String prefix, int n) throws Exception {
        long mails0 = cloud.mails();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 16));
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = prefix + "clip-" + i + ".mov";
                puts.add(pool.submit(() -> cloud.s3.putObject(b -> b.bucket("video-upload").key(key),
                        RequestBody.fromFile(clip))));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return mails0;
    }

    /** Waits for {@code want} renditions, metadata files and mails of the uploads under {@code prefix}. */
    private void await(long mails0, Deployment.Runner runner, String prefix, int want, long t0) throws Exception {
        long deadline = t0 + 3_600_000_000_000L;
        while (true) {
            List<String> keys = cloud.s3.listObjectsV2Paginator(b -> b.bucket("video-transcoded").prefix(prefix))
                    .contents().stream().map(o -> o.key()).toList();
            long mp4 = keys.stream().filter(k -> k.endsWith(".mp4")).count();
            // the metadata files; not the job records ({name}.job.json) beside them
            long json = keys.stream().filter(k -> k.endsWith(".json") && !k.endsWith(".job.json")).count();
            if (mp4 >= want && json >= want && cloud.mails() - mails0 >= want) {
                return;
            }
            if (System.nanoTime() > deadline || !runner.process.process.isAlive()) {
                throw new IllegalStateException("load: " + mp4 + " renditions, " + json + " metadata, "
                        + (cloud.mails() - mails0) + " mails of " + want + ":\n" + runner.process.tail());
            }
            // coarse on purpose: listing S3 costs the local cloud CPU the pipeline is using
            Thread.sleep(1000);
        }
    }
}
