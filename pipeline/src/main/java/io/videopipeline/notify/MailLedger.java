package io.videopipeline.notify;

import io.videopipeline.logging.LogText;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.event.ObjectEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers which renditions have been mailed, so notify-email sends one mail per rendition although SQS
 * delivers at least once, S3 may notify twice and a crashed replica's message comes back (bean {@code mailLedger}).
 *
 * <p>An entry is an S3 marker object {@code {rendition key}.mailed} beside the rendition in the transcoded
 * bucket, with user metadata {@code rendition-etag}: a rendition counts as mailed when its marker exists with
 * the event's ETag (a rendition re-written with new content mails again). S3 rather than a local file because
 * every replica consuming the queue sees the same bucket; the marker's suffix is not {@code .mp4}, so it
 * notifies nobody (the topic's filter) and no route works on it. Keys whose marker would pass S3's 1024-byte
 * limit use {@code .mailed/{sha-256 of bucket/key}} instead.
 *
 * <p>Order: the route asks {@link #notMailed} before the mail and {@link #record}s the marker, as a step of its
 * own, only after the SMTP server (or SNS) accepted it; a failed marker write is retried in place like any step
 * (not Camel's idempotentConsumer, whose on-completion write cannot fail the exchange). Mail is therefore
 * <b>at-least-once</b>: a crash in the milliseconds between the server's acceptance and the marker PUT, or two
 * consumers handling duplicate notifications of one rendition at the same moment (contains-then-put is not
 * atomic), can send a second mail; it can never lose one (marking first would turn that window into a lost
 * mail instead).
 */
public final class MailLedger {
    public static final String SUFFIX = ".mailed";
    public static final String META_RENDITION_ETAG = "rendition-etag";
    private static final int MAX_KEY_BYTES = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(MailLedger.class);

    private final S3Client s3;

    public MailLedger(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3");
    }

    /** The marker's key for a rendition key. */
    public static String markerKey(String bucket, String key) {
        String beside = key + SUFFIX;
        if (beside.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES) {
            return beside;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((bucket + "/" + key).getBytes(StandardCharsets.UTF_8));
            return SUFFIX + "/" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** True unless this rendition's content (or, for an event without ETag, the rendition) has been mailed. */
    public boolean notMailed(ObjectEvent rendition) {
        boolean mailed = mailed(rendition);
        if (mailed) {
            LOG.info("Mail for s3://{}/{} (ETag {}) was sent before; not sending it again", rendition.bucket(),
                    LogText.safe(rendition.key()), eTagOf(rendition));
        }
        return !mailed;
    }

    /** True if this rendition's content (or, for an event without ETag, the rendition) has been mailed. */
    public boolean mailed(ObjectEvent rendition) {
        HeadObjectResponse head = S3Objects.headOrNull(s3, rendition.bucket(),
                markerKey(rendition.bucket(), rendition.key()));
        String eTag = eTagOf(rendition);
        return head != null && (eTag.isEmpty() || eTag.equals(head.metadata().get(META_RENDITION_ETAG)));
    }

    /**
     * Records that the mail for this rendition's content has been accepted (overwriting a marker of older content).
     * An S3 error propagates: the route retries this step, never the mail.
     */
    public void record(ObjectEvent rendition) {
        String eTag = eTagOf(rendition);
        s3.putObject(b -> b.bucket(rendition.bucket()).key(markerKey(rendition.bucket(), rendition.key()))
                        .contentType("text/plain; charset=UTF-8")
                        .metadata(Map.of(META_RENDITION_ETAG, eTag)),
                RequestBody.fromString("mail accepted at " + Instant.now() + " for ETag " + eTag + "\n"));
    }

    private static String eTagOf(ObjectEvent rendition) {
        return rendition.eTag() == null ? "" : rendition.eTag();
    }
}
