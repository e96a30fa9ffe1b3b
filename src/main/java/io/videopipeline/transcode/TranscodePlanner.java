package io.videopipeline.transcode;

import io.videopipeline.event.ObjectEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;

/**
 * Decides whether an upload event is work for the transcode-video route and, if so, which job:
 * only ObjectCreated events for keys the filter accepts, outputs named by {@link OutputKeys}.
 */
public final class TranscodePlanner {
    private static final Logger LOG = LoggerFactory.getLogger(TranscodePlanner.class);

    private final KeyFilter filter;
    private final OutputKeys outputKeys;
    private final List<Preset> presets;
    private final String outputBucket;

    public TranscodePlanner(KeyFilter filter, OutputKeys outputKeys, List<Preset> presets, String outputBucket) {
        this.filter = filter;
        this.outputKeys = outputKeys;
        this.presets = List.copyOf(presets);
        this.outputBucket = outputBucket;
    }

    /** False, with one log line saying why, for events that are acknowledged without work. */
    public boolean wanted(ObjectEvent event) {
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
