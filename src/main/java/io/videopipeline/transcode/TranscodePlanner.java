package io.videopipeline.transcode;

import io.videopipeline.event.ObjectEvent;
import org.slf4j.Logger;
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

    /**
     * @param uploadBucket the only bucket whose objects are transcoded ({@code pipeline.buckets.upload})
     */
    public TranscodePlanner(KeyFilter filter, OutputKeys outputKeys, List<Preset> presets, String uploadBucket,
                            String outputBucket) {
        this.uploadBucket = java.util.Objects.requireNonNull(uploadBucket, "uploadBucket");
        this.filter = filter;
        this.outputKeys = outputKeys;
        this.presets = List.copyOf(presets);
        this.outputBucket = outputBucket;
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

    public TranscodeJob plan(ObjectEvent event) {
        return outputKeys.jobFor(event, outputBucket, presets);
    }
}
