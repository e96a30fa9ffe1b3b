package io.videopipeline.localcloud.et;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.videopipeline.logging.LogText;

/**
 * Runs submitted jobs on a small pool of workers ({@link EtJobRunner} does the media work):
 * {@code Submitted → Progressing → Complete | Error}, with {@code Timing}, {@code Input.DetectedProperties} and
 * per-output results, and the pipeline's notifications at each step. A {@code Paused} pipeline's jobs stay
 * {@code Submitted} until it is {@code Active} again.
 */
final class EtJobScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtJobScheduler.class);
    /** S3 user metadata names travel as header names: only token characters can be copied onto outputs. */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

    private final EtState state;
    private final EtPresets presets;
    private final EtJobRunner runner;
    private final EtJobNotifications notifications;
    private final ExecutorService workers;

    EtJobScheduler(EtState state, EtPresets presets, EtJobRunner runner, EtJobNotifications notifications, int workers) {
        this.state = state;
        this.presets = presets;
        this.runner = runner;
        this.notifications = notifications;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "local-elastictranscoder-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void schedule(String id) {
        try {
            workers.execute(() -> run(id));
        } catch (RejectedExecutionException e) {
            LOG.warn("Local Elastic Transcoder is shutting down; job {} stays Submitted", id);
        }
    }

    private void run(String id) {
        ObjectNode pipeline;
        ObjectNode snapshot;
        String inputKey;
        String prefix;
        List<EtJobRunner.Out> outs = new ArrayList<>();
        List<EtJobRunner.Playlist> playlists = new ArrayList<>();
        Map<String, String> objectMetadata = new LinkedHashMap<>();
        synchronized (state) {
            ObjectNode job = state.jobs.get(id);
            if (job == null || !EtJobStatus.SUBMITTED.of(job)) {
                return; // canceled meanwhile, or already run
            }
            pipeline = state.pipelines.get(job.path("PipelineId").asText());
            if (pipeline == null) {
                return; // deleted pipelines have no Submitted jobs; nothing sensible to do
            }
            if ("Paused".equals(pipeline.path("Status").asText())) {
                return; // resumed by UpdatePipelineStatus Active
            }
            pipeline = pipeline.deepCopy();
            EtState.setStatus(job, EtJobStatus.PROGRESSING);
            ((ObjectNode) job.path("Timing")).put("StartTimeMillis", System.currentTimeMillis());
            state.persist();
            snapshot = job.deepCopy();
            inputKey = job.path("Input").path("Key").asText();
            prefix = job.path("OutputKeyPrefix").asText("");
            Map<String, Integer> byKey = new LinkedHashMap<>();
            for (JsonNode o : job.path("Outputs")) {
                String presetId = o.path("PresetId").asText();
                String segment = o.path("SegmentDuration").asText("");
                String pattern = o.path("ThumbnailPattern").asText("");
                byKey.put(o.path("Key").asText(), outs.size());
                outs.add(new EtJobRunner.Out(prefix + o.path("Key").asText(), presets.find(presetId).orElseThrow(),
                        segment.isEmpty() ? null : EtPlaylists.seconds(segment),
                        pattern.isEmpty() ? null : prefix + pattern, presets.thumbnails(presetId)));
            }
            for (JsonNode p : job.path("Playlists")) {
                List<Integer> listed = new ArrayList<>();
                p.path("OutputKeys").forEach(k -> listed.add(byKey.get(k.asText())));
                playlists.add(new EtJobRunner.Playlist(prefix + p.path("Name").asText() + ".m3u8", listed));
            }
            job.path("UserMetadata").fields().forEachRemaining(e -> {
                if (HEADER_NAME.matcher(e.getKey()).matches()) {
                    objectMetadata.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText());
                }
            });
        }
        notifications.publish(pipeline, EtJobEvent.PROGRESSING, snapshot, null);
        try {
            List<EtJobRunner.Facts> facts = runner.run(id, pipeline.path("InputBucket").asText(), inputKey,
                    pipeline.path("OutputBucket").asText(), outs, playlists, objectMetadata,
                    detected -> detected(id, detected));
            synchronized (state) {
                ObjectNode job = state.jobs.get(id);
                JsonNode outputs = job.path("Outputs");
                for (int i = 0; i < facts.size(); i++) {
                    ObjectNode o = (ObjectNode) outputs.get(i);
                    EtJobRunner.Facts f = facts.get(i);
                    if (f.durationMillis() != null) {
                        o.put("Duration", Math.round(f.durationMillis() / 1000.0));
                        o.put("DurationMillis", f.durationMillis());
                    }
                    putIfNotNull(o, "Width", f.width());
                    putIfNotNull(o, "Height", f.height());
                    if (f.frameRate() != null) {
                        o.put("FrameRate", f.frameRate());
                    }
                    o.put("FileSize", f.fileSize());
                }
                EtState.setStatus(job, EtJobStatus.COMPLETE);
                ((ObjectNode) job.path("Timing")).put("FinishTimeMillis", System.currentTimeMillis());
                state.persist();
                snapshot = job.deepCopy();
            }
            LOG.info("Local Elastic Transcoder: job {} complete", id);
            notifications.publish(pipeline, EtJobEvent.COMPLETED, snapshot, null);
        } catch (EtJobRunner.Failure f) {
            fail(id, pipeline, f.error(), f.getMessage(), f.getCause());
        } catch (RuntimeException e) {
            fail(id, pipeline, EtJobError.INTERNAL_SERVICE_ERROR, e.toString(), e);
        }
    }

    private void detected(String id, EtJobRunner.Facts facts) {
        synchronized (state) {
            ObjectNode job = state.jobs.get(id);
            if (job == null) {
                return;
            }
            ObjectNode d = ((ObjectNode) job.path("Input")).putObject("DetectedProperties");
            putIfNotNull(d, "Width", facts.width());
            putIfNotNull(d, "Height", facts.height());
            if (facts.frameRate() != null) {
                d.put("FrameRate", facts.frameRate());
            }
            d.put("FileSize", facts.fileSize());
            if (facts.durationMillis() != null) {
                d.put("DurationMillis", facts.durationMillis());
            }
        }
    }

    private void fail(String id, ObjectNode pipeline, EtJobError error, String detail, Throwable cause) {
        ObjectNode snapshot;
        String statusDetail = error.statusDetail(id, detail);
        synchronized (state) {
            ObjectNode job = state.jobs.get(id);
            EtState.setStatus(job, EtJobStatus.ERROR);
            EtState.setStatusDetail(job, statusDetail);
            ((ObjectNode) job.path("Timing")).put("FinishTimeMillis", System.currentTimeMillis());
            state.persist();
            snapshot = job.deepCopy();
        }
        LOG.warn("Local Elastic Transcoder: job {} failed with {}: {}", id, error.code(), LogText.safe(detail),
                error == EtJobError.INTERNAL_SERVICE_ERROR ? cause : null);
        notifications.publish(pipeline, EtJobEvent.ERROR, snapshot, error);
    }

    private static void putIfNotNull(ObjectNode node, String field, Integer value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("Local Elastic Transcoder workers did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
