package io.videopipeline.transcode;

import java.util.List;

/**
 * What a backend did with a job.
 *
 * @param backend        backend name ({@code ffmpeg}, {@code mediaconvert}, ...)
 * @param jobId          the backend's job id (for asynchronous backends, the id to follow up on)
 * @param outputsWritten output keys written by this call (empty when skipped or when the backend writes later)
 * @param skipped        true if every output already existed for this exact source (same ETag): nothing was done
 */
public record TranscodeResult(String backend, String jobId, List<String> outputsWritten, boolean skipped) {
    public TranscodeResult {
        outputsWritten = List.copyOf(outputsWritten);
    }

    /**
     * The line routes/transcode-video.yaml logs for every job (the bench harness and operators read it). One
     * method, because each {@code ${body.x()}} in a Simple expression is a reflective call on a copy of the exchange
     * (four of them cost the routing bench about as much as the log line itself).
     */
    public String summary() {
        return backend + " job " + jobId + ": outputs written now " + outputsWritten
                + " (asynchronous backends write later), already done: " + skipped;
    }
}
