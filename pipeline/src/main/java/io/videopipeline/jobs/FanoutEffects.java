package io.videopipeline.jobs;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.logging.LogText;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Records in the upload's job record what a fan-out route did for one of its outputs (bean {@code fanoutEffects}):
 * called at the end of set-permissions, extract-metadata and notify-email, after their work succeeded.
 *
 * <p>The upload is found from the output's {@code source-key} user metadata, which every backend's encoder writes
 * (one HEAD per effect): the output key alone does not name its source's extension, and its {@code source-etag}
 * tells an output of an earlier upload under the same key, which is not recorded in the newer upload's record. A
 * record is the job's story, not the job: an output without a source or a record, or a write that fails, is logged
 * and the route goes on.
 */
public final class FanoutEffects {

    public static final Set<String> EFFECTS = Set.of("mail", "acl", "metadata");
    private static final Logger LOG = LoggerFactory.getLogger(FanoutEffects.class);

    private final S3Client s3;
    private final JobTracker tracker;

    /** @param tracker null when job records are off: nothing is recorded */
    public FanoutEffects(S3Client s3, JobTracker tracker) {
        this.s3 = s3;
        this.tracker = tracker;
    }

    /** {@code effect} was done for the object of {@code output} (an event of the transcoded bucket). */
    public void done(ObjectEvent output, String effect) {
        if (!EFFECTS.contains(effect)) {
            throw new IllegalArgumentException("unknown fan-out effect " + LogText.safe(effect) + ": one of " + EFFECTS);
        }
        if (tracker == null || !tracker.store().bucket().equals(output.bucket())) {
            return; // records only describe the transcoded bucket's outputs
        }
        Map<String, String> metadata;
        try {
            metadata = SourceMetadata.decode(s3.headObject(b -> b.bucket(output.bucket()).key(output.key()))
                    .metadata());
        } catch (SdkException e) {
            LOG.warn("Not recording {} of s3://{}/{} in its job record: {}", effect, output.bucket(),
                    LogText.safe(output.key()), LogText.safe(e.getMessage()));
            return;
        }
        String sourceKey = metadata.get(RenditionMetadata.SOURCE_KEY);
        if (sourceKey == null || sourceKey.isEmpty()) {
            LOG.debug("s3://{}/{} names no source upload: {} not recorded", output.bucket(),
                    LogText.safe(output.key()), effect);
            return;
        }
        tracker.effectDone(sourceKey, metadata.get(RenditionMetadata.SOURCE_ETAG), effect, output.key());
    }
}
