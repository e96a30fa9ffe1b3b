package io.videopipeline.bench;

import io.videopipeline.app.FfmpegConfig;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.media.FfmpegCommand;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * 2. Transcoding: the full transcode-video route in a runner process (S3 PUT done → all three renditions in
 * S3) against the exact ffmpeg command FfmpegCommand builds, run bare on the local file, and against three
 * separate ffmpeg runs (one per preset). x264 preset and threads as shipped (config/application.properties); the
 * HLS package and pictures off in the runner, so both sides make the same three MP4s.
 */
final class TranscodeSection {
    private static final String SECTION = "2 transcode";

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;
    private final FfmpegSettings ffmpeg;
    private final List<Preset> presets;

    TranscodeSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
        PipelineConfig shipped = PipelineConfig.load(env.configDir(), "aws", Map.of(), Map.of());
        this.ffmpeg = FfmpegConfig.settings(shipped);
        this.presets = PresetCatalog.load(env.configDir().resolve("presets.yaml")).presets();
    }

    record Clip(String name, Path file, int reps) {
    }

    void run() throws Exception {
        List<Clip> clips = new ArrayList<>();
        if (env.quick()) {
            clips.add(new Clip("testsrc2 1080p 5 s", Media.testPattern(env.mediaDir(), 5, 1920, 1080), 1));
        } else {
            int reps = env.pick("transcode.reps", 1, 3);
            clips.add(new Clip("testsrc2 1080p 10 s", Media.testPattern(env.mediaDir(), 10, 1920, 1080), reps));
            clips.add(new Clip("mandelbrot+grain 1080p 10 s", Media.realWorld(env.mediaDir(), 10), reps));
            clips.add(new Clip("testsrc2 1080p 60 s", Media.testPattern(env.mediaDir(), 60, 1920, 1080),
                    env.pick("transcode.long-reps", 1, 1)));
            int longest = env.pick("transcode.longest", 0, 0);
            if (longest > 0) {
                clips.add(new Clip("testsrc2 1080p " + longest + " s",
                        Media.testPattern(env.mediaDir(), longest, 1920, 1080), 1));
            }
        }
        try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, "transcode-runner", List.of(),
                // the three MP4s alone, as the bare command makes: the HLS package and pictures (on by default) have
                // their own section, against MP4 only
                Map.of("pipeline.routes.enabled", "transcode-video", "pipeline.hls.enabled", "false"))) {
            // one small job first (not reported): the runner's first job also pays for class loading and JIT
            viaRoute(runner, new Clip("warm-up", Media.testPattern(env.mediaDir(), 2, 640, 360), 1), 0);
            for (Clip clip : clips) {
                measure(runner, clip);
            }
        }
    }

    private void measure(Deployment.Runner runner, Clip clip) throws Exception {
        double duration = Media.durationSeconds(clip.file());
        List<Double> routeWall = new ArrayList<>();
        List<Double> routeCpu = new ArrayList<>();
        List<Double> bareWall = new ArrayList<>();
        List<Double> bareCpu = new ArrayList<>();
        List<Double> sepWall = new ArrayList<>();
        List<Double> sepCpu = new ArrayList<>();
        for (int r = 0; r < clip.reps(); r++) {
            // alternate which side goes first: the machine's load drifts
            double[] bare = null;
            if (r % 2 == 1) {
                settle();
                bare = bare(clip.file(), presets);
            }
            settle();
            double[] route = viaRoute(runner, clip, r);
            routeWall.add(route[0]);
            routeCpu.add(route[1]);
            if (bare == null) {
                settle();
                bare = bare(clip.file(), presets);
            }
            bareWall.add(bare[0]);
            bareCpu.add(bare[1]);
            double w = 0;
            double c = 0;
            for (Preset p : presets) {
                double[] one = bare(clip.file(), List.of(p));
                w += one[0];
                c += one[1];
            }
            sepWall.add(w);
            sepCpu.add(c);
        }
        String what = clip.name() + String.format(" (%.1f MB)", Media.sizeMb(clip.file()));
        report.add(SECTION, "wall: route, " + what, "s", Stats.of(routeWall), "bare ffmpeg (one command, 3 outputs)",
                Stats.of(bareWall), BenchReport.Target.AT_MOST_1_10,
                String.format("speed: route %.2fx, bare %.2fx real time; x264 preset %s", duration / Stats.of(routeWall).median(),
                        duration / Stats.of(bareWall).median(), ffmpeg.x264Preset()));
        report.add(SECTION, "wall: 3 separate ffmpeg runs, " + what, "s", Stats.of(sepWall), "bare ffmpeg (one command)",
                Stats.of(bareWall), BenchReport.Target.INFO, "one decode shared by three encodes vs. three decodes");
        report.add(SECTION, "CPU: route (runner JVM + its ffmpeg/ffprobe), " + what, "s", Stats.of(routeCpu),
                "bare ffmpeg", Stats.of(bareCpu), BenchReport.Target.AT_MOST_1_10,
                String.format("3 separate runs: %.1f s CPU", Stats.of(sepCpu).median()));
    }

    /**
     * The same idle pause before each measured side. This machine is a VM whose guest hands freed memory back to the
     * host after a few idle seconds (free page reporting): the first ~700 MB process after a pause pays ~1 s of
     * system CPU faulting it in again (a bare 1080p encode: 8.1 s after 10-30 s idle, 7.6 s right after another),
     * so whichever side ran second used to get warm memory for free.
     */
    private void settle() throws InterruptedException {
        Thread.sleep(env.pick("transcode.settle-seconds", 10, 10) * 1000L);
    }

    /**
     * {wall s, cpu s} from the finished PUT to the third rendition being in S3: the end is the timestamp of the
     * route's "job ...: outputs written now [...]" log line (routes/transcode-video.yaml, after the last upload), found by reading the runner's log every
     * 250 ms — polling S3 instead (HEAD 404s) would load the local cloud, on the cores ffmpeg is using.
     */
    private double[] viaRoute(Deployment.Runner runner, Clip clip, int rep) throws Exception {
        String key = "bench-transcode/" + clip.file().getFileName().toString().replace(".mov", "") + "-" + rep + "-"
                + System.currentTimeMillis() + ".mov";
        OutputKeys keys = new OutputKeys();
        List<String> outputs = presets.stream().map(p -> keys.keyFor(key, p.name())).toList();
        double cpu0 = Procs.cpuMsWithChildren(runner.pid());
        cloud.s3.putObject(b -> b.bucket("video-upload").key(key), RequestBody.fromFile(clip.file()));
        java.time.LocalTime put = java.time.LocalTime.now();
        long deadline = System.nanoTime() + 1_800_000_000_000L;
        List<java.time.LocalTime> done;
        while ((done = runner.process.lineTimes("job ", "outputs written now [", outputs.get(0))).isEmpty()) {
            if (System.nanoTime() > deadline || !runner.process.process.isAlive()) {
                throw new IllegalStateException("no renditions of " + key + ":\n" + runner.process.tail());
            }
            Thread.sleep(250);
        }
        double wall = java.time.Duration.between(put, done.get(0)).toNanos() / 1e9;
        double cpu = (Procs.cpuMsWithChildren(runner.pid()) - cpu0) / 1000;
        for (String out : outputs) {
            if (!exists("video-transcoded", out)) {
                throw new IllegalStateException("route reported " + out + " written but it is not in S3");
            }
            cloud.s3.deleteObject(b -> b.bucket("video-transcoded").key(out));
        }
        cloud.s3.deleteObject(b -> b.bucket("video-upload").key(key));
        return new double[] {wall, cpu};
    }

    private boolean exists(String bucket, String key) {
        try {
            cloud.s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** {wall s, cpu s} of the command FfmpegCommand builds for these presets, run on the local file. */
    double[] bare(Path input, List<Preset> which) throws Exception {
        Path out = Files.createTempDirectory(dir, "bare-");
        try {
            List<FfmpegCommand.Output> outputs = new ArrayList<>();
            for (int i = 0; i < which.size(); i++) {
                outputs.add(new FfmpegCommand.Output(which.get(i), out.resolve(i + "-" + which.get(i).name() + ".mp4")));
            }
            // the command the route runs for this source (its frame rate decides whether outputs share a scale)
            List<String> cmd = new FfmpegCommand(ffmpeg).build(input, null, outputs, true, null, Media.frameRate(input));
            double cpu0 = Procs.childrenCpuMs();
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bare ffmpeg failed: " + cmd);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (Procs.childrenCpuMs() - cpu0) / 1000;
            return new double[] {wall, cpu};
        } finally {
            PipelineBench.deleteTree(out);
        }
    }
}
