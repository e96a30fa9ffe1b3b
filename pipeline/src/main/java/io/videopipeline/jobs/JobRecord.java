package io.videopipeline.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the pipeline knows about the job of one upload: the {@code .job.json} object beside its renditions
 * ({@link JobRecordStore}). Times are ISO-8601 UTC strings; absent values are left out of the JSON.
 *
 * @param source     the upload: bucket, key, ETag, size
 * @param backend    {@code ffmpeg}, {@code elastictranscoder}, {@code mediaconvert}, {@code lambda}
 * @param jobId      the backend's job id
 * @param pipelineId the Elastic Transcoder pipeline or MediaConvert queue, if the backend has one
 * @param percent    0..100 of the source's duration encoded, while progressing (100 once complete)
 * @param etaSeconds estimated seconds left, while progressing
 * @param speed      encoding speed relative to real time, while progressing
 * @param attempts   attempts started for this upload (a redelivered or redriven message starts another)
 * @param outputs    the renditions written so far
 * @param effects    fan-out effects done, by name ({@code mail}, {@code acl}, {@code metadata}) with the time
 * @param reason     why the job failed (or warns)
 * @param parkedIn   the dead-letter queue its message was parked in
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobRecord(Source source, String backend, String jobId, String pipelineId, JobState state,
                        Double percent, Long etaSeconds, Double speed, int attempts, String started, String updated,
                        String finished, List<Output> outputs, Map<String, String> effects, String reason,
                        String parkedIn) {

    public JobRecord {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(state, "state");
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        effects = effects == null ? Map.of() : Map.copyOf(new TreeMap<>(effects));
    }

    /** The uploaded object a job transcodes; {@code uploaded} is its Last-Modified (ISO-8601), if known. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String bucket, String key, String eTag, Long size, String uploaded) {
        public Source {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(key, "key");
        }

        public Source(String bucket, String key, String eTag, Long size) {
            this(bucket, key, eTag, size, null);
        }
    }

    /**
     * One output written: a rendition, or a streaming package's master playlist or poster.
     *
     * @param effects fan-out effects done for this output, by name ({@code mail}, {@code acl}, {@code metadata})
     *                with the time; empty until a fan-out route records one
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String key, String preset, Long size, Double durationSeconds, Integer width,
                         Integer height, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> effects) {
        /**
         * The {@code preset} of a streaming package's master playlist, which stands for the whole package (its
         * variant playlists and segments are not listed), whichever backend wrote it.
         */
        public static final String PACKAGE_MASTER = "hls";
        /** The {@code preset} of a streaming package's poster. */
        public static final String PACKAGE_POSTER = "poster";

        public Output {
            Objects.requireNonNull(key, "key");
            effects = effects == null ? Map.of() : Map.copyOf(new TreeMap<>(effects));
        }

        public Output(String key, String preset, Long size, Double durationSeconds, Integer width, Integer height) {
            this(key, preset, size, durationSeconds, width, height, Map.of());
        }

        /** An output known only by the effect a fan-out route recorded for it (its writer has not said yet). */
        static Output of(String key) {
            return new Output(key, null, null, null, null, null);
        }

        Output withEffect(String effect, String now) {
            Map<String, String> all = new TreeMap<>(effects);
            all.putIfAbsent(effect, now); // a redelivered message does not move the time the effect was done
            return new Output(key, preset, size, durationSeconds, width, height, all);
        }

        /** This output as its writer describes it now, keeping what {@code earlier} said that this does not. */
        Output after(Output earlier) {
            Map<String, String> all = new TreeMap<>(earlier.effects);
            all.putAll(effects);
            return new Output(key, or(preset, earlier.preset), or(size, earlier.size),
                    or(durationSeconds, earlier.durationSeconds), or(width, earlier.width), or(height, earlier.height),
                    all);
        }

        private static <T> T or(T value, T earlier) {
            return value != null ? value : earlier;
        }
    }

    /** A new attempt's first record: Submitted, counting one more attempt than {@code previous} (may be null). */
    public static JobRecord submitted(Source source, String backend, String jobId, String pipelineId,
                                      JobRecord previous, String now) {
        int attempts = previous == null || !sameUpload(previous, source) ? 1 : previous.attempts + 1;
        return new JobRecord(source, backend, jobId, pipelineId, JobState.SUBMITTED, null, null, null, attempts,
                now, now, null, List.of(), Map.of(), null, null);
    }

    /** The failed attempt's message was moved back to its queue: Submitted again, same attempt, no reason. */
    public JobRecord redriven(String now) {
        return new JobRecord(source, backend, jobId, pipelineId, JobState.SUBMITTED, null, null, null, attempts,
                started, now, null, outputs, effects, null, null);
    }

    public JobRecord progressing(double percent, Long etaSeconds, Double speed, String now) {
        return new JobRecord(source, backend, jobId, pipelineId, JobState.PROGRESSING, percent, etaSeconds, speed,
                attempts, started, now, null, outputs, effects, null, null);
    }

    public JobRecord complete(List<Output> written, String now) {
        return new JobRecord(source, backend, jobId, pipelineId, JobState.COMPLETE, 100.0, 0L, speed, attempts,
                started, now, now, merge(outputs, written), effects, null, null);
    }

    /** The attempt ended with its renditions written but a warning (Elastic Transcoder's Warning state). */
    public JobRecord warning(String why, List<Output> written, String now) {
        return new JobRecord(source, backend, jobId, pipelineId, JobState.WARNING, 100.0, 0L, speed, attempts,
                started, now, now, merge(outputs, written), effects, why, null);
    }

    /** The attempt failed for good; {@code parkedIn} is the dead-letter queue, if the message went to one. */
    public JobRecord error(String why, String parkedIn, String now) {
        return new JobRecord(source, backend, jobId, pipelineId, JobState.ERROR, percent, null, null, attempts,
                started, now, now, outputs, effects, why, parkedIn);
    }

    /** A fan-out effect done (mail sent, ACL set, metadata written); the state stays. */
    public JobRecord withEffect(String effect, String now) {
        Map<String, String> all = new TreeMap<>(effects);
        all.put(effect, now);
        return new JobRecord(source, backend, jobId, pipelineId, state, percent, etaSeconds, speed, attempts,
                started, now, finished, outputs, all, reason, parkedIn);
    }

    /** An output as it is written, before the job completes; the state stays. */
    public JobRecord withOutput(Output output, String now) {
        return new JobRecord(source, backend, jobId, pipelineId, state, percent, etaSeconds, speed, attempts,
                started, now, finished, merge(outputs, List.of(output)), effects, reason, parkedIn);
    }

    /**
     * A fan-out effect done for one output ({@code outputKey}); the state stays. The output is listed if its writer
     * has not listed it yet (the fan-out can overtake the record's write of the output).
     */
    public JobRecord withEffect(String effect, String outputKey, String now) {
        List<Output> all = new ArrayList<>(outputs);
        int at = -1;
        for (int i = 0; i < all.size() && at < 0; i++) {
            at = all.get(i).key().equals(outputKey) ? i : -1;
        }
        if (at >= 0 && all.get(at).effects().containsKey(effect)) {
            return this; // done and recorded already: a redelivery changes nothing
        }
        if (at < 0) {
            all.add(Output.of(outputKey).withEffect(effect, now));
        } else {
            all.set(at, all.get(at).withEffect(effect, now));
        }
        return new JobRecord(source, backend, jobId, pipelineId, state, percent, etaSeconds, speed, attempts,
                started, now, finished, all, effects, reason, parkedIn);
    }

    /**
     * Whether this record may replace {@code current} (null: none yet). A newer attempt never goes back to an
     * older state, an older attempt never overwrites a newer one, and nothing replaces Complete or Warning: at-least-once
     * delivery, competing consumers and redrives all end in one record that only moves forward.
     * <ul>
     *   <li>another upload under the key (another ETag) starts over, with its Submitted;</li>
     *   <li>outputs and effects may be added to the record in any state, Complete included: the same attempt in the
     *       same state, finished at the same time, is the same record with more said about it;</li>
     *   <li>Complete (or Warning, complete with something to say) of any attempt of this upload wins over anything
     *       but those two (its renditions exist);</li>
     *   <li>a later attempt replaces an earlier one's record; the earlier attempt's writes are refused;</li>
     *   <li>within an attempt the state only moves forward, and a terminal state is final but for a redrive, which
     *       puts a failed attempt back to Submitted (a consumer's start always counts a new attempt).</li>
     * </ul>
     */
    public boolean supersedes(JobRecord current) {
        if (current == null) {
            return true;
        }
        if (!sameUpload(current, source)) {
            return state == JobState.SUBMITTED;
        }
        if (annotates(current)) {
            return true;
        }
        if (current.state.ready()) {
            return false;
        }
        if (state.ready()) {
            return true;
        }
        if (attempts != current.attempts) {
            return attempts > current.attempts;
        }
        if (current.state.terminal()) {
            return state == JobState.SUBMITTED; // only a redrive re-queues a failed attempt
        }
        return state.ordinal() >= current.state.ordinal();
    }

    private boolean annotates(JobRecord current) {
        return state == current.state && attempts == current.attempts && Objects.equals(finished, current.finished)
                && Objects.equals(reason, current.reason);
    }

    /** Whether this is the record of that upload (same bucket, key and ETag). */
    public boolean isOf(Source upload) {
        return sameUpload(this, upload);
    }

    private static boolean sameUpload(JobRecord record, Source source) {
        return record.source.bucket().equals(source.bucket()) && record.source.key().equals(source.key())
                && Objects.equals(record.source.eTag(), source.eTag());
    }

    private static List<Output> merge(List<Output> before, List<Output> added) {
        List<Output> all = new ArrayList<>(before);
        for (Output output : added) {
            int at = -1;
            for (int i = 0; i < all.size() && at < 0; i++) {
                at = all.get(i).key().equals(output.key()) ? i : -1;
            }
            if (at < 0) {
                all.add(output);
            } else {
                all.set(at, output.after(all.get(at)));
            }
        }
        return all;
    }
}
