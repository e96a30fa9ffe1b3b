package io.videopipeline.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.PipelineTestApp;
import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.cli.PipelineRunner;
import io.videopipeline.cli.ProvisionCommand;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.localcloud.LocalCloudExtension;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.model.Subscription;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The aws profile against a fresh local cloud with both optional routes on — mails by SNS
 * ({@code pipeline.mail.transport=sns}) and report-job-state ({@code pipeline.job-events.enabled}): {@code provision}
 * alone makes what they use, the shipped routes then start and work, and a dry run afterwards plans nothing.
 *
 * <p>One flow covers both: an Elastic Transcoder "job failed" notification published to the job-events topic reaches
 * the job-events queue, report-job-state consumes it and send-mail publishes the failure mail to the mail topic,
 * whose email subscriber (the local cloud's SNS delivering to its SMTP server) receives it.
 */
class OptionalRoutesProvisionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final LocalCloudExtension cloud = new LocalCloudExtension(b -> b.builtInSns().smtp(0));

    @TempDir
    Path work;

    @Test
    void provisionMakesTheMailTopicAndTheJobEventsQueueTheRoutesUse() throws Exception {
        Map<String, String> settings = PipelineTestApp.testSettings(work);
        settings.put("pipeline.aws.endpoint-url", cloud.endpoint().toString());
        settings.put("pipeline.aws.region", cloud.region().id());
        settings.put("pipeline.aws.force-path-style", "true");
        settings.put("pipeline.aws.access-key", cloud.localCloud().accessKey());
        settings.put("pipeline.aws.secret-key", cloud.localCloud().secretKey());
        settings.put("pipeline.mail.transport", "sns");
        settings.put("pipeline.job-events.enabled", "true");
        settings.put("pipeline.provision.email-subscriptions", "ops@example.com");
        settings.put("pipeline.shutdown.grace-seconds", "2"); // nothing is in flight when the test stops the routes
        PipelineConfig config = PipelineConfig.load(Path.of("config"), "aws", Map.of(), settings);
        AwsSettings aws = AwsSettings.from(config);
        String mailTopic = "arn:aws:sns:us-east-1:000000000000:transcoded-video-mail";
        String jobTopic = "arn:aws:sns:us-east-1:000000000000:transcode-job-notifications";

        List<Change> changes = ProvisionCommand.run(config, aws, false);

        assertThat(changes).extracting(Change::toString).contains(
                "create topic " + mailTopic,
                "create topic " + jobTopic,
                "create subscription ops@example.com: email on transcoded-video-mail",
                "create subscription transcode-job-events: sqs arn:aws:sqs:us-east-1:000000000000:transcode-job-events"
                        + " on transcode-job-notifications (RawMessageDelivery false)");
        assertThat(changes).filteredOn(c -> c.kind().equals("queue")).extracting(Change::resource)
                .contains("transcode-job-events", "transcode-job-events-dlq");
        try (AwsClients clients = new AwsClients(aws)) {
            String dlqUrl = clients.sqs().getQueueUrl(r -> r.queueName("transcode-job-events-dlq")).queueUrl();
            String queueUrl = clients.sqs().getQueueUrl(r -> r.queueName("transcode-job-events")).queueUrl();
            assertThat(JSON.readTree(clients.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                    .get(QueueAttributeName.REDRIVE_POLICY)).get("deadLetterTargetArn").asText())
                    .isEqualTo("arn:aws:sqs:us-east-1:000000000000:transcode-job-events-dlq");
            assertThat(clients.sns().listSubscriptionsByTopic(r -> r.topicArn(mailTopic)).subscriptions())
                    .extracting(Subscription::protocol, Subscription::endpoint)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("email", "ops@example.com"));

            PipelineRunner runner = new PipelineRunner(config, Path.of("routes"));
            try {
                runner.prepare();
                Main main = runner.createMain(System.nanoTime());
                main.start();
                try {
                    assertThat(main.getCamelContext().getRouteController().getRouteStatus("report-job-state"))
                            .isEqualTo(ServiceStatus.Started);
                    clients.sns().publish(r -> r.topicArn(jobTopic).message(etJobFailed()));

                    MimeMessage mail = await().atMost(Duration.ofSeconds(60)).until(
                            () -> Arrays.stream(cloud.localCloud().mailServer().receivedMessages())
                                    .filter(m -> textOf(m).contains("1700000000000-abc123")).findFirst().orElse(null),
                            m -> m != null);
                    assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("ops@example.com");
                    // consumed: deleted from the queue, nothing dead-lettered
                    await().atMost(Duration.ofSeconds(30)).until(() -> messages(clients, queueUrl) == 0);
                    assertThat(messages(clients, dlqUrl)).isZero();
                } finally {
                    main.stop();
                }
            } finally {
                runner.close();
            }
        }

        assertThat(ProvisionCommand.run(config, aws, true)).as("provision --dry-run after provision").isEmpty();
    }

    /** What an Elastic Transcoder pipeline publishes when a job fails (its Notifications.Error topic). */
    private static String etJobFailed() {
        ObjectNode n = JSON.createObjectNode();
        n.put("state", "ERROR");
        n.put("version", "2012-09-25");
        n.put("jobId", "1700000000000-abc123");
        n.put("pipelineId", "1700000000000-pipeln");
        n.putObject("input").put("key", "uploads/clip.mov");
        n.put("errorCode", 4000);
        n.put("messageDetails", "4000 5d0b0c54: Amazon Elastic Transcoder could not interpret the media file.");
        n.putArray("outputs").addObject().put("id", "1").put("status", "Error")
                .put("statusDetail", "could not interpret the media file");
        return n.toString();
    }

    private static long messages(AwsClients clients, String queueUrl) {
        Map<QueueAttributeName, String> a = clients.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static String textOf(MimeMessage m) {
        try {
            Object content = m.getContent();
            return m.getSubject() + "\n" + (content instanceof String s ? s : String.valueOf(content));
        } catch (Exception e) {
            return "";
        }
    }
}
