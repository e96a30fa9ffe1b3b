package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** Objects, queues, messages, notification configurations and ownership controls survive a stop/start on the same data dir. */
class LocalCloudPersistenceTest {

    @TempDir
    Path dataDir;

    @Test
    void everythingSurvivesARestart() {
        String queueUrl;
        try (LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dataDir).build().start();
             S3Client s3 = s3(cloud); SqsClient sqs = sqs(cloud)) {
            s3.createBucket(b -> b.bucket("video-upload"));
            s3.putObject(b -> b.bucket("video-upload").key("kept/clip.mov"), RequestBody.fromString("kept"));
            sqs.createQueue(b -> b.queueName("events-dlq"));
            queueUrl = sqs.createQueue(b -> b.queueName("events").attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:000000000000:events-dlq\",\"maxReceiveCount\":\"5\"}"))).queueUrl();
            s3.putBucketNotificationConfiguration(b -> b.bucket("video-upload").notificationConfiguration(n -> n.queueConfigurations(
                    q -> q.id("uploads").queueArn("arn:aws:sqs:us-east-1:000000000000:events").events(Event.S3_OBJECT_CREATED))));
            s3.putBucketOwnershipControls(b -> b.bucket("video-upload").ownershipControls(o -> o.rules(
                    r -> r.objectOwnership(software.amazon.awssdk.services.s3.model.ObjectOwnership.BUCKET_OWNER_ENFORCED))));
            String url = queueUrl;
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("survivor 1"));
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("survivor 2"));
        }

        try (LocalCloud cloud = LocalCloud.builder().port(0).dataDir(dataDir).build().start();
             S3Client s3 = s3(cloud); SqsClient sqs = sqs(cloud)) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket("video-upload").key("kept/clip.mov")).asUtf8String()).isEqualTo("kept");
            String url = sqs.getQueueUrl(b -> b.queueName("events")).queueUrl();
            assertThat(url).isEqualTo(cloud.endpoint() + "/000000000000/events");
            assertThat(sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY)).contains("events-dlq");

            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(2)).messages();
            // The TestEvent sent when the configuration was put, then the two messages.
            assertThat(messages).extracting(Message::body).hasSize(3).contains("survivor 1", "survivor 2")
                    .anySatisfy(body -> assertThat(body).contains("s3:TestEvent"));
            assertThat(s3.getBucketNotificationConfiguration(b -> b.bucket("video-upload")).queueConfigurations())
                    .singleElement().satisfies(q -> assertThat(q.id()).isEqualTo("uploads"));
            assertThat(s3.getBucketOwnershipControls(b -> b.bucket("video-upload")).ownershipControls().rules())
                    .singleElement().satisfies(r -> assertThat(r.objectOwnershipAsString()).isEqualTo("BucketOwnerEnforced"));
            // ...and is still in force.
            s3.putObject(b -> b.bucket("video-upload").key("after/restart.mov"), RequestBody.fromString("new"));
            assertThat(sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages())
                    .singleElement().satisfies(m -> assertThat(m.body()).contains("ObjectCreated:Put").contains("after/restart.mov"));
        }
    }

    private static S3Client s3(LocalCloud cloud) {
        return S3Client.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create()).build();
    }

    private static SqsClient sqs(LocalCloud cloud) {
        return SqsClient.builder().endpointOverride(cloud.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(ApacheHttpClient.create()).build();
    }
}
