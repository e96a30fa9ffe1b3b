package io.videopipeline.transcode;

import io.videopipeline.logging.LogText;
import io.videopipeline.media.Preset;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.media.TranscodeFailedException;

import io.videopipeline.s3.ETags;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.event.ObjectEvent;
import org.slf4j.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether an upload event is work for the transcode-video route and, if so, which job:
 * only ObjectCreated events for keys the filter accepts, outputs named by {@link OutputKeys}. An event for any
 * bucket but the upload bucket is refused ({@link ForeignObjectException}, permanent).
 */
public final class TranscodePlanner {
    private static final Logger LOG = LoggerFactory.getLogger(TranscodePlanner.class);

    private final KeyFilter filter;
    private final OutputKeys outputKeys;
    private final List<Preset> presets;
    private final String outputBucket;
    private final String uploadBucket;
    private final S3Client s3;

    public TranscodePlanner(KeyFilter filter, OutputKeys outputKeys, List<Preset> presets, String uploadBucket,
                            String outputBucket) {
        this(filter, outputKeys, presets, uploadBucket, outputBucket, null);
    }

    /**
     * @param uploadBucket the only bucket whose objects are transcoded ({@code pipeline.buckets.upload})
     * @param s3 asked for the ETag of an event that has none (null: never asked)
     */
    public TranscodePlanner(KeyFilter filter, OutputKeys outputKeys, List<Preset> presets, String uploadBucket,
                            String outputBucket, S3Client s3) {
        this.uploadBucket = java.util.Objects.requireNonNull(uploadBucket, "uploadBucket");
        this.filter = filter;
        this.outputKeys = outputKeys;
        this.presets = List.copyOf(presets);
        this.outputBucket = outputBucket;
        this.s3 = s3;
    }

    /**
     * False, with one log line saying why, for events that are acknowledged without work.
     *
     * @throws ForeignObjectException the event names another bucket than the upload bucket
     */
    public boolean wanted(ObjectEvent event) {
        if (!uploadBucket.equals(event.bucket())) {
            throw new ForeignObjectException("transcode-video refuses s3://" + LogText.safe(event.bucket()) + "/"
                    + LogText.safe(event.key()) + ": only objects in the upload bucket '" + uploadBucket
                    + "' (pipeline.buckets.upload) are transcoded");
        }
        if (!event.isObjectCreated()) {
            LOG.info("Skipping {} of s3://{}/{}: only ObjectCreated events start a transcode",
                    event.eventName(), event.bucket(), LogText.safe(event.key()));
            return false;
        }
        Optional<String> rejection = filter.rejection(event.key());
        rejection.ifPresent(reason -> LOG.info("Skipping s3://{}/{}: {}", event.bucket(),
                LogText.safe(event.key()), reason));
        return rejection.isEmpty();
    }

    /**
     * The job for an event, with the object's current ETag read by HeadObject: the idempotency check
     * ({@link ExistingOutputs}) compares outputs with it. An event's own ETag is a stranger's word: missing in a
     * hand-made event (nothing ever matched, so every copy transcoded again), or made up (ten copies of one record
     * with ten ETags were ten transcodes). The object is what gets transcoded, so its ETag is the one that counts.
     *
     * @throws SourceMissingException if the object is gone
     */
    public TranscodeJob plan(ObjectEvent event) {
        if (s3 == null) {
            return outputKeys.jobFor(event, outputBucket, presets);
        }
        HeadObjectResponse head = current(event);
        return outputKeys.jobFor(event.withETag(ETags.unquote(head.eTag())), outputBucket, presets)
                .withUploaded(head.lastModified());
    }

    private HeadObjectResponse current(ObjectEvent event) {
        String where = "s3://" + event.bucket() + "/" + LogText.safe(event.key());
        HeadObjectResponse head;
        try {
            head = S3Objects.headOrNull(s3, HeadObjectRequest.builder().bucket(event.bucket()).key(event.key())
                    .versionId(event.versionId()).build());
        } catch (SdkException e) {
            throw new TranscodeFailedException("cannot read the ETag of " + where + ": " + e.getMessage(),
                    event.bucket(), event.key(), e);
        }
        if (head == null) { // the object or its bucket: the routes acknowledge a missing source by its type
            throw new SourceMissingException(where + " does not exist (deleted since the upload event?)",
                    event.bucket(), event.key(), null);
        }
        return head;
    }
}
