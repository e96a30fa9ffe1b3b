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
 */
public record JobSettings(boolean enabled, JobRecordKeys recordKeys, Duration progressInterval, String topic) {
    public JobSettings {
        Objects.requireNonNull(recordKeys, "recordKeys");
        if (progressInterval == null || progressInterval.isNegative()) {
            throw new IllegalArgumentException("pipeline.jobs.progress-interval-seconds must be 0 or more");
        }
        topic = topic == null ? "" : topic.trim();
    }
}
