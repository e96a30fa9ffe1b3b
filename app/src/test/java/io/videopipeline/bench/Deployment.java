package io.videopipeline.bench;

import io.videopipeline.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The shipped jar as users run it: {@code java -jar video-pipeline.jar localcloud} (filesystem storage in a temp
 * dir, random ports, provisioned) and runners in the {@code aws} profile pointed at it, each its own process so
 * that CPU and memory are the runner's alone.
 */
final class Deployment {

    private Deployment() {
    }

    static final class Cloud implements AutoCloseable {
        final Procs.Jar process;
        final URI endpoint;
        final int smtpPort;
        final Path dataDir;
        final S3Client s3;
        final SqsClient sqs;

        private Cloud(Procs.Jar process, URI endpoint, int smtpPort, Path dataDir) {
            this.process = process;
            this.endpoint = endpoint;
            this.smtpPort = smtpPort;
            this.dataDir = dataDir;
            this.s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                    .credentialsProvider(credentials()).httpClient(ApacheHttpClient.builder().maxConnections(64).build())
                    .build();
            this.sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(credentials()).httpClient(ApacheHttpClient.builder().maxConnections(64).build())
                    .build();
        }

        static Cloud start(BenchEnv env, Path dir) throws IOException, InterruptedException {
            Path data = dir.resolve("data");
            Files.createDirectories(data);
            Procs.Jar p = Procs.Jar.start(env.jar(), dir, "localcloud", shippedJvmOptions(env), List.of("localcloud",
                    "--config", env.configDir().toString(),
                    "--set", "pipeline.localcloud.port=0", "--set", "pipeline.localcloud.smtp-port=0",
                    "--set", "pipeline.localcloud.data-dir=" + data,
                    "--set", "pipeline.ffmpeg.work-dir=" + dir.resolve("et-work")));
            try {
                Matcher m = p.awaitLine("AWS_ENDPOINT_URL=(\\S+) .*SMTP 127\\.0\\.0\\.1:(\\d+)", 120);
                return new Cloud(p, URI.create(m.group(1)), Integer.parseInt(m.group(2)), data);
            } catch (RuntimeException | InterruptedException e) {
                p.close();
                throw e;
            }
        }

        S3Presigner presigner(URI base) {
            return S3Presigner.builder().endpointOverride(base).region(Region.US_EAST_1).credentialsProvider(credentials())
                    .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                            .pathStyleAccessEnabled(true).build()).build();
        }

        /**
         * Empties every pipeline queue (and its DLQ): a runner must not inherit events of objects an earlier
         * measurement created and deleted (their retries would compete with what is being measured).
         */
        void purgeQueues() throws InterruptedException {
            for (String q : List.of("video-upload-events", "transcoded-video-email", "transcoded-video-acl",
                    "transcoded-video-metadata")) {
                for (String name : List.of(q, q + "-dlq")) {
                    sqs.purgeQueue(b -> b.queueUrl(queueUrl(name)));
                }
            }
            Thread.sleep(200);
        }

        String queueUrl(String name) {
            return sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        }

        long mails() throws IOException {
            Path mail = dataDir.resolve("mail");
            if (!Files.isDirectory(mail)) {
                return 0;
            }
            try (var files = Files.list(mail)) {
                return files.filter(f -> f.toString().endsWith(".eml")).count();
            }
        }

        /** Settings that point a runner (profile aws) at this cloud. */
        List<String> runnerSettings() {
            return List.of("pipeline.aws.endpoint-url=" + endpoint, "pipeline.aws.access-key=test",
                    "pipeline.aws.secret-key=test", "pipeline.aws.force-path-style=true",
                    "pipeline.mail.host=127.0.0.1", "pipeline.mail.port=" + smtpPort);
        }

        @Override
        public void close() throws InterruptedException {
            s3.close();
            sqs.close();
            process.close();
        }
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    /** A runner process in profile aws against {@code cloud}; ready when /observe/health/ready answers 200. */
    static final class Runner implements AutoCloseable {
        final Procs.Jar process;
        final int managementPort;
        final double readySeconds;

        private Runner(Procs.Jar process, int managementPort, double readySeconds) {
            this.process = process;
            this.managementPort = managementPort;
            this.readySeconds = readySeconds;
        }

        /** A runner as the README starts one: {@code java @config/jvm.options -jar ...}, then {@code jvmArgs}. */
        static Runner start(BenchEnv env, Cloud cloud, Path dir, String name, List<String> jvmArgs,
                            Map<String, String> settings) throws IOException, InterruptedException {
            List<String> flags = new ArrayList<>(shippedJvmOptions(env));
            flags.addAll(jvmArgs);
            return startPlain(env, cloud, dir, name, flags, settings);
        }

        /** A runner with {@code jvmArgs} only: plain {@code java -jar} when they are empty. */
        static Runner startPlain(BenchEnv env, Cloud cloud, Path dir, String name, List<String> jvmArgs,
                                 Map<String, String> settings) throws IOException, InterruptedException {
            awaitAbandonedPolls();
            cloud.purgeQueues();
            int port = FreePorts.next();
            List<String> args = new ArrayList<>(List.of("run", "--profile", "aws",
                    "--routes", env.routesDir().toString(), "--config", env.configDir().toString()));
            List<String> sets = new ArrayList<>(cloud.runnerSettings());
            sets.add("camel.management.port=" + port);
            sets.add("pipeline.ffmpeg.work-dir=" + dir.resolve("work-" + name));
            settings.forEach((k, v) -> sets.add(k + "=" + v));
            for (String s : sets) {
                args.add("--set");
                args.add(s);
            }
            Procs.Jar p = Procs.Jar.start(env.jar(), dir, name, jvmArgs, args);
            try {
                double ready = p.awaitHttp200("http://127.0.0.1:" + port + "/observe/health/ready", 180);
                return new Runner(p, port, ready);
            } catch (RuntimeException | InterruptedException e) {
                p.close();
                throw e;
            }
        }

        long pid() {
            return process.pid();
        }

        /**
         * SIGTERM, as users stop it. Its consumers' long polls are ended on the client side at once
         * (aws/EndableLongPolls), but each ReceiveMessage still waits in the local cloud for the rest of its 20 s; the
         * next message on its queue is handed to it, written to a dead connection, and stays invisible for the
         * receive's visibility timeout (120 s for the transcode queue, the queue's 300 s for the others). That was the
         * "lost" rendition (really 300 s late) of concurrency-2 load runs: see {@link #awaitAbandonedPolls}.
         */
        @Override
        public void close() throws InterruptedException {
            process.close();
            lastStop = System.nanoTime();
        }

        /** When the last runner of this JVM stopped; 0 before any. */
        private static volatile long lastStop;

        /**
         * Lets the previous runner's abandoned long polls run out (the kamelet's 20 s wait, and 1 s) before the next
         * runner's measurement sends anything. A fixed wait because nothing outside the local cloud can see them
         * (SQS behaves the same, aws/aws-sdk-java-v2#1395).
         */
        private static void awaitAbandonedPolls() throws InterruptedException {
            long left = lastStop == 0 ? 0 : lastStop + TimeUnit.SECONDS.toNanos(21) - System.nanoTime();
            if (left > 0) {
                System.out.printf("BENCH waiting %.1f s for the previous runner's abandoned long polls%n", left / 1e9);
                TimeUnit.NANOSECONDS.sleep(left);
            }
        }
    }

    /**
     * The argument file the README's run command passes ({@code @config/jvm.options}), or nothing with
     * {@code -Dbench.jvm-options=plain}: the runners and the local cloud are measured as users start them.
     */
    static List<String> shippedJvmOptions(BenchEnv env) {
        Path file = env.configDir().resolve("jvm.options");
        if ("plain".equals(System.getProperty("bench.jvm-options")) || !Files.isRegularFile(file)) {
            return List.of();
        }
        return List.of("@" + file);
    }
}
