package io.videopipeline.localcloud.sns;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Delivers notifications to subscribers off the caller's thread. A failed attempt is retried after each of the
 * configured back-off delays, then dropped with an error log: a Publish never fails because of a subscriber.
 */
final class SnsDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnsDelivery.class);
    static final String DEFAULT_EMAIL_SUBJECT = "AWS Notification Message";
    private static final String EMAIL_FROM = "no-reply@sns.amazonaws.com";

    private final SqsClient sqs;
    private final String smtpHost;
    private final int smtpPort;
    private final SnsEnvelope envelope;
    private final List<Duration> retryDelays;
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();

    SnsDelivery(SqsClient sqs, String smtpHost, int smtpPort, SnsEnvelope envelope, List<Duration> retryDelays) {
        this.sqs = sqs;
        this.smtpHost = smtpHost;
        this.smtpPort = smtpPort;
        this.envelope = envelope;
        this.retryDelays = List.copyOf(retryDelays);
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4, r -> {
            Thread t = new Thread(r, "sns-delivery-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // pending retries die with the service
        this.executor = pool;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** What a subscriber needs besides the message: a snapshot taken at publish time. */
    record Target(Subscription subscription, String topicDisplayName) {
    }

    void deliver(Notification n, Target target) {
        executor.execute(() -> attempt(n, target, 0));
    }

    private void attempt(Notification n, Target target, int attempt) {
        Subscription s = target.subscription();
        try {
            switch (s.protocol) {
                case "sqs" -> toSqs(n, s);
                case "email", "email-json" -> toEmail(n, target);
                case "http", "https" -> toHttp(n, s);
                default -> throw new IllegalStateException("Unsupported protocol " + s.protocol);
            }
            LOG.debug("Delivered message {} to {} subscription {}", n.messageId(), s.protocol, s.arn);
        } catch (Exception e) {
            if (attempt < retryDelays.size() && !executor.isShutdown()) {
                Duration delay = retryDelays.get(attempt);
                LOG.warn("Delivery of message {} to {} subscription {} failed (attempt {}), retrying in {} ms: {}",
                        n.messageId(), s.protocol, s.arn, attempt + 1, delay.toMillis(), e.toString());
                executor.schedule(() -> attempt(n, target, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                LOG.error("Giving up delivery of message {} to {} subscription {} after {} attempts: {}",
                        n.messageId(), s.protocol, s.arn, attempt + 1, e.toString());
            }
        }
    }

    private void toSqs(Notification n, Subscription s) {
        if (sqs == null) {
            throw new IllegalStateException("No SQS client configured for sqs subscriptions");
        }
        String message = n.messageFor("sqs");
        String queueUrl = queueUrl(s.endpoint);
        try {
            if (s.rawMessageDelivery()) {
                Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
                n.attributes().forEach((name, a) -> attributes.put(name, sqsAttribute(a)));
                sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message).messageAttributes(attributes));
            } else {
                sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(envelope.json(n, message, s.arn)));
            }
        } catch (QueueDoesNotExistException e) {
            queueUrls.remove(s.endpoint); // the queue may be re-created under a new URL
            throw e;
        }
    }

    private static MessageAttributeValue sqsAttribute(MessageAttribute a) {
        if ("Binary".equals(a.baseType())) {
            return MessageAttributeValue.builder().dataType(a.dataType())
                    .binaryValue(SdkBytes.fromByteArray(Base64.getDecoder().decode(a.binaryValue()))).build();
        }
        return MessageAttributeValue.builder().dataType(a.dataType()).stringValue(a.stringValue()).build();
    }

    /** arn:aws:sqs:region:account:name → the queue's URL, via GetQueueUrl (cached). */
    private String queueUrl(String queueArn) {
        return queueUrls.computeIfAbsent(queueArn, arn -> {
            String name = arn.substring(arn.lastIndexOf(':') + 1);
            return sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
        });
    }

    private void toEmail(Notification n, Target target) throws MessagingException, UnsupportedEncodingException {
        if (smtpHost == null) {
            throw new IllegalStateException("No SMTP server configured for email subscriptions");
        }
        Subscription s = target.subscription();
        String body;
        if ("email-json".equals(s.protocol)) {
            body = envelope.json(n, n.messageFor("email-json"), s.arn);
        } else {
            // The footer AWS appends to every email notification, pointing at our own Unsubscribe URL.
            body = n.messageFor("email") + "\n\n--\nIf you wish to stop receiving notifications from this topic, "
                    + "please click or visit the link below to unsubscribe:\n" + envelope.unsubscribeUrl(s.arn)
                    + "\n\nPlease do not reply directly to this email. If you have any questions or comments "
                    + "regarding this email, please contact us at https://aws.amazon.com/support\n";
        }
        Properties props = new Properties();
        props.put("mail.smtp.host", smtpHost);
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "10000");
        Session session = Session.getInstance(props);
        MimeMessage mail = new MimeMessage(session);
        String displayName = target.topicDisplayName();
        String personal = displayName == null || displayName.isBlank() ? "AWS Notifications" : oneLine(displayName);
        mail.setFrom(new InternetAddress(EMAIL_FROM, personal, "UTF-8"));
        mail.setRecipients(Message.RecipientType.TO, InternetAddress.parse(s.endpoint, true));
        String subject = n.subject() == null ? DEFAULT_EMAIL_SUBJECT : oneLine(n.subject());
        mail.setSubject(subject, "UTF-8");
        mail.setText(body, "UTF-8");
        Transport.send(mail);
    }

    private void toHttp(Notification n, Subscription s) throws IOException, InterruptedException {
        boolean raw = s.rawMessageDelivery();
        String message = n.messageFor(s.protocol);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(s.endpoint))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "text/plain; charset=UTF-8")
                .header("User-Agent", "Amazon Simple Notification Service Agent")
                .header("x-amz-sns-message-type", "Notification")
                .header("x-amz-sns-message-id", n.messageId())
                .header("x-amz-sns-topic-arn", n.topicArn())
                .header("x-amz-sns-subscription-arn", s.arn)
                .POST(HttpRequest.BodyPublishers.ofString(raw ? message : envelope.json(n, message, s.arn)));
        if (raw) {
            request.header("x-amz-sns-rawdelivery", "true");
        }
        HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " from the subscriber endpoint");
        }
    }

    /** Header values must stay on one line (no header injection through subjects or display names). */
    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
