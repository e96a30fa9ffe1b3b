package io.videopipeline.notify;

import io.videopipeline.s3.S3Objects;
import io.videopipeline.event.ObjectEvent;
import org.apache.camel.spi.IdempotentRepository;
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
 * delivers at least once, S3 may notify twice and a crashed replica's message comes back. It is the
 * {@link IdempotentRepository} of the route's {@code idempotentConsumer} (bean {@code mailLedger}).
 *
 * <p>An entry is an S3 marker object {@code {rendition key}.mailed} beside the rendition in the transcoded
 * bucket, with user metadata {@code rendition-etag}: a rendition counts as mailed when its marker exists with
 * the event's ETag (a rendition re-written with new content mails again). S3 rather than a local file because
 * every replica consuming the queue sees the same bucket; the marker's suffix is not {@code .mp4}, so it
 * notifies nobody (the topic's filter) and no route works on it. Keys whose marker would pass S3's 1024-byte
 * limit use {@code .mailed/{sha-256 of bucket/key}} instead. A repository key ({@link #keyOf}) names one
 * rendition's content: {@code bucket/key#eTag}.
 *
 * <p>Order: the route asks {@link #contains} before the mail and {@link #add}s the entry only after the SMTP
 * server (or SNS) accepted it (idempotentConsumer with {@code eager: false}). Mail is therefore
 * <b>at-least-once</b>: a crash in the milliseconds between the server's acceptance and the marker PUT, or two
 * consumers handling duplicate notifications of one rendition at the same moment (contains-then-put is not
 * atomic), can send a second mail; it can never lose one (marking first would turn that window into a lost
 * mail instead).
 */
public final class MailLedger implements IdempotentRepository {
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

    /** The repository key of a rendition event: {@code bucket/key#eTag} (eTag empty when the event has none). */
    public String keyOf(ObjectEvent event) {
        return new Entry(event.bucket(), event.key(), event.eTag() == null ? "" : event.eTag()).toString();
    }

    /** True if this rendition's content (or, for an event without ETag, the rendition) has been mailed. */
    @Override
    public boolean contains(String key) {
        Entry entry = Entry.parse(key);
        boolean mailed = recorded(entry);
        if (mailed) {
            LOG.info("Mail for s3://{}/{} (ETag {}) was sent before; not sending it again", entry.bucket(),
                    io.videopipeline.logging.LogText.safe(entry.key()), entry.eTag());
        }
        return mailed;
    }

    /** Records that the mail for this rendition has been accepted; false (and no write) if it already was. */
    @Override
    public boolean add(String key) {
        Entry entry = Entry.parse(key);
        if (recorded(entry)) {
            return false;
        }
        s3.putObject(b -> b.bucket(entry.bucket()).key(markerKey(entry.bucket(), entry.key()))
                        .contentType("text/plain; charset=UTF-8")
                        .metadata(Map.of(META_RENDITION_ETAG, entry.eTag())),
                RequestBody.fromString("mail accepted at " + Instant.now() + " for ETag " + entry.eTag() + "\n"));
        return true;
    }

    /** Forgets this rendition's mail: deletes its marker if the marker records this content; false if none did. */
    @Override
    public boolean remove(String key) {
        Entry entry = Entry.parse(key);
        if (!recorded(entry)) {
            return false;
        }
        s3.deleteObject(b -> b.bucket(entry.bucket()).key(markerKey(entry.bucket(), entry.key())));
        return true;
    }

    private boolean recorded(Entry entry) {
        HeadObjectResponse head = S3Objects.headOrNull(s3, entry.bucket(), markerKey(entry.bucket(), entry.key()));
        return head != null
                && (entry.eTag().isEmpty() || entry.eTag().equals(head.metadata().get(META_RENDITION_ETAG)));
    }

    /** An entry is final once {@link #add} wrote it: there is nothing pending to confirm. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** The ledger spans every bucket it is told about and lists none: forget mails by deleting .mailed objects. */
    @Override
    public void clear() {
        throw new UnsupportedOperationException("the mail ledger is kept as " + SUFFIX
                + " objects beside the renditions: delete those to forget mails");
    }

    @Override
    public void start() {
        // stateless: every entry lives in S3
    }

    @Override
    public void stop() {
        // stateless: every entry lives in S3
    }

    /** One rendition's content; the ETag is hex (and '-'), so the last '#' separates it from any key. */
    private record Entry(String bucket, String key, String eTag) {
        static Entry parse(String text) {
            int slash = text.indexOf('/');
            int hash = text.lastIndexOf('#');
            if (slash <= 0 || hash < slash) {
                throw new IllegalArgumentException("not a mail ledger key (bucket/key#eTag): " + text);
            }
            return new Entry(text.substring(0, slash), text.substring(slash + 1, hash), text.substring(hash + 1));
        }

        @Override
        public String toString() {
            return bucket + "/" + key + "#" + eTag;
        }
    }
}
