package io.videopipeline.localcloud;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Re-runnable measurements of the local cloud (not a test; prints numbers):
 * start-up time, S3 PUT/GET throughput of one large object through the gateway vs. S3Proxy directly, and the
 * latency from a finished PUT to its notification being receivable from SQS.
 *
 * <pre>
 * mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.videopipeline.localcloud.LocalCloudBenchmark [objectMB] [uploads]
 * </pre>
 * Defaults: 100 MB object, 200 uploads. Data lives in a temp dir on the filesystem backend (as in production).
 */
public final class LocalCloudBenchmark {

    private LocalCloudBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long objectBytes = (args.length > 0 ? Long.parseLong(args[0]) : 100) * 1024 * 1024;
        int uploads = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dataDir = Files.createTempDirectory("localcloud-bench");
        try {
            long t0 = System.nanoTime();
            LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dataDir).build().start();
            double startMs = (System.nanoTime() - t0) / 1e6;
            cloud.stop();
            t0 = System.nanoTime();
            cloud = LocalCloud.builder().port(0).dataDir(dataDir).build().start();
            double warmStartMs = (System.nanoTime() - t0) / 1e6;
            System.out.printf("start-up: first in this JVM %.0f ms, second (warm JVM) %.0f ms%n", startMs, warmStartMs);
            try {
                throughput(cloud, objectBytes, dataDir);
                latency(cloud, uploads);
            } finally {
                t0 = System.nanoTime();
                cloud.stop();
                System.out.printf("stop: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void throughput(LocalCloud cloud, long bytes, Path dataDir) throws Exception {
        Path source = dataDir.resolve("bench-source.bin");
        try (InputStream in = new GeneratedContent(1, bytes); OutputStream out = Files.newOutputStream(source)) {
            in.transferTo(out);
        }
        try (S3Client viaGateway = s3(cloud.endpoint()); S3Client direct = s3(URI.create("http://127.0.0.1:" + cloud.s3ProxyPort()))) {
            viaGateway.createBucket(b -> b.bucket("bench"));
            for (int round = 0; round < 3; round++) { // round 0 warms up both paths
                for (var entry : Map.of("gateway", viaGateway, "s3proxy-direct", direct).entrySet()) {
                    S3Client s3 = entry.getValue();
                    String key = "big-" + entry.getKey();
                    long t = System.nanoTime();
                    s3.putObject(b -> b.bucket("bench").key(key), RequestBody.fromFile(source));
                    double put = (System.nanoTime() - t) / 1e9;
                    t = System.nanoTime();
                    long read;
                    try (InputStream in = s3.getObject(b -> b.bucket("bench").key(key))) {
                        read = in.transferTo(OutputStream.nullOutputStream());
                    }
                    double get = (System.nanoTime() - t) / 1e9;
                    if (read != bytes) {
                        throw new IllegalStateException("read " + read + " of " + bytes);
                    }
                    if (round > 0) {
                        System.out.printf("round %d %-15s PUT %6.1f MB/s  GET %6.1f MB/s  (%d MB)%n", round, entry.getKey(),
                                bytes / 1048576.0 / put, bytes / 1048576.0 / get, bytes / 1048576);
                    }
                }
            }
        }
        Files.delete(source);
    }

    private static void latency(LocalCloud cloud, int uploads) {
        try (S3Client s3 = s3(cloud.endpoint()); SqsClient sqs = SqsClient.builder().endpointOverride(cloud.endpoint())
                .region(Region.US_EAST_1).credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build()) {
            s3.createBucket(b -> b.bucket("latency"));
            String queueUrl = sqs.createQueue(b -> b.queueName("latency-events")).queueUrl();
            s3.putBucketNotificationConfiguration(b -> b.bucket("latency").notificationConfiguration(n -> n.queueConfigurations(
                    q -> q.queueArn("arn:aws:sqs:us-east-1:000000000000:latency-events").events(Event.S3_OBJECT_CREATED))));
            receive(sqs, queueUrl, 1); // TestEvent

            // One upload at a time: PUT returns, then a long poll receives its event (the poll's round trip included).
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                String key = "clip-" + i + ".mov";
                s3.putObject(b -> b.bucket("latency").key(key), RequestBody.fromString("x"));
                long done = System.nanoTime();
                List<Message> got = List.of();
                while (got.isEmpty()) {
                    got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(5)).messages();
                }
                ms.add((System.nanoTime() - done) / 1e6);
                String eventKey = S3EventNotification.fromJson(got.get(0).body()).getRecords().get(0).getS3().getObject().getKey();
                if (!eventKey.equals(key)) {
                    throw new IllegalStateException("expected the event of " + key + ", got " + eventKey);
                }
                String receipt = got.get(0).receiptHandle();
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receipt));
            }
            Collections.sort(ms);
            System.out.printf("notification latency (PUT returned -> event received by ReceiveMessage), %d sequential uploads: "
                            + "median %.1f ms, p99 %.1f ms, max %.1f ms%n", uploads,
                    ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.99) - 1), ms.get(ms.size() - 1));

            // A burst: all PUTs back to back, then how long until every event was received.
            long t = System.nanoTime();
            for (int i = 0; i < uploads; i++) {
                String key = "burst-" + i + ".mov";
                s3.putObject(b -> b.bucket("latency").key(key), RequestBody.fromString("x"));
            }
            double putsMs = (System.nanoTime() - t) / 1e6;
            int count = 0;
            while (count < uploads) {
                count += receive(sqs, queueUrl, 10).size();
            }
            System.out.printf("burst of %d PUTs: PUTs took %.0f ms, all %d events received after %.0f ms%n", uploads, putsMs, count,
                    (System.nanoTime() - t) / 1e6);
        }
    }

    private static List<Message> receive(SqsClient sqs, String queueUrl, int max) {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(1)).messages();
        for (Message m : messages) {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return messages;
    }

    private static S3Client s3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(credentials()).httpClient(ApacheHttpClient.create()).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
}
