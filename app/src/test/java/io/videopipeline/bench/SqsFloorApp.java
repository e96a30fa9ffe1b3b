package io.videopipeline.bench;

import java.net.URI;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The start-up floor of any SQS worker built the way the pipeline is (issue 20, goal 3): {@link TimerFloorApp}'s
 * bare Camel Main and health endpoint, plus what consuming one queue takes at the least - the SDK's SQS client
 * (Apache HTTP client, as shipped) and one aws2-sqs route that logs what it receives. No S3, no YAML, no beans of
 * ours. {@code java -cp video-pipeline.jar:test-classes io.videopipeline.bench.SqsFloorApp PORT ENDPOINT QUEUE}.
 */
public final class SqsFloorApp {

    private SqsFloorApp() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[1];
        String queue = args[2];
        SqsClient sqs = SqsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(endpoint))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        Main main = new Main();
        main.bind("sqsClient", sqs);
        if (args.length > 3 && "s3".equals(args[3])) {
            // a worker that also reads and writes objects: the S3 client built too (not used)
            main.bind("s3Client", S3Client.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(URI.create(endpoint))
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build());
        }
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("aws2-sqs:" + queue + "?amazonSQSClient=#sqsClient&waitTimeSeconds=20&deleteAfterRead=false")
                        .routeId("sqs-floor").log("${body}");
            }
        });
        TimerFloorApp.withHealthEndpoint(main, "sqs-floor", args[0]);
        // as config/application.properties: ready once the route has started, not after its first long poll
        main.addOverrideProperty("camel.health.initial-state", "UP");
        main.run();
    }
}
