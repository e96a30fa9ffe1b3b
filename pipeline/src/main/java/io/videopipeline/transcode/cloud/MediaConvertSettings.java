package io.videopipeline.transcode.cloud;

import software.amazon.awssdk.services.mediaconvert.model.StatusUpdateInterval;

/**
 * Settings of the {@code mediaconvert} backend ({@code pipeline.mediaconvert.*}). The endpoint and region are the
 * client's: build the {@code MediaConvertClient} with the regional endpoint
 * ({@code https://mediaconvert.<region>.amazonaws.com}; no DescribeEndpoints call is made).
 *
 * @param roleArn     IAM role MediaConvert assumes to read the input and write the outputs
 *                    ({@code pipeline.mediaconvert.role-arn}); required
 * @param queue       queue name or ARN ({@code pipeline.mediaconvert.queue}); null or blank = the account's
 *                    Default queue
 * @param jobTemplate job template name or ARN ({@code pipeline.mediaconvert.job-template}); null or blank = the
 *                    outputs are built inline from the presets. With a template, the job sends only the input and
 *                    the template decides outputs and their destination.
 * @param streaming   the HLS (CMAF) group and frame captures inline jobs also get, or null when streaming is off
 * @param statusUpdateInterval how often a running job sends its {@code STATUS_UPDATE} event with the percent done
 *                    ({@code pipeline.mediaconvert.status-update-interval}, the API's value: {@code SECONDS_10} …
 *                    {@code SECONDS_600})
 */
public record MediaConvertSettings(String roleArn, String queue, String jobTemplate, MediaConvertStreaming streaming,
                                   StatusUpdateInterval statusUpdateInterval) {

    /** MediaConvert's own default is a minute; a job record's percent moves a little more often than that. */
    public static final StatusUpdateInterval DEFAULT_STATUS_UPDATE_INTERVAL = StatusUpdateInterval.SECONDS_15;

    public MediaConvertSettings {
        if (roleArn == null || roleArn.isBlank()) {
            throw new IllegalArgumentException("pipeline.mediaconvert.role-arn is empty: MediaConvert needs an IAM "
                    + "role ARN (arn:aws:iam::ACCOUNT:role/NAME) that may read the upload and write the renditions");
        }
        roleArn = roleArn.trim();
        if (!roleArn.startsWith("arn:")) {
            throw new IllegalArgumentException("pipeline.mediaconvert.role-arn '" + roleArn
                    + "' is not an ARN; expected arn:aws:iam::ACCOUNT:role/NAME");
        }
        queue = blankToNull(queue);
        jobTemplate = blankToNull(jobTemplate);
        if (statusUpdateInterval == null || statusUpdateInterval == StatusUpdateInterval.UNKNOWN_TO_SDK_VERSION) {
            throw new IllegalArgumentException("pipeline.mediaconvert.status-update-interval must be one of "
                    + StatusUpdateInterval.knownValues());
        }
    }

    public MediaConvertSettings(String roleArn, String queue, String jobTemplate, MediaConvertStreaming streaming) {
        this(roleArn, queue, jobTemplate, streaming, DEFAULT_STATUS_UPDATE_INTERVAL);
    }

    /** Streaming off. */
    public MediaConvertSettings(String roleArn, String queue, String jobTemplate) {
        this(roleArn, queue, jobTemplate, null);
    }

    /** Inline outputs, Default queue, streaming off. */
    public static MediaConvertSettings of(String roleArn) {
        return new MediaConvertSettings(roleArn, null, null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
