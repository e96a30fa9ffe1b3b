package io.videopipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
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
            aws.buildAhead();
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
            aws.buildAhead();
            // nothing asked for here: the clients appear by themselves (S3, SQS with its own HTTP client, presigner)
            await().atMost(Duration.ofSeconds(60)).until(() -> aws.openClients() == 4);
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
