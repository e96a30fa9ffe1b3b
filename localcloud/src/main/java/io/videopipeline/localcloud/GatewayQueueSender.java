package io.videopipeline.localcloud;

import java.net.URI;

import io.videopipeline.localcloud.s3.QueueSender;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Delivers notification messages to SQS through the gateway, signed like any client's request (ElasticMQ has no
 * port of its own to send to). Its SDK client is built on first use (it costs start-up time and many local clouds
 * never send a notification).
 */
final class GatewayQueueSender implements QueueSender, AutoCloseable {
    private final URI gateway;
    private final String region;
    private final String accountId;
    private final AwsCredentialsProvider credentials;
    private SqsClient client;

    GatewayQueueSender(URI gateway, String region, String accountId, AwsCredentialsProvider credentials) {
        this.gateway = gateway;
        this.region = region;
        this.accountId = accountId;
        this.credentials = credentials;
    }

    private synchronized SqsClient client() {
        if (client == null) {
            client = SqsClient.builder()
                    .endpointOverride(gateway)
                    .region(Region.of(region))
                    .credentialsProvider(credentials)
                    .httpClient(ApacheHttpClient.create())
                    .build();
        }
        return client;
    }

    @Override
    public void send(String queueName, String body) {
        client().sendMessage(b -> b.queueUrl(gateway + "/" + accountId + "/" + queueName).messageBody(body));
    }

    @Override
    public boolean queueExists(String queueName) {
        try {
            client().getQueueUrl(b -> b.queueName(queueName));
            return true;
        } catch (QueueDoesNotExistException e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
