package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The README promises that the local cloud refuses unsigned requests. Its SQS back end (ElasticMQ) checks no
 * signature, so it must not be reachable except through the gateway: this test sends an unsigned CreateQueue and
 * SendMessage to every TCP port the local cloud opened in this JVM (found in /proc, as any local process could
 * find them) and then asks, signed, through the gateway whether a queue appeared.
 */
class LocalCloudBackendBypassTest {

    @Test
    void noPortOfTheLocalCloudTakesAnUnsignedSqsRequest() throws Exception {
        Set<Integer> before = listeningPortsOfThisProcess();
        try (LocalCloud cloud = LocalCloud.builder().port(0).transientStorage(true).builtInSns().smtp(0).build().start();
             SqsClient signed = SqsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                     .build()) {
            Set<Integer> opened = new TreeSet<>(listeningPortsOfThisProcess());
            opened.removeAll(before);
            assertThat(opened).contains(cloud.port());

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            List<String> accepted = new ArrayList<>();
            for (int port : opened) {
                String queue = "bypass-" + port;
                int status = post(http, port, "AmazonSQS.CreateQueue", "{\"QueueName\":\"" + queue + "\"}");
                if (status == 200) {
                    accepted.add(port + (port == cloud.port() ? " (gateway)" : ""));
                }
            }

            assertThat(accepted).as("ports that took an unsigned CreateQueue").isEmpty();
            assertThat(signed.listQueues(b -> b.queueNamePrefix("bypass-")).queueUrls()).isEmpty();
            // and the gateway itself answers an unsigned request as SQS does
            assertThat(post(http, cloud.port(), "AmazonSQS.CreateQueue", "{\"QueueName\":\"bypass-gw\"}")).isEqualTo(403);
        }
    }

    /** An unsigned SQS JSON-protocol request; -1 when the port does not speak HTTP. */
    private static int post(HttpClient http, int port, String target, String json) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", target)
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // SMTP and the like
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** TCP ports in LISTEN state whose socket this process holds (/proc/net/tcp{,6} joined with /proc/self/fd). */
    static Set<Integer> listeningPortsOfThisProcess() throws IOException {
        Set<String> inodes = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file); // once: the table changes while sockets open and close
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
