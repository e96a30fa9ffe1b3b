package io.videopipeline.localcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.Message;

/** S3 bucket notifications to SQS, configured and observed only through the AWS SDK. */
class LocalCloudNotificationTest {

    @RegisterExtension
    static final LocalCloudExtension CLOUD = new LocalCloudExtension();

    private static final String BUCKET = "video-upload";
    private static final String QUEUE = "video-upload-events";
    private String queueUrl;

    @BeforeEach
    void bucketAndQueue() {
        CLOUD.s3().createBucket(b -> b.bucket(BUCKET));
        queueUrl = CLOUD.createQueue(QUEUE);
    }

    @Test
    void configurationIsStoredReturnedAndAnnouncedWithATestEvent() {
        configure(queue("all-created", List.of(Event.S3_OBJECT_CREATED), "uploads/", ".mov"));

        var stored = CLOUD.s3().getBucketNotificationConfiguration(b -> b.bucket(BUCKET));
        assertThat(stored.queueConfigurations()).singleElement().satisfies(q -> {
            assertThat(q.id()).isEqualTo("all-created");
            assertThat(q.queueArn()).isEqualTo(CLOUD.queueArn(QUEUE));
            assertThat(q.events()).containsExactly(Event.S3_OBJECT_CREATED);
            assertThat(q.filter().key().filterRules()).extracting(FilterRule::name, FilterRule::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(FilterRuleName.PREFIX, "uploads/"),
                            org.assertj.core.groups.Tuple.tuple(FilterRuleName.SUFFIX, ".mov"));
        });

        String testEvent = receive(1).get(0).body();
        assertThat(testEvent).contains("\"Service\":\"Amazon S3\"").contains("\"Event\":\"s3:TestEvent\"")
                .contains("\"Bucket\":\"" + BUCKET + "\"").contains("\"RequestId\"").contains("\"HostId\"").contains("\"Time\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip.mov", "with space.mov", "a+b=c.mov", "비디오 파일 #1.mov", "uploads/2025/nested dir/clip (1).mov"})
    void putCopyAndMultipartEachNotifyWithTheKeyEncodedAsS3Does(String key) {
        configure(queue("created", List.of(Event.S3_OBJECT_CREATED), null, null));
        drainTestEvent();

        CLOUD.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("12345"));
        S3EventNotificationRecord put = record(receive(1).get(0));
        assertThat(put.getEventName()).isEqualTo("ObjectCreated:Put");
        assertThat(decodedKey(put)).isEqualTo(key);
        assertThat(put.getS3().getObject().getKey()).doesNotContain(" ");
        assertThat(put.getS3().getObject().getSizeAsLong()).isEqualTo(5L);
        assertThat(put.getS3().getObject().getETag()).isEqualTo("827ccb0eea8a706c4c34a16891f84e7b").doesNotContain("\"");
        assertThat(put.getEventVersion()).isEqualTo("2.1");
        assertThat(put.getEventSource()).isEqualTo("aws:s3");
        assertThat(put.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(put.getEventTime()).isNotNull();
        assertThat(put.getS3().getBucket().getName()).isEqualTo(BUCKET);
        assertThat(put.getS3().getBucket().getArn()).isEqualTo("arn:aws:s3:::" + BUCKET);
        assertThat(put.getS3().getConfigurationId()).isEqualTo("created");

        CLOUD.s3().copyObject(b -> b.sourceBucket(BUCKET).sourceKey(key).destinationBucket(BUCKET).destinationKey("copy/" + key));
        S3EventNotificationRecord copy = record(receive(1).get(0));
        assertThat(copy.getEventName()).isEqualTo("ObjectCreated:Copy");
        assertThat(decodedKey(copy)).isEqualTo("copy/" + key);
        assertThat(copy.getS3().getObject().getSizeAsLong()).isEqualTo(5L);

        String mpuKey = "mpu/" + key;
        String uploadId = CLOUD.s3().createMultipartUpload(b -> b.bucket(BUCKET).key(mpuKey)).uploadId();
        String eTag = CLOUD.s3().uploadPart(b -> b.bucket(BUCKET).key(mpuKey).uploadId(uploadId).partNumber(1),
                RequestBody.fromString("only part")).eTag();
        CLOUD.s3().completeMultipartUpload(b -> b.bucket(BUCKET).key(mpuKey).uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(eTag).build())));
        List<Message> mpu = receive(1);
        S3EventNotificationRecord complete = record(mpu.get(0));
        assertThat(complete.getEventName()).isEqualTo("ObjectCreated:CompleteMultipartUpload");
        assertThat(decodedKey(complete)).isEqualTo(mpuKey);
        assertThat(complete.getS3().getObject().getSizeAsLong()).isEqualTo(9L);

        assertThat(List.of(put, copy, complete)).extracting(r -> r.getS3().getObject().getSequencer())
                .doesNotHaveDuplicates().isSorted();
        assertNoMoreMessages();
    }

    @Test
    void prefixSuffixAndEventTypeFiltersSelectWhatIsDelivered() {
        String other = CLOUD.createQueue("renditions");
        configure(queue("uploads-mov", List.of(Event.S3_OBJECT_CREATED), "uploads/", ".mov"),
                QueueConfiguration.builder().id("only-copies").queueArn(CLOUD.queueArn("renditions"))
                        .events(Event.S3_OBJECT_CREATED_COPY).build());
        drainTestEvent();
        assertThat(receiveFrom(other, 1).get(0).body()).contains("s3:TestEvent");

        for (String key : List.of("uploads/a.mov", "uploads/a.mp4", "other/a.mov", "uploads.mov", "uploads/sub/b.mov")) {
            CLOUD.s3().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x"));
        }
        CLOUD.s3().copyObject(b -> b.sourceBucket(BUCKET).sourceKey("other/a.mov").destinationBucket(BUCKET).destinationKey("c.json"));

        List<String> keys = receive(2).stream().map(m -> decodedKey(record(m))).toList();
        assertThat(keys).containsExactlyInAnyOrder("uploads/a.mov", "uploads/sub/b.mov");
        List<Message> copies = receiveFrom(other, 1);
        assertThat(record(copies.get(0)).getEventName()).isEqualTo("ObjectCreated:Copy");
        assertThat(decodedKey(record(copies.get(0)))).isEqualTo("c.json");
        assertNoMoreMessages();
    }

    @Test
    void unknownDestinationIsRefusedLikeS3() {
        assertThatThrownBy(() -> configure(QueueConfiguration.builder().queueArn(CLOUD.queueArn("no-such-queue"))
                .events(Event.S3_OBJECT_CREATED).build()))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Unable to validate the following destination configurations");
                });
        assertThat(CLOUD.s3().getBucketNotificationConfiguration(b -> b.bucket(BUCKET)).queueConfigurations()).isEmpty();
    }

    @Test
    void configurationOfAnUnknownBucketIsNoSuchBucket() {
        assertThatThrownBy(() -> CLOUD.s3().getBucketNotificationConfiguration(b -> b.bucket("no-such-bucket")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket"));
    }

    private static QueueConfiguration queue(String id, List<Event> events, String prefix, String suffix) {
        List<FilterRule> rules = new ArrayList<>();
        if (prefix != null) {
            rules.add(FilterRule.builder().name(FilterRuleName.PREFIX).value(prefix).build());
        }
        if (suffix != null) {
            rules.add(FilterRule.builder().name(FilterRuleName.SUFFIX).value(suffix).build());
        }
        QueueConfiguration.Builder q = QueueConfiguration.builder().id(id).queueArn(CLOUD.queueArn(QUEUE)).events(events);
        if (!rules.isEmpty()) {
            q.filter(f -> f.key(k -> k.filterRules(rules)));
        }
        return q.build();
    }

    private static void configure(QueueConfiguration... queues) {
        CLOUD.s3().putBucketNotificationConfiguration(b -> b.bucket(BUCKET).notificationConfiguration(n -> n.queueConfigurations(queues)));
    }

    private void drainTestEvent() {
        assertThat(receive(1).get(0).body()).contains("s3:TestEvent");
    }

    private List<Message> receive(int count) {
        return receiveFrom(queueUrl, count);
    }

    private static List<Message> receiveFrom(String url, int count) {
        List<Message> messages = CLOUD.receiveMessages(url, count, Duration.ofSeconds(10));
        assertThat(messages).hasSize(count);
        return messages;
    }

    private void assertNoMoreMessages() {
        assertThat(CLOUD.sqs().receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
    }

    private static S3EventNotificationRecord record(Message message) {
        List<S3EventNotificationRecord> records = S3EventNotification.fromJson(message.body()).getRecords();
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static String decodedKey(S3EventNotificationRecord record) {
        return URLDecoder.decode(record.getS3().getObject().getKey(), StandardCharsets.UTF_8);
    }
}
