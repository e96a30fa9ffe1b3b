package io.videopipeline.bench;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.PipelineRunner;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.event.ObjectEvent;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.transcode.KeyFilter;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.transcode.TranscodePlanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.main.Main;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * 1. Event routing overhead: S3 notifications per second through the real transcode-video route (in this JVM,
 * Camel Main as the runner builds it, profile aws) with the no-op transcoder, against a plain AWS SDK loop doing
 * the same work (receive → S3EventIntake.parse → TranscodePlanner, whose plan HEADs the upload for its ETag → record
 * → delete; same client, same batch, same attributes asked for) on the same queue of a separate local cloud process.
 * Every event names the one object put in the upload bucket here, so both sides' HEAD finds it. CPU is this JVM's,
 * between the first and the last event.
 */
final class RoutingSection {
    private static final String QUEUE = "video-upload-events";
    private static final String SECTION = "1 routing";
    /** The upload every queued event names: the planner HEADs it (a missing one is acknowledged, not a job). */
    static final String KEY = "bench/clip.mov";

    private final BenchEnv env;
    private final BenchReport report;
    private final Deployment.Cloud cloud;
    private final Path dir;
    /** The queue of the side being measured: a fresh one per side ({@link #fill}). */
    private String queueName;
    private String queueUrl;
    private String deadLetterUrl;
    private int queuesMade;

    RoutingSection(BenchEnv env, BenchReport report, Deployment.Cloud cloud, Path dir) {
        this.env = env;
        this.report = report;
        this.cloud = cloud;
        this.dir = dir;
    }

    /**
     * A routes dir whose transcode-video.yaml is the shipped one changed by {@code edit}, and settings the runner gets
     * on top of {@link #settings}.
     */
    record Variant(String name, Path routesDir, int batch, Map<String, String> settings) {
        Variant(String name, Path routesDir, int batch) {
            this(name, routesDir, batch, Map.of());
        }

        Variant with(String newName, Map<String, String> more) {
            Map<String, String> all = new LinkedHashMap<>(settings);
            all.putAll(more);
            return new Variant(newName, routesDir, batch, all);
        }
    }

    void run() throws Exception {
        // its own notification (if the bucket sends one) stays on the shipped queue: each side reads a fresh one
        cloud.s3.putObject(b -> b.bucket("video-upload").key(KEY),
                software.amazon.awssdk.core.sync.RequestBody.fromString("not a video: the no-op transcoder never reads it"));
        String shipped = Files.readString(env.routesDir().resolve("transcode-video.yaml"));
        // greedy on the route, or left to the kamelet, whose default is greedy (routes/sqs-source.kamelet.yaml)
        boolean greedy = shipped.contains("greedy: true") || !shipped.contains("greedy: false") && kameletIsGreedy();
        List<Variant> variants = new ArrayList<>();
        Variant asShipped = variant("as shipped (maxMessagesPerPoll=1" + (greedy ? ", greedy" : "") + ")", shipped, 1);
        variants.add(asShipped);
        // the delete on the consumer thread before its next receive, as before issue 20's async acknowledgement
        Variant syncAck = asShipped.with("acknowledge sync (maxMessagesPerPoll=1" + (greedy ? ", greedy" : "") + ")",
                Map.of("pipeline.sqs.acknowledge", "sync"));
        if (greedy) {
            variants.add(variant("without greedy (before the fix)", shipped.replaceAll("\\n *greedy: true", "")
                    .replace("maxMessagesPerPoll: 1", "maxMessagesPerPoll: 1\n        greedy: false"), 1));
        } else {
            variants.add(variant("with greedy: true (the fix)",
                    shipped.replace("maxMessagesPerPoll: 1", "maxMessagesPerPoll: 1\n        greedy: true"), 1));
        }
        String batched = shipped.replace("maxMessagesPerPoll: 1", "maxMessagesPerPoll: 10");
        if (!batched.contains("greedy: true")) {
            batched = batched.replace("maxMessagesPerPoll: 10", "maxMessagesPerPoll: 10\n        greedy: true");
        }
        Variant tenPerPoll = variant("maxMessagesPerPoll=10, greedy", batched, 10);
        variants.add(tenPerPoll);
        variants.add(1, syncAck);

        int events = env.pick("routing.events", 300, 1000);
        int reps = env.pick("routing.reps", 1, 3);
        int cap = env.pick("routing.cap-seconds", 10, 30);
        List<Integer> consumers = env.pickList("routing.consumers", List.of(1, 4), List.of(1, 4));
        // Warm-up (JIT, connection pools) of both sides, not reported.
        // C2 needs a few thousand events here (2 shared cores) before rates stop climbing.
        int warmUp = env.pick("routing.warm-up", 1000, 4000);
        for (Variant warm : List.of(asShipped, tenPerPoll)) {
            fill(warmUp);
            runRoute(warm, 1, warmUp, 120);
            fill(warmUp);
            runSdkLoop(warm.batch(), 1, warmUp, 120);
        }
        for (Variant v : variants) {
            for (int c : consumers) {
                measure(v, c, events, reps, cap, "");
            }
        }
        // Scaling with the queue depth: is the cost per event flat?
        List<Integer> depths = env.pickList("routing.depths", List.of(1000), List.of(1000, 10000));
        // (100k: -Dbench.routing.depths=100000 -Dbench.routing.depth-shipped-only=true — about 15 minutes here: the
        // route and the SDK loop each take 100k events at ~300 ev/s)
        Variant fast = variants.stream().filter(v -> v.name().startsWith(greedy ? "as shipped" : "with greedy"))
                .findFirst().orElseThrow();
        List<Variant> atDepth = Boolean.getBoolean("bench.routing.depth-shipped-only") ? List.of(asShipped)
                : fast == asShipped ? List.of(fast, syncAck, tenPerPoll) : List.of(fast, tenPerPoll);
        for (int n : depths) {
            for (Variant v : atDepth) {
                measure(v, 1, n, 1, Math.max(cap, n / 50), " [depth " + n + "]");
            }
        }
    }

    /** Whether the kamelet polls again at once by default (its greedy property's default). */
    private boolean kameletIsGreedy() throws IOException {
        return new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(env.routesDir().resolve("sqs-source.kamelet.yaml").toFile())
                .at("/spec/definition/properties/greedy/default").asBoolean(false);
    }

    private Variant variant(String name, String transcodeYaml, int batch) throws IOException {
        Path routes = dir.resolve("routes-" + Integer.toHexString(name.hashCode()));
        Files.createDirectories(routes);
        try (var files = Files.list(env.routesDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(f, routes.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(routes.resolve("transcode-video.yaml"), transcodeYaml);
        return new Variant(name, routes, batch);
    }

    private void measure(Variant v, int consumers, int events, int reps, int capSeconds, String suffix)
            throws Exception {
        List<Double> routeRate = new ArrayList<>();
        List<Double> routeCpu = new ArrayList<>();
        List<Double> sdkRate = new ArrayList<>();
        List<Double> sdkCpu = new ArrayList<>();
        List<Double> serverCpu = new ArrayList<>();
        int routeCount = 0;
        for (int r = 0; r < reps; r++) {
            // interleaved, alternating which goes first, so drift of the machine's load hits both sides alike
            for (int side = 0; side < 2; side++) {
                fill(events);
                if ((side + r) % 2 == 0) {
                    double s0 = Procs.cpuMsWithChildren(cloud.process.pid());
                    routeCount = runRoute(v, consumers, events, capSeconds);
                    if (routeCount >= events) {
                        // every delete done (async ones flushed at the stop): a message left would be a shortcut
                        requireEmptyQueue(v);
                    }
                    serverCpu.add((Procs.cpuMsWithChildren(cloud.process.pid()) - s0) / Math.max(1, routeCount));
                    routeRate.add(JobRecorder.INSTANCE.rate());
                    routeCpu.add(JobRecorder.INSTANCE.cpuMsPerEvent());
                } else {
                    runSdkLoop(v.batch(), consumers, events, capSeconds);
                    sdkRate.add(JobRecorder.INSTANCE.rate());
                    sdkCpu.add(JobRecorder.INSTANCE.cpuMsPerEvent());
                }
            }
        }
        String what = v.name() + ", " + consumers + " consumer" + (consumers > 1 ? "s" : "") + suffix;
        String capped = routeCount < events ? "; route stopped at the " + capSeconds + " s cap after " + routeCount
                + " of " + events + " events" : "";
        report.add(SECTION, "events/s: " + what, "ev/s", Stats.of(routeRate),
                "SDK loop, batch " + v.batch() + ", " + consumers + " thread(s)", Stats.of(sdkRate),
                BenchReport.Target.AT_LEAST_0_90, events + " queued events" + capped);
        report.add(SECTION, "CPU ms/event: " + what, "ms", Stats.of(routeCpu), "SDK loop", Stats.of(sdkCpu),
                BenchReport.Target.INFO, String.format("runner JVM CPU only; the local cloud process spent another"
                        + " %.2f ms/event serving the route", Stats.of(serverCpu).median()));
    }

    /** Queues {@code n} S3 notifications (as the local cloud sends them) with a few sending threads. */
    private void fill(int n) throws Exception {
        freshQueue();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int start = 0; start < n; start += 10) {
                int from = start;
                done.add(pool.submit(() -> {
                    List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
                    for (int i = from; i < Math.min(n, from + 10); i++) {
                        batch.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(event(i)).build());
                    }
                    var result = cloud.sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
                    if (!result.failed().isEmpty()) {
                        throw new IllegalStateException("send failed: " + result.failed());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void requireEmptyQueue(Variant v) {
        int left = io.videopipeline.EndToEnd.depth(cloud.sqs, queueUrl);
        if (left != 0) {
            throw new IllegalStateException(v.name() + ": " + left + " message(s) left on the queue after the route stopped");
        }
    }

    /**
     * Each side gets a queue of its own: a consumer that has just stopped can leave a long poll open on the local
     * cloud, which then hands it the next messages sent to that queue, invisible for their visibility timeout (README,
     * Late, not lost) - the next side would wait for them. That made the SDK loop run at 15-50 ev/s in some runs.
     */
    private void freshQueue() {
        if (queueName != null) {
            cloud.sqs.deleteQueue(b -> b.queueUrl(queueUrl));
            cloud.sqs.deleteQueue(b -> b.queueUrl(deadLetterUrl));
        }
        queueName = QUEUE + "-bench-" + (++queuesMade);
        deadLetterUrl = cloud.sqs.createQueue(b -> b.queueName(queueName + "-dlq")).queueUrl();
        queueUrl = cloud.sqs.createQueue(b -> b.queueName(queueName)).queueUrl();
    }

    static String event(int i) {
        return """
                {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",\
                "eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put",\
                "userIdentity":{"principalId":"AWS:BENCH"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},\
                "responseElements":{"x-amz-request-id":"BENCH%1$d","x-amz-id-2":"bench"},\
                "s3":{"s3SchemaVersion":"1.0","configurationId":"video-upload-events",\
                "bucket":{"name":"video-upload","ownerIdentity":{"principalId":"BENCH"},"arn":"arn:aws:s3:::video-upload"},\
                "object":{"key":"%4$s","size":1048576,"eTag":"%2$032x","sequencer":"%3$016X"}}}]}"""
                .formatted(i, i, 0x1000000L + i, KEY);
    }

    private Map<String, String> settings(Variant v, int consumers) {
        Map<String, String> s = settings(consumers);
        s.putAll(v.settings());
        return s;
    }

    private Map<String, String> settings(int consumers) {
        Map<String, String> s = new LinkedHashMap<>();
        for (String kv : cloud.runnerSettings()) {
            s.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        s.put("pipeline.routes.enabled", "transcode-video");
        s.put("pipeline.queues.upload-events", queueName);
        s.put("pipeline.transcoder", "noop");
        s.put("pipeline.transcode.concurrency", String.valueOf(consumers));
        s.put("camel.management.enabled", "false");
        s.put("pipeline.routes.live-reload", "false");
        return s;
    }

    private int runRoute(Variant v, int consumers, int events, int capSeconds) throws Exception {
        PipelineConfig config = PipelineConfig.load(env.configDir(), "aws", Map.of(), settings(v, consumers));
        PipelineRunner runner = new PipelineRunner(config, v.routesDir());
        JobRecorder.INSTANCE.reset(events);
        try {
            runner.prepare();
            Main main = runner.createMain(System.nanoTime());
            main.start();
            try {
                JobRecorder.INSTANCE.await(capSeconds + 10);
            } finally {
                main.stop();
            }
        } finally {
            runner.close();
        }
        return JobRecorder.INSTANCE.count();
    }

    private void runSdkLoop(int batch, int threads, int events, int capSeconds) throws Exception {
        PipelineConfig config = PipelineConfig.load(env.configDir(), "aws", Map.of(), settings(threads));
        S3EventIntake intake = new S3EventIntake();
        JobRecorder.INSTANCE.reset(events);
        AtomicBoolean stop = new AtomicBoolean();
        try (AwsClients clients = new AwsClients(AwsSettings.from(config))) {
            // as the route's planner bean: plan() HEADs the upload for its current ETag
            TranscodePlanner planner = new TranscodePlanner(
                    new KeyFilter(List.of(), List.of(), config.getList("pipeline.transcode.suffixes")),
                    new OutputKeys(config.get("pipeline.transcode.output-key-pattern")),
                    PresetCatalog.load(env.configDir().resolve("presets.yaml")).presets(),
                    config.require("pipeline.buckets.upload"), config.require("pipeline.buckets.transcoded"),
                    clients.s3());
            SqsClient sqs = clients.sqs();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                pool.submit(() -> {
                    while (!stop.get()) {
                        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(batch)
                                .waitTimeSeconds(1)
                                // what routes/sqs-source.kamelet.yaml asks for
                                .attributeNamesWithStrings("ApproximateReceiveCount", "SentTimestamp")
                                .messageAttributeNames("All")).messages();
                        for (Message m : messages) {
                            for (ObjectEvent e : intake.parse(m.body())) {
                                if (planner.wanted(e)) {
                                    NoopTranscoderProvider.record(planner.plan(e));
                                }
                            }
                            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                        }
                    }
                    return null;
                });
            }
            JobRecorder.INSTANCE.await(capSeconds + 10);
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
