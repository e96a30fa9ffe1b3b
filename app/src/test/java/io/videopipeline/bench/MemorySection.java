package io.videopipeline.bench;

import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.S3FileUpload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 4. Memory: peak RSS (VmHWM) and Java heap of a runner process (profile aws, every route) while the whole
 * pipeline handles one upload of a given size — a fresh runner per size, since VmHWM only grows — and of an
 * idle runner. Heap figures come from the runner's GC log (-Xlog:gc): the largest heap before and after a
 * collection.
 */
final class MemorySection {
    private static final String SECTION = "4 memory";
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;

    MemorySection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
    }

    record Reading(double hwmMb, double heapBeforeGcMb, double heapAfterGcMb, double committedMb, double lastCommittedMb,
                   int gcs) {
    }

    void run() throws Exception {
        List<Integer> sizes = env.pickList("memory.sizes", List.of(100), List.of(100, 1024));
        int reps = env.pick("memory.reps", 1, 1);
        List<Reading> idle = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            idle.add(measure(0, r));
        }
        Stats idleHwm = Stats.of(idle.stream().map(Reading::hwmMb).toList());
        Stats idleHeap = Stats.of(idle.stream().map(Reading::heapBeforeGcMb).toList());
        report.info(SECTION, "peak RSS (VmHWM), idle runner (ready + " + idleSeconds() + " s)", "MiB", idleHwm,
                String.format("heap committed at the last of %d GCs %.0f MiB", idle.get(0).gcs(), idle.get(0).lastCommittedMb()));
        Stats previousHwm = idleHwm;
        Stats previousHeap = idleHeap;
        String previousName = "idle runner";
        for (int mb : sizes) {
            List<Reading> got = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                got.add(measure(mb, r));
            }
            Stats hwm = Stats.of(got.stream().map(Reading::hwmMb).toList());
            Stats heap = Stats.of(got.stream().map(Reading::heapBeforeGcMb).toList());
            Stats after = Stats.of(got.stream().map(Reading::heapAfterGcMb).toList());
            Stats committed = Stats.of(got.stream().map(Reading::committedMb).toList());
            String label = mb >= 1024 ? (mb / 1024) + " GiB upload" : mb + " MiB upload";
            report.add(SECTION, "peak RSS (VmHWM), " + label + " through the whole pipeline", "MiB", hwm,
                    previousName, previousHwm, BenchReport.Target.AT_MOST_1_10,
                    String.format("heap committed at the last GC %.0f MiB (at most %.0f: the initial heap)",
                            got.get(0).lastCommittedMb(), committed.median()));
            report.add(SECTION, "peak heap before a GC, " + label, "MiB", heap, previousName, previousHeap,
                    BenchReport.Target.INFO, String.format("largest live heap after a GC %.0f MiB; %d GCs",
                            after.median(), got.get(0).gcs()));
            previousHwm = hwm;
            previousHeap = heap;
            previousName = label;
        }
    }

    /** How long the idle runner idles: as long as a big upload's run to tell growth with time from growth with size. */
    private int idleSeconds() {
        return env.pick("memory.idle-seconds", 10, 10);
    }

    /** One runner; {@code mb} = 0: idle. */
    private Reading measure(int mb, int rep) throws Exception {
        String name = "memory-" + (mb == 0 ? "idle" : mb + "MB") + "-" + rep;
        Path gcLog = dir.resolve(name + "-gc.log");
        Files.deleteIfExists(gcLog);
        try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, name,
                List.of("-Xlog:gc:file=" + gcLog), Map.of())) {
            if (mb == 0) {
                // a measured duration, not a wait for a condition: an idle runner's memory after this long
                Thread.sleep(idleSeconds() * 1000L);
            } else {
                Path file = Media.sized(env.mediaDir(), mb);
                String key = "bench-memory/" + name + ".mp4";
                long mails0 = cloud.mails();
                new S3FileUpload(cloud.s3, 64L << 20).upload(file, "video-upload", key, "video/mp4", Map.of());
                OutputKeys keys = new OutputKeys();
                List<String> presets = PresetCatalog.load(env.configDir().resolve("presets.yaml")).names();
                List<String> wanted = new ArrayList<>();
                for (String p : presets) {
                    String out = keys.keyFor(key, p);
                    wanted.add(out);
                    wanted.add(out.substring(0, out.length() - 4) + ".json");
                }
                long deadline = System.nanoTime() + 3_600_000_000_000L;
                while (!allExist(wanted) || cloud.mails() - mails0 < presets.size()) {
                    if (System.nanoTime() > deadline || !runner.process.process.isAlive()) {
                        throw new IllegalStateException(name + ": pipeline did not finish:\n" + runner.process.tail());
                    }
                    Thread.sleep(1000);
                }
                cloud.s3.deleteObject(b -> b.bucket("video-upload").key(key));
                for (String w : wanted) {
                    cloud.s3.deleteObject(b -> b.bucket("video-transcoded").key(w));
                }
            }
            double hwm = Procs.statusMb(runner.pid(), "VmHWM");
            runner.close();
            double before = 0;
            double after = 0;
            double committed = 0;
            double lastCommitted = 0;
            int gcs = 0;
            if (Files.exists(gcLog)) {
                Matcher m = GC.matcher(Files.readString(gcLog));
                while (m.find()) {
                    gcs++;
                    before = Math.max(before, Double.parseDouble(m.group(1)));
                    after = Math.max(after, Double.parseDouble(m.group(2)));
                    committed = Math.max(committed, Double.parseDouble(m.group(3)));
                    lastCommitted = Double.parseDouble(m.group(3));
                }
            }
            return new Reading(hwm, before, after, committed, lastCommitted, gcs);
        }
    }

    private boolean allExist(List<String> keys) {
        var listed = cloud.s3.listObjectsV2Paginator(b -> b.bucket("video-transcoded").prefix("bench-memory/"))
                .contents().stream().map(o -> o.key()).toList();
        return listed.containsAll(keys);
    }
}
