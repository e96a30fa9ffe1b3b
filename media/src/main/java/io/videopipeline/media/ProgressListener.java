package io.videopipeline.media;

import java.time.Duration;

/**
 * Receives progress of a running transcode, e.g. to extend an SQS message's visibility or publish a metric.
 * Called on the thread that reads ffmpeg's output: keep it quick and never throw (exceptions are logged and
 * ignored).
 */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = progress -> { };

    void onProgress(Progress progress);

    /**
     * @param jobId   the backend's job id
     * @param percent 0..100 of the probed source duration, or -1 if the duration is unknown
     * @param encoded media time encoded so far
     * @param speed   encoding speed relative to real time (2.0 = twice real time), or -1 if unknown
     * @param done    true for the last report of a successful run
     * @param outputBytes bytes of video encoded so far, all outputs together, or -1 if unknown: with the percent, what
     *                the outputs will weigh (the work after the encode, uploads above all, grows with it)
     */
    record Progress(String jobId, double percent, Duration encoded, double speed, boolean done, long outputBytes) {
        public Progress(String jobId, double percent, Duration encoded, double speed, boolean done) {
            this(jobId, percent, encoded, speed, done, -1);
        }
    }
}
