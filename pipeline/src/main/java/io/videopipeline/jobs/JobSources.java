package io.videopipeline.jobs;

import io.videopipeline.transcode.TranscodeJob;

/** The upload a transcode job is for, as its job record names it. */
public final class JobSources {

    private JobSources() {
    }

    public static JobRecord.Source of(TranscodeJob job) {
        return new JobRecord.Source(job.inputBucket(), job.inputKey(), job.inputETag(), job.inputSize(),
                job.uploaded() == null ? null : job.uploaded().toString());
    }
}
