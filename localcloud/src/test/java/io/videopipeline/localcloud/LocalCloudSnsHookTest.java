package io.videopipeline.localcloud;

import io.videopipeline.localcloud.gateway.AwsQueryService;
import io.videopipeline.localcloud.gateway.AwsResponse;
import io.videopipeline.localcloud.s3.TopicPublisher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.SnsException;

/** The SNS plug-in points, with a stand-in SNS service: routing of SNS requests and S3 notifications to topics. */
class LocalCloudSnsHookTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:transcoded-video-notifications";

    /** A stand-in for the real SnsService: knows one topic, records publishes and answers ListTopics. */
    static final class FakeSns implements AwsQueryService, TopicPublisher {
        final List<String[]> published = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

        @Override
        public AwsResponse handle(Map<String, String> formParams, String region) {
            requests.add(formParams);
            if ("ListTopics".equals(formParams.get("Action"))) {
                return AwsResponse.xml(200, "<ListTopicsResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><ListTopicsResult>"
                        + "<Topics><member><TopicArn>" + TOPIC + "</TopicArn></member></Topics></ListTopicsResult>"
                        + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTopicsResponse>");
            }
            return AwsResponse.xml(400, "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
                    + "<Code>InvalidAction</Code><Message>not in the fake</Message></Error><RequestId>r</RequestId></ErrorResponse>");
        }

        @Override
        public void publish(String topicArn, String subject, String message) {
            published.add(new String[] {topicArn, subject, message});
        }

        @Override
        public boolean topicExists(String topicArn) {
            return TOPIC.equals(topicArn);
        }
    }

    static final FakeSns SNS = new FakeSns();

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension(b -> b.sns(SNS));

    @Test
    void snsSignedRequestsReachTheSnsServiceWithTheirRegion() {
        try (SnsClient sns = SnsClient.builder().endpointOverride(CLOUD.endpoint()).region(CLOUD.region())
                .credentialsProvider(CLOUD.credentials()).httpClient(ApacheHttpClient.create()).build()) {
            assertThat(sns.listTopics().topics()).extracting(t -> t.topicArn()).containsExactly(TOPIC);
            assertThat(SNS.requests).last().satisfies(p -> assertThat(p).containsEntry("Action", "ListTopics"));
            assertThatThrownBy(() -> sns.publish(b -> b.topicArn(TOPIC).message("m")))
                    .isInstanceOfSatisfying(SnsException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction"));
        }
    }

    @Test
    void s3NotificationsToATopicArePublishedWithS3sSubject() {
        SNS.published.clear();
        CLOUD.s3().createBucket(b -> b.bucket("video-transcoded"));
        assertThatThrownBy(() -> CLOUD.s3().putBucketNotificationConfiguration(b -> b.bucket("video-transcoded")
                .notificationConfiguration(n -> n.topicConfigurations(t -> t.topicArn(TOPIC + "-missing").events(Event.S3_OBJECT_CREATED)))))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument"));

        CLOUD.s3().putBucketNotificationConfiguration(b -> b.bucket("video-transcoded").notificationConfiguration(n -> n.topicConfigurations(
                t -> t.id("mp4").topicArn(TOPIC).events(Event.S3_OBJECT_CREATED).filter(f -> f.key(k -> k.filterRules(
                        r -> r.name("suffix").value(".mp4")))))));
        CLOUD.s3().putObject(b -> b.bucket("video-transcoded").key("clip/clip-720p.json"), RequestBody.fromString("{}"));
        CLOUD.s3().putObject(b -> b.bucket("video-transcoded").key("clip/clip 720p.mp4"), RequestBody.fromString("mp4"));

        await().atMost(Duration.ofSeconds(10)).until(() -> SNS.published.size() >= 2);
        assertThat(SNS.published.get(0)[2]).contains("s3:TestEvent");
        String[] event = SNS.published.get(1);
        assertThat(event[0]).isEqualTo(TOPIC);
        assertThat(event[1]).isEqualTo("Amazon S3 Notification");
        var record = S3EventNotification.fromJson(event[2]).getRecords().get(0);
        assertThat(URLDecoder.decode(record.getS3().getObject().getKey(), StandardCharsets.UTF_8)).isEqualTo("clip/clip 720p.mp4");
        assertThat(SNS.published).hasSize(2);
    }
}
