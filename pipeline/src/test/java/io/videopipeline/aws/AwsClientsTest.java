package io.videopipeline.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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
