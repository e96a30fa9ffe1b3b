package io.videopipeline.bench;

import io.videopipeline.media.Preset;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.transcode.OutputKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * 7. Streaming and pictures: what the HLS ladder, poster, thumbnails and storyboard cost on top of the three MP4s.
 * Two runners of the transcode-video route in the same run, one as shipped ({@code pipeline.hls.enabled=false})
 * and one with streaming on, take turns on the same clip (the 60 s 1080p test pattern; quick: 10 s). Per upload:
 * CPU of the runner's ffmpeg/ffprobe processes (cutime + cstime: user + sys of its waited-for children), CPU of the
 * whole runner, wall time from the finished PUT to the route's "outputs written" line (with streaming on, the master
 * playlist is the last upload before it: the package is then complete and playable, which ffprobe checks on a
 * copy), and the bytes stored. The goal: at most 1.30x the MP4-only CPU. {@code -Dbench.streaming.seconds=N},
 * {@code -Dbench.streaming.reps=N}.
 */
final class StreamingSection {
    private static final String SECTION = "7 streaming";

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;
    private final List<Preset> presets;

    StreamingSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
        this.presets = PresetCatalog.load(env.configDir().resolve("presets.yaml")).presets();
    }

    /** One upload's figures. */
    record Job(double wall, double ffmpegCpu, double runnerCpu, long bytes, long mp4Bytes, long segmentBytes,
               long pictureBytes, int objects, Map<String, Long> rungBytes) {
    }

    void run() throws Exception {
        int seconds = env.pick("streaming.seconds", 10, 60);
        int reps = env.pick("streaming.reps", 1, 1);
        Path clip = Media.testPattern(env.mediaDir(), seconds, 1920, 1080);
        String what = "testsrc2 1080p " + seconds + " s";
        report.fact("load average at streaming start", Files.readString(Path.of("/proc/loadavg")).trim());
        List<Job> mp4 = new ArrayList<>();
        List<Job> hls = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            // alternate which side goes first: the machine's load drifts
            for (boolean streaming : r % 2 == 0 ? new boolean[]{false, true} : new boolean[]{true, false}) {
                (streaming ? hls : mp4).add(measure(clip, streaming, r));
            }
        }
        report.fact("load average at streaming end", Files.readString(Path.of("/proc/loadavg")).trim());
        Stats hlsCpu = Stats.of(hls.stream().map(Job::ffmpegCpu).toList());
        Stats mp4Cpu = Stats.of(mp4.stream().map(Job::ffmpegCpu).toList());
        report.add(SECTION, "CPU (user+sys) of ffmpeg/ffprobe: MP4 + HLS + pictures, " + what, "s", hlsCpu,
                "MP4 only, same run", mp4Cpu, BenchReport.Target.AT_MOST_1_30,
                String.format("extra: %.1f s CPU", hlsCpu.median() - mp4Cpu.median()));
        report.add(SECTION, "CPU of the whole runner (JVM + ffmpeg): MP4 + HLS + pictures, " + what, "s",
                Stats.of(hls.stream().map(Job::runnerCpu).toList()), "MP4 only",
                Stats.of(mp4.stream().map(Job::runnerCpu).toList()), BenchReport.Target.INFO, "");
        report.add(SECTION, "wall: upload → playable master playlist (route), " + what, "s",
                Stats.of(hls.stream().map(Job::wall).toList()), "upload → 3 MP4s, streaming off",
                Stats.of(mp4.stream().map(Job::wall).toList()), BenchReport.Target.INFO,
                "shared machine: CPU is the figure to compare");
        Job one = hls.get(0);
        report.add(SECTION, "bytes stored per upload: MP4 + HLS + pictures, " + what, "MB",
                Stats.of(hls.stream().map(j -> j.bytes() / 1e6).toList()), "MP4 only",
                Stats.of(mp4.stream().map(j -> j.bytes() / 1e6).toList()), BenchReport.Target.INFO,
                String.format("%d objects: MP4s %.1f MB, HLS (playlists, init, segments) %.1f MB (by rung, MB: %s),"
                        + " pictures %.2f MB", one.objects(), one.mp4Bytes() / 1e6, one.segmentBytes() / 1e6,
                        rungMb(one.rungBytes()), one.pictureBytes() / 1e6));
    }

    private static String rungMb(Map<String, Long> bytes) {
        StringBuilder s = new StringBuilder();
        bytes.forEach((rung, b) -> s.append(s.isEmpty() ? "" : ", ").append(rung).append(' ')
                .append(String.format("%.1f", b / 1e6)));
        return s.toString();
    }

    /**
     * One runner at a time (two would share the upload queue), each with a small job first (not reported: class
     * loading and JIT).
     */
    private Job measure(Path clip, boolean streaming, int rep) throws Exception {
        String name = (streaming ? "hls" : "mp4") + "-runner-" + rep;
        try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, name, List.of(), Map.of(
                "pipeline.routes.enabled", "transcode-video", "pipeline.hls.enabled", String.valueOf(streaming)))) {
            job(runner, Media.testPattern(env.mediaDir(), 2, 640, 360), streaming);
            return job(runner, clip, streaming);
        }
    }

    /** Uploads the clip, waits for the route to finish it, measures, checks the package plays, deletes it all. */
    private Job job(Deployment.Runner runner, Path clip, boolean streaming) throws Exception {
        String key = "bench-streaming/" + clip.getFileName().toString().replace(".mov", "") + "-"
                + System.currentTimeMillis() + ".mov";
        OutputKeys keys = new OutputKeys();
        String first = keys.keyFor(key, presets.get(0).name());
        String prefix = first.substring(0, first.lastIndexOf('/') + 1);
        double ffmpeg0 = Procs.childrenCpuMs(runner.pid());
        double cpu0 = Procs.cpuMsWithChildren(runner.pid());
        cloud.s3.putObject(b -> b.bucket("video-upload").key(key), RequestBody.fromFile(clip));
        java.time.LocalTime put = java.time.LocalTime.now();
        long deadline = System.nanoTime() + 1_800_000_000_000L;
        List<java.time.LocalTime> done;
        // the route's log line after its last upload, read every 250 ms (polling S3 would load the local cloud)
        while ((done = runner.process.lineTimes("job ", "outputs written now [", first)).isEmpty()) {
            if (System.nanoTime() > deadline || !runner.process.process.isAlive()) {
                throw new IllegalStateException("no outputs of " + key + ":\n" + runner.process.tail());
            }
            Thread.sleep(250);
        }
        double wall = java.time.Duration.between(put, done.get(0)).toNanos() / 1e9;
        double ffmpeg = (Procs.childrenCpuMs(runner.pid()) - ffmpeg0) / 1000;
        double cpu = (Procs.cpuMsWithChildren(runner.pid()) - cpu0) / 1000;
        List<S3Object> stored = new ArrayList<>();
        cloud.s3.listObjectsV2Paginator(b -> b.bucket("video-transcoded").prefix(prefix)).contents().forEach(stored::add);
        long bytes = 0;
        long mp4 = 0;
        long segments = 0;
        long pictures = 0;
        Map<String, Long> rungs = new java.util.TreeMap<>();
        for (S3Object o : stored) {
            String rest = o.key().substring(prefix.length());
            if (rest.startsWith("hls/")) {
                rungs.merge(rest.substring(4, rest.indexOf('/', 4)), o.size(), Long::sum);
            }
            bytes += o.size();
            if (o.key().endsWith(".mp4")) {
                mp4 += o.size();
            } else if (o.key().endsWith(".jpg") || o.key().endsWith(".vtt")) {
                pictures += o.size();
            } else {
                segments += o.size();
            }
        }
        if (stored.stream().filter(o -> o.key().endsWith(".mp4")).count() != presets.size()) {
            throw new IllegalStateException("not every MP4 of " + key + " is stored: " + stored);
        }
        if (streaming) {
            checkPlays(prefix, stored, first);
        }
        for (S3Object o : stored) {
            cloud.s3.deleteObject(b -> b.bucket("video-transcoded").key(o.key()));
        }
        cloud.s3.deleteObject(b -> b.bucket("video-upload").key(key));
        return new Job(wall, ffmpeg, cpu, bytes, mp4, segments, pictures, stored.size(), rungs);
    }

    /** The master is stored and ffprobe finds every variant it lists in a copy of the package. */
    private void checkPlays(String prefix, List<S3Object> stored, String firstMp4) throws Exception {
        String master = firstMp4.substring(0, firstMp4.lastIndexOf('-')) + ".m3u8";
        if (stored.stream().noneMatch(o -> o.key().equals(master))) {
            throw new IllegalStateException("no master playlist " + master + " among " + stored.size() + " objects");
        }
        Path copy = Files.createTempDirectory(dir, "package-");
        try {
            for (S3Object o : stored) {
                if (o.key().endsWith(".mp4") || o.key().endsWith(".jpg")) {
                    continue;
                }
                Path file = copy.resolve(o.key().substring(prefix.length()));
                Files.createDirectories(file.getParent());
                cloud.s3.getObject(b -> b.bucket("video-transcoded").key(o.key()), file);
            }
            long variants = Files.readAllLines(copy.resolve(master.substring(prefix.length()))).stream()
                    .filter(l -> l.startsWith("#EXT-X-STREAM-INF")).count();
            String programs = Procs.run(List.of("/usr/bin/ffprobe", "-v", "error", "-show_entries",
                    "program=program_id", "-of", "csv=p=0", copy.resolve(master.substring(prefix.length()))
                            .toString()), 120);
            if (variants == 0 || programs.lines().filter(l -> !l.isBlank()).count() != variants) {
                throw new IllegalStateException("ffprobe found " + programs.lines().count() + " of " + variants
                        + " variants of " + master + ":\n" + programs);
            }
        } finally {
            PipelineBench.deleteTree(copy);
        }
    }
}
