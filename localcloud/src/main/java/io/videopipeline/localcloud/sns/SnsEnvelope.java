package io.videopipeline.localcloud.sns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * The JSON document SNS delivers to SQS, HTTP/S and email-json subscribers, field for field and in AWS's order:
 * Type, MessageId, TopicArn, Subject (only when set), Message, Timestamp, SignatureVersion, Signature,
 * SigningCertURL, UnsubscribeURL, MessageAttributes (only when present). Printed like AWS prints it
 * ({@code "Type" : "Notification"}, two-space indent).
 *
 * <p>The signature is a real SHA1withRSA signature (SignatureVersion 1) over AWS's canonical string, made with a
 * key generated at start. No certificate for it is served, so consumers that verify signatures must skip that
 * check against the local cloud (as they must against LocalStack).
 */
final class SnsEnvelope {
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private final KeyPair keyPair;
    private final String signingCertUrl;
    private final String endpoint;

    /** @param endpoint the base URL clients reach SNS on, for SigningCertURL and UnsubscribeURL */
    SnsEnvelope(String endpoint) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.signingCertUrl = this.endpoint + "/SimpleNotificationService-local.pem";
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.keyPair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No RSA key generator in this JVM", e);
        }
    }

    String unsubscribeUrl(String subscriptionArn) {
        return endpoint + "/?Action=Unsubscribe&SubscriptionArn=" + subscriptionArn;
    }

    String json(Notification n, String message, String subscriptionArn) {
        String timestamp = TIMESTAMP.format(n.timestamp());
        ObjectNode doc = JSON.createObjectNode();
        doc.put("Type", "Notification");
        doc.put("MessageId", n.messageId());
        doc.put("TopicArn", n.topicArn());
        if (n.subject() != null) {
            doc.put("Subject", n.subject());
        }
        doc.put("Message", message);
        doc.put("Timestamp", timestamp);
        doc.put("SignatureVersion", "1");
        doc.put("Signature", sign(n, message, timestamp));
        doc.put("SigningCertURL", signingCertUrl);
        doc.put("UnsubscribeURL", unsubscribeUrl(subscriptionArn));
        if (!n.attributes().isEmpty()) {
            ObjectNode attributes = doc.putObject("MessageAttributes");
            for (Map.Entry<String, MessageAttribute> e : n.attributes().entrySet()) {
                ObjectNode a = attributes.putObject(e.getKey());
                a.put("Type", e.getValue().dataType());
                a.put("Value", e.getValue().value());
            }
        }
        try {
            return PRETTY.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write SNS envelope", e);
        }
    }

    /** AWS's canonical string for Notification messages: name/value lines in alphabetical order, Subject if set. */
    private String sign(Notification n, String message, String timestamp) {
        StringBuilder canonical = new StringBuilder();
        canonical.append("Message\n").append(message).append('\n');
        canonical.append("MessageId\n").append(n.messageId()).append('\n');
        if (n.subject() != null) {
            canonical.append("Subject\n").append(n.subject()).append('\n');
        }
        canonical.append("Timestamp\n").append(timestamp).append('\n');
        canonical.append("TopicArn\n").append(n.topicArn()).append('\n');
        canonical.append("Type\nNotification\n");
        try {
            Signature signature = Signature.getInstance("SHA1withRSA");
            signature.initSign(keyPair.getPrivate());
            signature.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign SNS message", e);
        }
    }
}
