package io.videopipeline.transcode;

import io.videopipeline.jobs.JobRecord;

/** The upload a transcode job is for, as its job record names it (here, so that the jobs package needs no transcode job). */
public final class JobSources {

    private JobSources() {
    }

    public static JobRecord.Source of(TranscodeJob job) {
        return new JobRecord.Source(job.inputBucket(), job.inputKey(), job.inputETag(), job.inputSize(),
                job.uploaded() == null ? null : job.uploaded().toString());
    }
}
