package io.videopipeline.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code pipeline.jobs.*} settings.
 *
 * @param enabled          whether job records and events are kept
 * @param recordKeys       where an upload's record goes in the transcoded bucket
 * @param progressInterval least time between two Progressing writes of one job
 * @param topic            the job event topic's name or ARN; blank: records only
 * @param etaFinishFactor  the factor on the ETA's estimate of the work after the encode until a job has finished;
 *                         then what finished jobs took sets it ({@link FinishCalibration})
 */
public record JobSettings(boolean enabled, JobRecordKeys recordKeys, Duration progressInterval, String topic,
                          double etaFinishFactor) {
    /** {@code pipeline.jobs.eta-finish-factor}'s default. */
    public static final double DEFAULT_ETA_FINISH_FACTOR = 3;

    public JobSettings(boolean enabled, JobRecordKeys recordKeys, Duration progressInterval, String topic) {
        this(enabled, recordKeys, progressInterval, topic, DEFAULT_ETA_FINISH_FACTOR);
    }

    public JobSettings {
        if (!(etaFinishFactor > 0)) {
            throw new IllegalArgumentException("pipeline.jobs.eta-finish-factor must be more than 0");
        }
        Objects.requireNonNull(recordKeys, "recordKeys");
        if (progressInterval == null || progressInterval.isNegative()) {
            throw new IllegalArgumentException("pipeline.jobs.progress-interval-seconds must be 0 or more");
        }
        topic = topic == null ? "" : topic.trim();
    }
}
