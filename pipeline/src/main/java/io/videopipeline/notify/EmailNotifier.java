package io.videopipeline.notify;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.SourceMetadata;
import io.videopipeline.logging.LogText;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.stream.OutputKind;
import io.videopipeline.stream.StreamKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The notify-email route's logic: which events deserve a mail, and the mail itself — one per
 * rendition, or (mode {@code per-source}) one per source once every rendition exists.
 */
public final class EmailNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(EmailNotifier.class);

    public enum Mode { PER_RENDITION, PER_SOURCE;
        public static Mode parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "per-rendition" -> PER_RENDITION;
                case "per-source" -> PER_SOURCE;
                default -> throw new IllegalArgumentException("pipeline.mail.mode must be per-rendition or per-source, not '"
                        + text + "'");
            };
        }
    }

    private final S3Client s3;
    private final LinkMaker links;
    private final RenditionMail mails;
    private final SourceCompletion completion;
    private final OutputKeys outputKeys;
    private final List<String> presetNames;
    private final String transcodedBucket;
    private final Mode mode;
    private final boolean streaming;

    /**
     * @param streaming whether every source also gets a streaming package ({@code pipeline.hls.enabled}): then the
     *                  per-source mail waits for its master playlist and links the stream and the poster
     */
    public EmailNotifier(S3Client s3, LinkMaker links, RenditionMail mails, OutputKeys outputKeys,
                         List<String> presetNames, String transcodedBucket, Mode mode, boolean streaming) {
        this.streaming = streaming;
        this.s3 = s3;
        this.links = links;
        this.mails = mails;
        this.completion = new SourceCompletion(s3);
        this.outputKeys = outputKeys;
        this.presetNames = List.copyOf(presetNames);
        this.transcodedBucket = transcodedBucket;
        this.mode = mode;
    }

    /**
     * Only new renditions (.mp4) and master playlists in the transcoded bucket; their .json metadata and the parts
     * of a streaming package never mail.
     */
    public boolean wanted(ObjectEvent event) {
        return event.isObjectCreated() && event.bucket().equals(transcodedBucket)
                && StreamKeys.kindOf(event.key()) != OutputKind.PACKAGE_PART;
    }

    /**
     * Whether this event is the one that mails. Per rendition: every MP4's, never a master's (that mode's mail
     * describes one downloadable file; the stream is announced by the per-source mail, which has every link). Per
     * source: only the designated output's ({@link SourceCompletion}: the master when {@code streaming}), so the
     * others are acknowledged without a mail and without a ledger entry.
     */
    public boolean sendsMail(ObjectEvent event) {
        boolean master = StreamKeys.isMaster(event.key());
        if (mode == Mode.PER_RENDITION) {
            if (master) {
                LOG.info("notify-email: s3://{}/{} is a stream's master playlist: per-rendition mails announce MP4s"
                        + " only (pipeline.mail.mode=per-source links the stream)", event.bucket(),
                        LogText.safe(event.key()));
            }
            return !master;
        }
        List<String> siblings = siblingsOf(rendition(event.bucket(), event.key()));
        if (master && !siblings.contains(event.key())) {
            LOG.info("notify-email: s3://{}/{} is a master playlist the per-source mail does not wait for"
                    + " (pipeline.hls.enabled=false, no source-key metadata, or not beside its source's renditions);"
                    + " no mail",
                    event.bucket(), LogText.safe(event.key()));
            return false;
        }
        // a key outside its own siblings is compose's to refuse (SourceCompletion.check)
        boolean designated = !siblings.contains(event.key()) || SourceCompletion.designated(siblings).equals(event.key());
        if (!designated) {
            LOG.debug("{}: another rendition's event sends the per-source mail", event.key());
        }
        return designated;
    }

    /**
     * The mail for an event that {@link #sendsMail}; per source, {@link SourceIncompleteException} (transient)
     * while a sibling rendition is missing.
     */
    public MailMessage compose(ObjectEvent event) {
        Rendition rendition = rendition(event.bucket(), event.key());
        if (mode == Mode.PER_RENDITION) {
            return mails.renditionReady(rendition);
        }
        List<String> siblings = siblingsOf(rendition);
        SourceCompletion.Decision decision = completion.check(event.bucket(), event.key(), siblings).orThrow();
        if (!decision.shouldSend()) {
            throw new IllegalStateException(event.key() + " is not the rendition whose event sends the per-source"
                    + " mail (" + decision.designated() + "): ask sendsMail first");
        }
        List<Rendition> all = new ArrayList<>();
        String master = null;
        for (String key : siblings) {
            if (StreamKeys.isMaster(key)) {
                master = key;
            } else {
                all.add(key.equals(event.key()) ? rendition : rendition(event.bucket(), key));
            }
        }
        return mails.sourceReady(all, master == null ? null : stream(event.bucket(), master));
    }

    /** The stream's links: its master playlist and, when the package has one, its poster. */
    private RenditionMail.Stream stream(String bucket, String master) {
        String poster = StreamKeys.posterKey(master);
        return new RenditionMail.Stream(master, links.linkFor(bucket, master),
                S3Objects.exists(s3, bucket, poster) ? links.linkFor(bucket, poster) : null);
    }

    /** The mail telling the owner that a cloud transcoder's job for their upload failed. */
    public MailMessage jobFailed(JobStateEvent event) {
        return mails.jobFailed(event.backend(), event.jobId(), event.sourceBucket(), event.sourceKey(), event.reason());
    }

    private List<String> siblingsOf(Rendition rendition) {
        String sourceKey = rendition.sourceKey();
        if (sourceKey.isEmpty()) {
            // a rendition of unknown origin mails alone; a stream of unknown origin has no renditions to announce
            return StreamKeys.isMaster(rendition.key()) ? List.of() : List.of(rendition.key());
        }
        List<String> keys = new ArrayList<>(presetNames.stream().map(p -> outputKeys.keyFor(sourceKey, p)).sorted()
                .toList());
        String master = streaming && !presetNames.isEmpty()
                ? StreamKeys.masterBeside(outputKeys.keyFor(sourceKey, presetNames.get(0)), presetNames.get(0)) : null;
        if (master != null) {
            keys.add(master);
        }
        return keys;
    }

    private Rendition rendition(String bucket, String key) {
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
        // the duration comes with the rendition (user metadata written by the transcoder), so every mail,
        // including the first one of a rendition, states it without waiting for extract-metadata
        return new Rendition(bucket, key, head.contentLength(), SourceMetadata.decode(head.metadata()),
                SourceMetadata.duration(head.metadata()), links.linkFor(bucket, key));
    }
}
