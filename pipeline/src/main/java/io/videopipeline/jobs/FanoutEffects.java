package io.videopipeline.jobs;

import io.videopipeline.event.ObjectEvent;
import io.videopipeline.logging.LogText;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Records in the upload's job record what a fan-out route did for one of its outputs (bean {@code fanoutEffects}):
 * called at the end of set-permissions, extract-metadata and notify-email, after their work succeeded.
 *
 * <p>The upload is found from the output's {@code source-key} user metadata, which every backend's encoder writes
 * (one HEAD per output): the output key alone does not name its source's extension, and its {@code source-etag}
 * tells an output of an earlier upload under the same key, which is not recorded in the newer upload's record. A
 * record is the job's story, not the job: an output without a source or a record, or a write that fails, is logged
 * and the route goes on.
 *
 * <p>The three routes finish an upload's three renditions within a moment of each other, nine effects that would
 * each cost a HEAD, a GET and a conditional PUT of the same record (and lose races to each other). So effects are
 * gathered for a short window ({@code pipeline.jobs.effects-gather-ms}) and written together: one HEAD per output,
 * one record change per upload. Each effect keeps the time it was done. The route does not wait for the write; what
 * is gathered when the runner stops is written as Camel stops ({@link #service()}), and a runner killed inside the
 * window loses those lines of the story, as it would lose a write it was making.
 */
public final class FanoutEffects {

    public static final Set<String> EFFECTS = Set.of("mail", "acl", "metadata");
    private static final Logger LOG = LoggerFactory.getLogger(FanoutEffects.class);
    /** a record write retries lost races for up to 30 s (JobRecordStore): let one under way finish */
    private static final Duration STOP_WAIT = Duration.ofSeconds(35);

    private final S3Client s3;
    private final JobTracker tracker;
    private final Duration gather;
    private final List<Pending> pending = new ArrayList<>();
    private ScheduledExecutorService writer;

    /** Writes each effect at once, before {@link #done} returns. */
    public FanoutEffects(S3Client s3, JobTracker tracker) {
        this(s3, tracker, Duration.ZERO);
    }

    /**
     * @param tracker null when job records are off: nothing is recorded
     * @param gather  how long the first effect waits for others to be written with it; zero writes each at once
     */
    public FanoutEffects(S3Client s3, JobTracker tracker, Duration gather) {
        if (gather.isNegative()) {
            throw new IllegalArgumentException("the effects' gathering window must not be negative: " + gather);
        }
        this.s3 = s3;
        this.tracker = tracker;
        this.gather = gather;
    }

    /** {@code effect} was done for the object of {@code output} (an event of the transcoded bucket). */
    public void done(ObjectEvent output, String effect) {
        if (!EFFECTS.contains(effect)) {
            throw new IllegalArgumentException("unknown fan-out effect " + LogText.safe(effect) + ": one of " + EFFECTS);
        }
        if (tracker == null || !tracker.store().bucket().equals(output.bucket())) {
            return; // records only describe the transcoded bucket's outputs
        }
        Pending done = new Pending(output.bucket(), output.key(), effect, tracker.now());
        if (gather.isZero() || !gathered(done)) {
            record(List.of(done));
        }
    }

    /** Adds {@code done} to the window, opening one if none is; false when the writer is stopped. */
    private synchronized boolean gathered(Pending done) {
        if (writer == null) {
            return false;
        }
        if (pending.isEmpty()) {
            try {
                writer.schedule(this::flush, gather.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return false;
            }
        }
        pending.add(done);
        return true;
    }

    /** Writes what was gathered. */
    private void flush() {
        List<Pending> batch;
        synchronized (this) {
            batch = List.copyOf(pending);
            pending.clear();
        }
        if (!batch.isEmpty()) {
            try {
                record(batch);
            } catch (RuntimeException e) { // never let the writer's thread die with the next windows unwritten
                LOG.warn("Not recording {} fan-out effects in their job records: {}", batch.size(),
                        LogText.safe(e.toString()));
            }
        }
    }

    /** One HEAD per output, then one record change per upload. */
    private void record(List<Pending> batch) {
        Map<String, List<Pending>> byOutput = new LinkedHashMap<>();
        batch.forEach(done -> byOutput.computeIfAbsent(done.key(), k -> new ArrayList<>()).add(done));
        Map<List<String>, List<JobTracker.EffectDone>> byUpload = new LinkedHashMap<>();
        byOutput.forEach((key, effects) -> {
            Map<String, String> source = sourceOf(effects.get(0));
            if (source != null) {
                List<JobTracker.EffectDone> upload = byUpload.computeIfAbsent(Arrays.asList(
                        source.get(RenditionMetadata.SOURCE_KEY), source.get(RenditionMetadata.SOURCE_ETAG)),
                        k -> new ArrayList<>());
                effects.forEach(done -> upload.add(new JobTracker.EffectDone(key, done.effect(), done.at())));
            }
        });
        byUpload.forEach((upload, effects) -> tracker.effectsDone(upload.get(0), upload.get(1), effects));
    }

    /** The output's user metadata naming its upload, or null (logged) if it names none or cannot be read. */
    private Map<String, String> sourceOf(Pending output) {
        Map<String, String> metadata;
        try {
            metadata = SourceMetadata.decode(s3.headObject(b -> b.bucket(output.bucket()).key(output.key()))
                    .metadata());
        } catch (SdkException e) {
            LOG.warn("Not recording {} of s3://{}/{} in its job record: {}", output.effect(), output.bucket(),
                    LogText.safe(output.key()), LogText.safe(e.getMessage()));
            return null;
        }
        String sourceKey = metadata.get(RenditionMetadata.SOURCE_KEY);
        if (sourceKey == null || sourceKey.isEmpty()) {
            LOG.debug("s3://{}/{} names no source upload: {} not recorded", output.bucket(),
                    LogText.safe(output.key()), output.effect());
            return null;
        }
        return metadata;
    }

    /**
     * Its life in the Camel context, to add as a service: started, effects are gathered; stopped after the routes,
     * what is gathered is written and later effects are written at once. Not the bean itself, for the reason
     * {@code SqsAcknowledger.service()} gives.
     */
    public Service service() {
        return new Service() {
            @Override
            public void start() {
                FanoutEffects.this.open();
            }

            @Override
            public void stop() {
                FanoutEffects.this.close();
            }

            @Override
            public String toString() {
                return "FanoutEffects";
            }
        };
    }

    /** From now on effects are gathered (when the window is not zero). */
    public synchronized void open() {
        if (writer == null && !gather.isZero()) {
            ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
                Thread named = new Thread(r, "fanout-effects");
                named.setDaemon(true);
                return named;
            });
            thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() writes those itself
            writer = thread;
        }
    }

    /** Writes what is gathered; later effects are written at once. */
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = writer;
            writer = null;
        }
        if (stopping != null) {
            stopping.shutdown(); // a write under way ends; one waiting for its window is written here instead
            try {
                if (!stopping.awaitTermination(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    LOG.warn("A job record write of the fan-out effects still runs after {} s", STOP_WAIT.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    private record Pending(String bucket, String key, String effect, String at) {
    }
}
