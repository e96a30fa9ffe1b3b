package io.videopipeline.transcode.cloud;

import java.util.Objects;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * Settings of the {@code lambda} backend ({@code pipeline.lambda.*}).
 *
 * @param functionName   function name, name with alias or version ({@code transcode-video:live}) or ARN
 *                       ({@code pipeline.lambda.function}); required
 * @param invocationType {@code RequestResponse} (default: waits for the function and sees its errors) or
 *                       {@code Event} (asynchronous: Lambda queues the event and retries it itself; function errors
 *                       never reach the pipeline) ({@code pipeline.lambda.invocation-type})
 * @param awsRegion      region written into the synthesised S3 event's {@code awsRegion}
 *                       ({@code pipeline.aws.region}); null = us-east-1
 */
public record LambdaSettings(String functionName, InvocationType invocationType, String awsRegion) {

    public LambdaSettings {
        if (functionName == null || functionName.isBlank()) {
            throw new IllegalArgumentException("pipeline.lambda.function is empty: name the function to invoke "
                    + "(e.g. transcode-video)");
        }
        functionName = functionName.trim();
        invocationType = invocationType == null ? InvocationType.REQUEST_RESPONSE : invocationType;
        if (invocationType != InvocationType.REQUEST_RESPONSE && invocationType != InvocationType.EVENT) {
            throw new IllegalArgumentException("pipeline.lambda.invocation-type must be RequestResponse or Event, got "
                    + invocationType);
        }
        awsRegion = awsRegion == null || awsRegion.isBlank() ? "us-east-1" : awsRegion.trim();
    }

    /** Synchronous invocation of {@code functionName}, region us-east-1. */
    public static LambdaSettings of(String functionName) {
        return new LambdaSettings(functionName, InvocationType.REQUEST_RESPONSE, null);
    }

    /**
     * @param invocationType {@code RequestResponse} or {@code Event} as written in properties (case-insensitive);
     *                       blank = RequestResponse
     */
    public static LambdaSettings of(String functionName, String invocationType, String awsRegion) {
        InvocationType type = InvocationType.REQUEST_RESPONSE;
        if (invocationType != null && !invocationType.isBlank()) {
            type = null;
            for (InvocationType candidate : new InvocationType[] {InvocationType.REQUEST_RESPONSE, InvocationType.EVENT}) {
                if (candidate.toString().equalsIgnoreCase(invocationType.trim())) {
                    type = candidate;
                }
            }
            if (type == null) {
                throw new IllegalArgumentException("pipeline.lambda.invocation-type must be RequestResponse or Event, "
                        + "got '" + invocationType + "'");
            }
        }
        return new LambdaSettings(Objects.requireNonNull(functionName, "functionName"), type, awsRegion);
    }
}
