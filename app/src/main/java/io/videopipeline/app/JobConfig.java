package io.videopipeline.app;

import io.videopipeline.config.PipelineConfig;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobSettings;
import java.time.Duration;

/** The job records' settings ({@code pipeline.jobs.*}, see config/application.properties), read from the configuration. */
public final class JobConfig {

    private JobConfig() {
    }

    public static JobSettings settings(PipelineConfig config) {
        return new JobSettings(config.getBoolean("pipeline.jobs.enabled", true),
                config.parse("pipeline.jobs.record-key-pattern", JobRecordKeys.DEFAULT_PATTERN, JobRecordKeys::new),
                Duration.ofSeconds(config.getInt("pipeline.jobs.progress-interval-seconds", 5)),
                config.get("pipeline.jobs.topic", ""));
    }
}
