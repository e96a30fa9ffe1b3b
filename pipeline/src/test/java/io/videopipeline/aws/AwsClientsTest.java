package io.videopipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One client per service, built when first asked for: a runner built two S3, three SQS and two SNS clients before it
 * was ready, each resolving the SDK's configuration and opening its own connection pool (issue 20, start-up).
 */
class AwsClientsTest {

    private static final AwsSettings LOCAL = new AwsSettings("us-east-1", URI.create("http://127.0.0.1:9"), true,
            "test", "test");

    @Test
    void eachServiceHasOneSharedClient() {
        try (AwsClients aws = new AwsClients(LOCAL)) {
            assertThat(aws.s3()).isSameAs(aws.s3());
            assertThat(aws.sqs()).isSameAs(aws.sqs());
            assertThat(aws.sns()).isSameAs(aws.sns());
            assertThat(aws.s3Presigner()).isSameAs(aws.s3Presigner());
        }
    }

    @Test
    void theClientsBuiltAheadAreTheOnesHandedOutAndNoSecondIsBuilt() {
        int one;
        try (AwsClients alone = new AwsClients(LOCAL)) {
            alone.s3();
            alone.sqs();
            alone.s3Presigner();
            one = alone.openClients(); // S3, SQS with its own HTTP client, presigner
        }
        try (AwsClients aws = new AwsClients(LOCAL)) {
            aws.buildAhead(null);
            // asked for at once, as a runner's beans may: the caller waits for the build under way
            var s3 = aws.s3();
            var sqs = aws.sqs();
            var presigner = aws.s3Presigner();
            assertThat(aws.openClients()).isEqualTo(one);
            assertThat(aws.s3()).isSameAs(s3);
            assertThat(aws.sqs()).isSameAs(sqs);
            assertThat(aws.s3Presigner()).isSameAs(presigner);
            assertThat(aws.openClients()).isEqualTo(one);
        }
    }

    @Test
    void aBuildAheadDoesItsWorkOnAnotherThread() {
        try (AwsClients aws = new AwsClients(LOCAL)) {
            aws.buildAhead(null);
            // nothing asked for here: the clients appear by themselves (S3, SQS with its own HTTP client, presigner)
            await().atMost(Duration.ofSeconds(60)).until(() -> aws.openClients() == 4);
        }
    }

    @Test
    void aBuildAheadAsksForTheRoutesQueueAsCamelWillSoTheRequestPathIsLoadedBeforeTheRoutesStart() throws Exception {
        // a plain HTTP endpoint answering SQS's JSON protocol, to see the request the thread makes
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer sqs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sqs.createContext("/", exchange -> {
            requests.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"QueueUrls\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        sqs.start();
        try (AwsClients aws = new AwsClients(new AwsSettings("us-east-1",
                URI.create("http://127.0.0.1:" + sqs.getAddress().getPort()), true, "test", "test"))) {
            aws.buildAhead("video-upload-events");
            await().atMost(Duration.ofSeconds(60)).until(() -> !requests.isEmpty());
            assertThat(requests).singleElement().asString()
                    .startsWith("AmazonSQS.ListQueues ").contains("\"QueueNamePrefix\":\"video-upload-events\"");
            assertThat(aws.openClients()).isEqualTo(4);
        } finally {
            sqs.stop(0);
        }
    }

    @Test
    void aRequestAheadThatFailsIsNoFailureOfTheBuild() {
        try (AwsClients aws = new AwsClients(LOCAL)) { // nothing listens on port 9
            aws.buildAhead("video-upload-events");
            await().atMost(Duration.ofSeconds(60)).until(() -> aws.openClients() == 4);
            assertThat(aws.sqs()).isSameAs(aws.sqs());
        }
    }

    @Test
    void afterCloseTheNextRequestBuildsAFreshClient() {
        AwsClients aws = new AwsClients(LOCAL);
        var first = aws.sqs();
        aws.close();
        try {
            assertThat(aws.sqs()).isNotSameAs(first);
        } finally {
            aws.close();
        }
    }
}
