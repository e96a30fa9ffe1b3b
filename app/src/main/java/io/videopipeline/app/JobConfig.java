package io.videopipeline.app;

import io.videopipeline.aws.AwsClients;
import io.videopipeline.config.ConfigurationError;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.event.S3EventIntake;
import io.videopipeline.jobs.FinishCalibration;
import io.videopipeline.jobs.JobEventPublisher;
import io.videopipeline.jobs.JobRecordStore;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.jobs.ParkedJobs;
import io.videopipeline.jobs.JobRecord;
import java.time.Clock;
import java.util.function.Consumer;
import io.videopipeline.jobs.JobRecordKeys;
import io.videopipeline.jobs.JobSettings;
import java.time.Duration;

/** The job records' settings ({@code pipeline.jobs.*}, see config/application.properties), read from the configuration. */
public final class JobConfig {

    private JobConfig() {
    }

    /** The job records and their event stream, or null when {@code pipeline.jobs.enabled} is false. */
    public static JobTracker tracker(PipelineConfig config, AwsClients aws) {
        return tracker(config, aws, record -> { });
    }

    /** The same, telling {@code stored} (metrics) about every record stored. */
    public static JobTracker tracker(PipelineConfig config, AwsClients aws, Consumer<JobRecord> stored) {
        JobSettings settings = settings(config);
        if (!settings.enabled()) {
            return null;
        }
        JobRecordStore store = new JobRecordStore(aws.s3(), config.require("pipeline.buckets.transcoded"),
                settings.recordKeys());
        JobEventPublisher events = settings.topic().isEmpty() ? null
                : JobEventPublisher.onFirstEvent(aws::sns, settings.topic(), store::keyFor);
        return new JobTracker(store, events, settings.progressInterval(), Clock.systemUTC(), stored,
                new FinishCalibration(settings.etaFinishFactor()));
    }

    /** What a dead letter of the transcode route does to its upload's record (parked, redriven). */
    public static ParkedJobs parkedJobs(PipelineConfig config, JobTracker tracker, S3EventIntake intake) {
        return new ParkedJobs(tracker, intake, java.util.List.of("transcode-video", "transcode-chunk"),
                config.require("pipeline.buckets.upload"));
    }

    public static JobSettings settings(PipelineConfig config) {
        try {
            return new JobSettings(config.getBoolean("pipeline.jobs.enabled", true),
                    config.parse("pipeline.jobs.record-key-pattern", JobRecordKeys.DEFAULT_PATTERN, JobRecordKeys::new),
                    Duration.ofSeconds(config.getInt("pipeline.jobs.progress-interval-seconds", 5)),
                    config.get("pipeline.jobs.topic", ""),
                    config.parse("pipeline.jobs.eta-finish-factor", String.valueOf(JobSettings.DEFAULT_ETA_FINISH_FACTOR),
                            Double::parseDouble));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError(e.getMessage(), e);
        }
    }
}
