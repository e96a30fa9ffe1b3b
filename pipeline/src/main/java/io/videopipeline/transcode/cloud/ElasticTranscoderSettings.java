package io.videopipeline.transcode.cloud;

import java.util.regex.Pattern;

/**
 * Settings of the {@code elastictranscoder} backend ({@code pipeline.elastictranscoder.*}).
 *
 * @param pipelineId   the Elastic Transcoder pipeline that runs the jobs (it decides the input and output buckets
 *                     and the SNS topics), e.g. {@code 1615428529755-icp0bp}
 * @param outputBucket the pipeline's output bucket, where the idempotency check looks for existing renditions
 *                     before a job is submitted
 * @param streaming    the HLS outputs and playlist jobs also get, or null when streaming is off
 */
public record ElasticTranscoderSettings(String pipelineId, String outputBucket, ElasticTranscoderStreaming streaming) {

    /** Elastic Transcoder ids: 13 digits (creation millis), a dash, 6 lower-case letters or digits. */
    private static final Pattern ID = Pattern.compile("\\d{13}-[0-9a-z]{6}");

    public ElasticTranscoderSettings {
        if (pipelineId == null || pipelineId.isBlank()) {
            throw new IllegalArgumentException("pipeline.elastictranscoder.pipeline-id is not set: the id of the"
                    + " Elastic Transcoder pipeline to submit jobs to, e.g. 1615428529755-icp0bp");
        }
        pipelineId = pipelineId.trim();
        if (!ID.matcher(pipelineId).matches()) {
            throw new IllegalArgumentException("pipeline.elastictranscoder.pipeline-id '" + pipelineId
                    + "' is not an Elastic Transcoder pipeline id (13 digits, '-', 6 letters/digits)");
        }
        if (outputBucket == null || outputBucket.isBlank()) {
            throw new IllegalArgumentException("pipeline.elastictranscoder.output-bucket is not set: the pipeline's"
                    + " output bucket, checked for existing renditions before a job is submitted");
        }
    }

    /** Streaming off: MP4 outputs only. */
    public ElasticTranscoderSettings(String pipelineId, String outputBucket) {
        this(pipelineId, outputBucket, null);
    }
}
