package io.videopipeline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.videopipeline.PipelineTestApp;
import jakarta.mail.Header;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A mail carries exactly the headers a mail needs, never what the exchange picked up on the way: notify-email's
 * consumer asks SQS for every system attribute (ApproximateReceiveCount, SenderId, SentTimestamp, ...), Camel
 * turns each into a message header, and camel-mail writes every non-Camel header into the mail, the SNS producer
 * turns them into message attributes. Real routes, real SQS/SNS of the local cloud, real SMTP (GreenMail).
 */
class MailHeadersTest {

    /** What jakarta.mail writes for a multipart/alternative mail, plus GreenMail's own trace headers. */
    private static final Set<String> SMTP_MAIL_HEADERS = Set.of("Return-Path", "Received", "Date", "From", "To",
            "Message-ID", "Subject", "MIME-Version", "Content-Type");

    @TempDir
    Path work;

    @Test
    void aMailSentBySmtpCarriesOnlyMailHeaders() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of(
                "pipeline.routes.enabled", "notify-email",
                "pipeline.mail.transport", "smtp"))) {
            putRendition(app, "hdr/hdr-720p.mp4");

            await().atMost(Duration.ofSeconds(60)).until(() -> app.mailServer().receivedMessages().length == 1);
            MimeMessage mail = app.mailServer().receivedMessages()[0];
            Set<String> names = new TreeSet<>();
            for (Header h : Collections.list(mail.getAllHeaders())) {
                names.add(h.getName());
            }
            assertThat(names).isEqualTo(new TreeSet<>(SMTP_MAIL_HEADERS));
            assertThat(mail.getSubject()).isEqualTo("Video ready: hdr-720p.mp4 (720p)");
        }
    }

    @Test
    void aMailPublishedToSnsCarriesNoMessageAttributes() throws Exception {
        try (PipelineTestApp app = PipelineTestApp.start(work, Map.of(
                "pipeline.routes.enabled", "notify-email",
                "pipeline.mail.transport", "sns",
                "pipeline.mail.sns-topic", "mail-headers-test"))) {
            // The mail topic's "email subscriber" is an SQS queue with raw delivery: SNS then hands over the
            // published message attributes as the SQS message's own attributes, so we can see every one.
            SnsClient sns = app.clients().sns();
            String topicArn = sns.createTopic(b -> b.name("mail-headers-test")).topicArn();
            String inbox = app.sqs().createQueue(b -> b.queueName("mail-headers-test-inbox")).queueUrl();
            String inboxArn = app.sqs().getQueueAttributes(b -> b.queueUrl(inbox)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(inboxArn)
                    .attributes(Map.of("RawMessageDelivery", "true")));

            putRendition(app, "hdr/hdr-1080p.mp4");

            AtomicReference<Message> published = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                List<Message> got = app.sqs().receiveMessage(b -> b.queueUrl(inbox).waitTimeSeconds(1)
                        .messageAttributeNames("All")).messages();
                if (!got.isEmpty()) {
                    published.set(got.get(0));
                }
                return published.get() != null;
            });
            assertThat(published.get().body()).contains("hdr-1080p.mp4");
            assertThat(published.get().messageAttributes()).isEmpty();
        }
    }

    /** A rendition as the transcoder writes it; its S3 event reaches notify-email through SNS and SQS. */
    private static void putRendition(PipelineTestApp app, String key) {
        app.s3().putObject(b -> b.bucket("video-transcoded").key(key).contentType("video/mp4")
                        .metadata(Map.of("source-bucket", "video-upload", "source-key", "hdr.mov", "preset",
                                key.substring(key.lastIndexOf('-') + 1, key.length() - 4))),
                RequestBody.fromString("not really a video"));
    }
}
