package io.videopipeline.notify;

import io.videopipeline.aws.S3Objects;
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
 * delivers at least once, S3 may notify twice and a crashed replica's message comes back.
 *
 * <p>The record is an S3 marker object {@code {rendition key}.mailed} beside the rendition in the transcoded
 * bucket, with user metadata {@code rendition-etag}: a rendition counts as mailed when its marker exists with
 * the event's ETag (a rendition re-written with new content mails again). S3 rather than a local file because
 * every replica consuming the queue sees the same bucket; the marker's suffix is not {@code .mp4}, so it
 * notifies nobody (the topic's filter) and no route works on it. Keys whose marker would pass S3's 1024-byte
 * limit use {@code .mailed/{sha-256 of bucket/key}} instead.
 *
 * <p>Order: the marker is written only after the SMTP server (or SNS) accepted the mail. Mail is therefore
 * <b>at-least-once</b>: a crash in the milliseconds between the server's acceptance and the marker PUT, or two
 * consumers handling duplicate notifications of one rendition at the same moment, can send a second mail;
 * it can never lose one (marking first would turn that window into a lost mail instead).
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

    /** True unless this rendition (bucket, key, ETag) has been mailed before. */
    public boolean notYetSent(ObjectEvent event) {
        HeadObjectResponse head = S3Objects.headOrNull(s3, event.bucket(), markerKey(event.bucket(), event.key()));
        if (head == null) {
            return true;
        }
        String markedETag = head.metadata().get(META_RENDITION_ETAG);
        boolean sameContent = event.eTag() == null || event.eTag().isEmpty() || event.eTag().equals(markedETag);
        if (sameContent) {
            LOG.info("Mail for s3://{}/{} (ETag {}) was sent before; not sending it again", event.bucket(),
                    io.videopipeline.transcode.LogText.safe(event.key()), event.eTag());
        }
        return !sameContent;
    }

    /** Records that the mail for this rendition has been accepted by the mail server. */
    public void markSent(ObjectEvent event) {
        String eTag = event.eTag() == null ? "" : event.eTag();
        s3.putObject(b -> b.bucket(event.bucket()).key(markerKey(event.bucket(), event.key()))
                        .contentType("text/plain; charset=UTF-8")
                        .metadata(Map.of(META_RENDITION_ETAG, eTag)),
                RequestBody.fromString("mail accepted at " + Instant.now() + " for ETag " + eTag + "\n"));
    }
}
