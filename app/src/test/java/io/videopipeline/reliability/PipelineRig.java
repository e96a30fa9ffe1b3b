package io.videopipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.videopipeline.FreePorts;
import io.videopipeline.PipelineProcess;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static org.awaitility.Awaitility.await;

/**
 * The packaged jar on a persistent data dir, with ports picked by the test, restartable (after SIGKILL or
 * SIGTERM) on the same data: the set-up every reliability IT shares. Talks to the local cloud only through the
 * AWS SDK; waits on the readiness endpoint, never on log text.
 */
final class PipelineRig implements AutoCloseable {
    static final String UPLOADS = "video-upload";
    static final String TRANSCODED = "video-transcoded";
    static final List<String> PRESETS = List.of("1080p", "720p", "web-720p");
    static final List<String> QUEUES = List.of("video-upload-events", "transcoded-video-email",
            "transcoded-video-acl", "transcoded-video-metadata");

    final Path work;
    final Path dataDir;
    final Path ffmpegWorkDir;
    final int cloudPort;
    final int smtpPort;
    final int managementPort;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private PipelineProcess process;
    private PipelineProcess cloud;
    private String clientEndpoint;
    private final List<String> outputs = new ArrayList<>();
    private S3Client s3;
    private SqsClient sqs;
    private String accessKey = "test";
    private String secretKey = "test";
    private Path jar = PipelineProcess.jar();

    PipelineRig(Path work) throws IOException {
        this.work = work;
        this.dataDir = work.resolve("data");
        this.ffmpegWorkDir = work.resolve("ffmpeg-work");
        this.cloudPort = FreePorts.next();
        this.smtpPort = FreePorts.next();
        this.managementPort = FreePorts.next();
        Path project = Path.of(System.getProperty("pipeline.project.dir", "."));
        settings.put("pipeline.localcloud.port", String.valueOf(cloudPort));
        settings.put("pipeline.localcloud.smtp-port", String.valueOf(smtpPort));
        settings.put("pipeline.localcloud.data-dir", dataDir.toString());
        settings.put("camel.management.port", String.valueOf(managementPort));
        settings.put("pipeline.ffmpeg.work-dir", ffmpegWorkDir.toString());
        settings.put("pipeline.ffmpeg.x264-preset", "ultrafast");
        settings.put("pipeline.ffmpeg.threads", "1");
        settings.put("pipeline.inbox.enabled", "false");
        settings.put("pipeline.routes.live-reload", "false");
        settings.put("pipeline.retry.delay-ms", "200");
        settings.put("pipeline.retry.max-delay-ms", "1000");
        // Messages of a killed process come back quickly; a running transcode keeps its own extended.
        settings.put("pipeline.provision.visibility-timeout-seconds", "6");
        settings.put("pipeline.transcode.visibility-timeout-seconds", "10");
        settings.put("pipeline.sqs.receive-visibility-seconds", "5");
        settings.put("pipeline.shutdown.grace-seconds", "10");
        settings.put("--routes", project.resolve("routes").toString());
        settings.put("--config", project.resolve("config").toString());
    }

    PipelineRig set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Credentials the separately started cloud accepts (and the only ones): before {@link #startSeparateCloud}. */
    PipelineRig credentials(String accessKey, String secretKey) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        return this;
    }

    /** The jar the pipeline runs from (the local cloud of {@link #startSeparateCloud} always runs the full one). */
    PipelineRig jar(Path jar) {
        this.jar = jar;
        return this;
    }

    PipelineRig env(String name, String value) {
        env.put(name, value);
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + cloudPort;
    }

    /**
     * Runs the local cloud as a process of its own ({@code localcloud} sub-command, provisioned, persistent) and the
     * pipeline from now on in the {@code aws} profile against it, with credentials from the environment as in
     * production: a SIGKILL of the pipeline then hits only the pipeline, as a worker crash on AWS would. Pass a
     * {@code clientEndpoint} to put something (a fault-injecting proxy) between the pipeline and the cloud.
     */
    void startSeparateCloud(String clientEndpoint) throws Exception {
        this.clientEndpoint = clientEndpoint == null ? endpoint() : clientEndpoint;
        Path project = Path.of(System.getProperty("pipeline.project.dir", "."));
        cloud = PipelineProcess.start(Files.createDirectories(work), Map.of(), "localcloud",
                "--config", project.resolve("config").toString(),
                "--set", "pipeline.localcloud.port=" + cloudPort,
                "--set", "pipeline.localcloud.smtp-port=" + smtpPort,
                "--set", "pipeline.localcloud.data-dir=" + dataDir,
                "--set", "pipeline.aws.access-key=" + accessKey,
                "--set", "pipeline.aws.secret-key=" + secretKey,
                "--set", "pipeline.provision.visibility-timeout-seconds=" + settings.get("pipeline.provision.visibility-timeout-seconds"),
                // the ET backend's own transcodes are not used here; keep its ffmpeg out of our work dir
                "--set", "pipeline.ffmpeg.work-dir=" + work.resolve("cloud-ffmpeg"));
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                    .failFast("the local cloud exited", () -> !cloud.isAlive())
                    .ignoreExceptions()
                    .until(() -> !s3().getBucketNotificationConfiguration(b -> b.bucket(TRANSCODED))
                            .topicConfigurations().isEmpty()
                            && sqs().getQueueUrl(b -> b.queueName("transcoded-video-metadata-dlq")) != null);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError("local cloud not provisioned: " + e.getMessage() + "\n" + cloud.output(), e);
        }
        settings.put("--profile", "aws");
        settings.put("pipeline.aws.endpoint-url", this.clientEndpoint);
        settings.put("pipeline.aws.force-path-style", "true");
        settings.put("pipeline.mail.transport", "smtp");
        settings.put("pipeline.mail.host", "127.0.0.1");
        settings.put("pipeline.mail.port", String.valueOf(smtpPort));
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        env.put("AWS_REGION", "us-east-1");
    }

    String cloudOutput() {
        return cloud == null ? "" : cloud.output();
    }

    /** Starts the jar and waits until it says it is ready (every consumer has polled its queue once). */
    PipelineProcess start() throws Exception {
        return start("/observe/health/ready");
    }

    /**
     * Starts the jar and waits only until it is alive (its management server answers); the routes may still be
     * starting. Readiness takes one long poll (up to 20 s) per consumer longer.
     */
    PipelineProcess startAlive() throws Exception {
        return start("/observe/health/live");
    }

    private PipelineProcess start(String healthPath) throws Exception {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (e.getKey().startsWith("--")) {
                args.add(e.getKey());
                args.add(e.getValue());
            } else {
                args.add("--set");
                args.add(e.getKey() + "=" + e.getValue());
            }
        }
        Files.createDirectories(work);
        process = PipelineProcess.start(jar, work, env, args.toArray(String[]::new));
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .failFast("the pipeline exited", () -> !process.isAlive())
                    .until(() -> status(healthPath) == 200);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError("pipeline not up (" + healthPath + "): " + e.getMessage()
                    + (process.isAlive() ? "" : ", exit code " + process.awaitExit(Duration.ofSeconds(1)))
                    + "\n" + process.output(), e);
        }
        return process;
    }

    PipelineProcess process() {
        return process;
    }

    /** Output of every run so far and the current one. */
    String allOutput() {
        StringBuilder all = new StringBuilder();
        outputs.forEach(all::append);
        if (process != null) {
            all.append(process.output());
        }
        return all.toString();
    }

    void kill() throws InterruptedException {
        process.kill();
        outputs.add(process.output());
        process = null;
    }

    int terminate(Duration grace) throws InterruptedException {
        int code = process.terminate(grace);
        outputs.add(process.output());
        process = null;
        return code;
    }

    int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    S3Client s3() {
        if (s3 == null) {
            s3 = S3Client.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                    .forcePathStyle(true).httpClientBuilder(ApacheHttpClient.builder()).build();
        }
        return s3;
    }

    SqsClient sqs() {
        if (sqs == null) {
            sqs = SqsClient.builder().endpointOverride(URI.create(endpoint())).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                    .httpClientBuilder(ApacheHttpClient.builder()).build();
        }
        return sqs;
    }

    void upload(String key, Path file) {
        s3().putObject(p -> p.bucket(UPLOADS).key(key), RequestBody.fromFile(file));
    }

    /**
     * Every key of the transcoded bucket but the parts of the HLS packages (under {@code hls/} and {@code pictures/}:
     * how many depends on the clip; the master, written last, stands for them).
     */
    List<String> transcodedKeys() {
        try (Stream<S3Object> objects = s3().listObjectsV2Paginator(l -> l.bucket(TRANSCODED)).contents().stream()) {
            return objects.map(S3Object::key).filter(k -> !k.contains("/hls/")
                    && !k.contains("/pictures/")).sorted().toList();
        }
    }

    /**
     * What the transcoded bucket must hold for these uploads: 3 renditions, 3 metadata files, 3 mail markers, the
     * stream's master playlist, its summary and poster, a job record.
     */
    static List<String> expectedKeys(List<String> uploadKeys) {
        List<String> keys = new ArrayList<>();
        for (String upload : uploadKeys) {
            String name = upload.substring(upload.lastIndexOf('/') + 1, upload.lastIndexOf('.'));
            String dir = upload.substring(0, upload.lastIndexOf('/') + 1) + name + "/";
            for (String preset : PRESETS) {
                String base = dir + name + "-" + preset;
                keys.add(base + ".mp4");
                keys.add(base + ".json");
                keys.add(base + ".mp4.mailed");
            }
            keys.add(dir + name + ".m3u8");
            keys.add(dir + name + ".json");
            keys.add(dir + name + "-poster.jpg");
            keys.add(dir + name + ".job.json");
        }
        return keys.stream().sorted().toList();
    }

    /** Visible + in-flight + delayed messages of every pipeline queue and DLQ, by queue name. */
    Map<String, Integer> queueDepths() {
        Map<String, Integer> depths = new TreeMap<>();
        for (String queue : QUEUES) {
            for (String name : List.of(queue, queue + "-dlq")) {
                String url = sqs().getQueueUrl(b -> b.queueName(name)).queueUrl();
                Map<QueueAttributeName, String> a = sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
                depths.put(name, a.values().stream().mapToInt(Integer::parseInt).sum());
            }
        }
        return depths;
    }

    /** Subject line of every mail the local SMTP server kept, one entry per .eml file. */
    List<String> mailSubjects() throws IOException {
        Path mailDir = dataDir.resolve("mail");
        if (!Files.isDirectory(mailDir)) {
            return List.of();
        }
        List<String> subjects = new ArrayList<>();
        Session session = Session.getInstance(new Properties());
        try (Stream<Path> files = Files.list(mailDir)) {
            for (Path eml : files.filter(f -> f.toString().endsWith(".eml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(eml)) {
                    subjects.add(new MimeMessage(session, in).getSubject());
                } catch (jakarta.mail.MessagingException e) {
                    subjects.add("unreadable " + eml.getFileName() + ": " + e.getMessage());
                }
            }
        }
        return subjects;
    }

    /** Files and dirs left in the ffmpeg work dir. */
    List<Path> tempFiles() throws IOException {
        if (!Files.isDirectory(ffmpegWorkDir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(ffmpegWorkDir)) {
            return all.filter(p -> !p.equals(ffmpegWorkDir)).toList();
        }
    }

    /** ffmpeg/ffprobe processes whose command line mentions this rig's work dir. */
    List<ProcessHandle> strayFfmpeg() {
        String marker = ffmpegWorkDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg") || c.endsWith("/ffprobe")).orElse(false)
                        && p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    /** Whether an ffmpeg child of the running jar is transcoding right now. */
    boolean ffmpegRunning() {
        if (process == null) {
            return false;
        }
        return ProcessHandle.of(process.pid()).map(h -> h.descendants().anyMatch(d ->
                d.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))).orElse(false);
    }

    /** A small clip: 1 s of 320x240 testsrc2 with a tone, made once per path. */
    static Path clip(Path file, int seconds) throws Exception {
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Process p = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=" + seconds,
                "-f", "lavfi", "-i", "sine=frequency=440:duration=" + seconds,
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-threads", "1",
                "-c:a", "aac", "-shortest", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return file;
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.close();
            outputs.add(process.output());
        }
        if (cloud != null) {
            cloud.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (sqs != null) {
            sqs.close();
        }
    }
}
