package io.videopipeline.bench;

import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * 7. Job records (issue 17). <b>ETA</b>: the ETA at 50 % within 15 % of the real remaining time on the benchmark
 * clips. A runner of its own (Progressing written every second, so that one lands near 50 %; the transcode section's
 * timings keep the shipped 5 s) transcodes each clip while the job record is read every 250 ms. The Progressing
 * record nearest 50 % gives the ETA and its write time; the real remaining time runs from there to the Complete
 * record's {@code finished} (renditions uploaded), both by the runner's clock.
 *
 * <p><b>What the records cost in S3 requests</b>: a runner with every route (fan-out included) talks to the local
 * cloud through a {@link RequestCountingRelay}; one short streaming upload is transcoded and fanned out with
 * {@code pipeline.jobs.enabled} false, then another with it true. The S3 requests on the job's own keys (its upload,
 * outputs and record) are counted from the upload until none came for five seconds after the fan-out's last
 * output; the difference is what the record costs per job.
 */
final class EtaSection {
    private static final String SECTION = "7 eta";
    private static final double LIMIT_PERCENT = 15;

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;

    EtaSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
    }

    void run() throws Exception {
        requestsPerJob();
        List<TranscodeSection.Clip> clips = new ArrayList<>();
        if (env.quick()) {
            clips.add(new TranscodeSection.Clip("testsrc2 1080p 5 s", Media.testPattern(env.mediaDir(), 5, 1920, 1080),
                    1));
        } else {
            int reps = env.pick("eta.reps", 1, 1);
            clips.add(new TranscodeSection.Clip("testsrc2 1080p 10 s",
                    Media.testPattern(env.mediaDir(), 10, 1920, 1080), reps));
            clips.add(new TranscodeSection.Clip("mandelbrot+grain 1080p 10 s", Media.realWorld(env.mediaDir(), 10),
                    reps));
            clips.add(new TranscodeSection.Clip("testsrc2 1080p 60 s",
                    Media.testPattern(env.mediaDir(), 60, 1920, 1080), reps));
        }
        JobRecordStore records = new JobRecordStore(cloud.s3, "video-transcoded",
                new JobRecordKeys(JobRecordKeys.DEFAULT_PATTERN));
        try (Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, "eta-runner", List.of(),
                Map.of("pipeline.routes.enabled", "transcode-video", "pipeline.jobs.progress-interval-seconds", "1"))) {
            for (TranscodeSection.Clip clip : clips) {
                List<Double> errors = new ArrayList<>();
                List<String> notes = new ArrayList<>();
                for (int r = 0; r < clip.reps(); r++) {
                    double[] m = measure(runner, records, clip, r);
                    errors.add(Math.abs(m[1] - m[2]) / m[2] * 100);
                    notes.add(String.format("at %.0f %%: ETA %.0f s, real %.1f s", m[0], m[1], m[2]));
                }
                report.add(SECTION, "ETA error at ~50 %, " + clip.name(), "%", Stats.of(errors),
                        "issue 17 limit", Stats.of(LIMIT_PERCENT), BenchReport.Target.AT_MOST_1_00,
                        String.join("; ", notes));
            }
        }
    }

    private static final List<String> BUCKETS = List.of("video-upload", "video-transcoded");

    /** S3 requests of one job with job records off and on, and the difference. */
    private void requestsPerJob() throws Exception {
        Path clip = Media.testPattern(env.mediaDir(), 4, 640, 360);
        Map<Boolean, List<String>> seen = new java.util.LinkedHashMap<>();
        for (boolean records : List.of(false, true)) {
            String name = "requests-" + (records ? "records" : "none") + "-" + System.currentTimeMillis();
            try (RequestCountingRelay relay = new RequestCountingRelay(cloud.endpoint);
                 Deployment.Runner runner = Deployment.Runner.start(env, cloud, dir, name, List.of(), Map.of(
                         "pipeline.aws.endpoint-url", relay.endpoint().toString(),
                         "pipeline.jobs.enabled", String.valueOf(records)))) {
                String key = "bench-requests/" + name + ".mov";
                cloud.s3.putObject(b -> b.bucket("video-upload").key(key), RequestBody.fromFile(clip));
                String base = "bench-requests/" + name + "/" + name;
                List<String> fannedOut = List.of(base + "-1080p.json", base + "-720p.json", base + "-web-720p.json");
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                int last = -1;
                long quietSince = System.nanoTime();
                while (true) {
                    List<String> mine = ofJob(relay, name);
                    boolean done = fannedOut.stream().allMatch(k -> exists("video-transcoded", k));
                    if (mine.size() != last) {
                        last = mine.size();
                        quietSince = System.nanoTime();
                    } else if (done && System.nanoTime() - quietSince > Duration.ofSeconds(5).toNanos()) {
                        seen.put(records, mine);
                        break;
                    }
                    if (System.nanoTime() > deadline || !runner.process.process.isAlive()) {
                        throw new IllegalStateException("requests: " + key + " was not fanned out:\n"
                                + runner.process.tail());
                    }
                    Thread.sleep(250);
                }
            }
        }
        List<String> off = seen.get(false);
        List<String> on = seen.get(true);
        List<String> record = on.stream().filter(r -> r.endsWith(".job.json")).toList();
        report.info(SECTION, "S3 requests per job, pipeline.jobs.enabled=false", "requests", Stats.of(off.size()),
                "4 s 640x360 clip, streaming on, every route: " + byMethod(off));
        report.info(SECTION, "S3 requests per job, pipeline.jobs.enabled=true", "requests", Stats.of(on.size()),
                byMethod(on));
        report.info(SECTION, "extra S3 requests per job for its record", "requests",
                Stats.of(on.size() - off.size()),
                "on the record's key: " + record.size() + " (" + byMethod(record) + "); progress writes depend on"
                        + " the encode's length (one PUT per pipeline.jobs.progress-interval-seconds)");
    }

    /** Requests on the keys of the upload {@code name}: its own, its outputs' and its record's. */
    private static List<String> ofJob(RequestCountingRelay relay, String name) {
        return relay.s3Requests(BUCKETS).stream().filter(r -> r.contains("/bench-requests/" + name)).toList();
    }

    private boolean exists(String bucket, String key) {
        try {
            cloud.s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String byMethod(List<String> requests) {
        return requests.stream().collect(java.util.stream.Collectors.groupingBy(r -> r.substring(0, r.indexOf(' ')),
                java.util.TreeMap::new, java.util.stream.Collectors.counting())).toString();
    }

    /** {percent, ETA s, real remaining s} of the Progressing record nearest 50 %. */
    private double[] measure(Deployment.Runner runner, JobRecordStore records, TranscodeSection.Clip clip, int rep)
            throws Exception {
        String key = "bench-eta/" + clip.file().getFileName().toString().replace(".mov", "") + "-" + rep + "-"
                + System.currentTimeMillis() + ".mov";
        cloud.s3.putObject(b -> b.bucket("video-upload").key(key), RequestBody.fromFile(clip.file()));
        List<JobRecord> progressing = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        JobRecord record;
        while ((record = records.read(key).orElse(null)) == null || record.state() != JobState.COMPLETE) {
            if (record != null && record.state() == JobState.ERROR) {
                throw new IllegalStateException("eta: " + key + " failed: " + record.reason());
            }
            if (System.nanoTime() > deadline || !runner.process.process.isAlive()) {
                throw new IllegalStateException("eta: no Complete record of " + key + ":\n" + runner.process.tail());
            }
            if (record != null && record.state() == JobState.PROGRESSING && record.etaSeconds() != null
                    && (progressing.isEmpty() || !progressing.get(progressing.size() - 1).updated()
                    .equals(record.updated()))) {
                progressing.add(record);
            }
            Thread.sleep(250);
        }
        JobRecord done = record;
        JobRecord half = progressing.stream().filter(p -> p.percent() >= 35 && p.percent() <= 65)
                .min(Comparator.comparingDouble(p -> Math.abs(p.percent() - 50))).orElseThrow(() ->
                        new IllegalStateException("eta: no Progressing record between 35 and 65 % for " + key
                                + " (seen: " + progressing.stream().map(JobRecord::percent).toList() + ")"));
        double real = Duration.between(Instant.parse(half.updated()), Instant.parse(done.finished())).toMillis()
                / 1000.0;
        return new double[] {half.percent(), half.etaSeconds(), real};
    }
}
