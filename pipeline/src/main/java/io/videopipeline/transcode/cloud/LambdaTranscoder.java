package io.videopipeline.transcode.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.videopipeline.s3.ETags;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import io.videopipeline.transcode.TranscodeResult;
import io.videopipeline.transcode.Transcoder;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The {@code lambda} backend: invokes a function with the upload's S3 event ({@link S3EventPayload}), so that an
 * existing S3-triggered transcoding function — the seed's {@code transcode-video} — keeps working while the
 * pipeline moves to queues. The function decides what it writes; the result lists the keys the pipeline expects.
 *
 * <ol>
 *   <li>Skip if every output already exists with {@code source-etag} = the job's ETag (the ffmpeg backend's
 *       rule).</li>
 *   <li>HeadObject on the source: a deleted upload fails with {@code SourceMissingException}; its size and ETag
 *       fill the event when the job lacks them.</li>
 *   <li>{@code Invoke} with {@code RequestResponse} (or {@code Event}, see {@link LambdaSettings}).</li>
 * </ol>
 *
 * <p>Errors:
 * <ul>
 *   <li>Function errors ({@code X-Amz-Function-Error: Unhandled} or {@code Handled}) fail the submit with the
 *       function's {@code errorType: errorMessage}. They are <b>permanent</b> — a function that throws on an
 *       event throws again on the same event — unless the error names throttling or an unavailable service
 *       (e.g. {@code ThrottlingException} as errorType, or boto3's "An error occurred (ThrottlingException)"),
 *       which is the function passing on a transient downstream failure.</li>
 *   <li>Lambda service errors: 429 ({@code TooManyRequestsException}), 409 ({@code ResourceConflictException}:
 *       function being updated) and 5xx are transient; others (function not found, access denied, payload too
 *       large, bad request) permanent.</li>
 * </ul>
 *
 * <p>Note on timeouts: a synchronous invoke holds the HTTP connection for the function's whole run; build the
 * {@code LambdaClient} with a socket/API-call timeout above the function's timeout, or a slow function looks like a
 * network failure and the SDK's retry invokes it a second time.
 */
public final class LambdaTranscoder implements Transcoder {

    public static final String BACKEND = "lambda";

    private static final Logger LOG = LoggerFactory.getLogger(LambdaTranscoder.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Error codes that mean "try again later" when a function passes them on. */
    private static final Set<String> TRANSIENT_FUNCTION_ERRORS = Set.of(
            "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
            "ProvisionedThroughputExceededException", "SlowDown", "ServiceUnavailable",
            "ServiceUnavailableException", "InternalFailure", "InternalError", "InternalServerErrorException");
    /** boto3's ClientError message: "An error occurred (ThrottlingException) when calling the CreateJob ...". */
    private static final Pattern BOTO_CODE = Pattern.compile("An error occurred \\(([A-Za-z.]+)\\)");

    private final LambdaClient lambda;
    private final S3Checks s3;
    private final LambdaSettings settings;
    private final Clock clock;

    public LambdaTranscoder(LambdaClient lambda, S3Client s3, LambdaSettings settings) {
        this(lambda, s3, settings, Clock.systemUTC());
    }

    LambdaTranscoder(LambdaClient lambda, S3Client s3, LambdaSettings settings, Clock clock) {
        this.lambda = Objects.requireNonNull(lambda, "lambda");
        this.s3 = new S3Checks(s3);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public TranscodeResult submit(TranscodeJob job) {
        String object = CloudText.s3Uri(job.inputBucket(), io.videopipeline.logging.LogText.safe(job.inputKey()));
        if (s3.alreadyTranscoded(job)) {
            LOG.info("Skipping {}: all {} outputs already exist for ETag {}", object, job.outputs().size(),
                    job.inputETag());
            return new TranscodeResult(BACKEND, "", List.of(), true);
        }
        HeadObjectResponse head = s3.source(job);
        long size = job.inputSize() != null ? job.inputSize()
                : head.contentLength() == null ? 0L : head.contentLength();
        String eTag = job.inputETag() != null ? job.inputETag() : ETags.unquote(head.eTag());
        String payload = S3EventPayload.json(settings.awsRegion(), job.inputBucket(), job.inputKey(), size, eTag,
                clock.instant());
        String function = settings.functionName();
        InvokeResponse response;
        try {
            response = lambda.invoke(InvokeRequest.builder()
                    .functionName(function)
                    .invocationType(settings.invocationType())
                    .payload(SdkBytes.fromUtf8String(payload))
                    .build());
        } catch (LambdaException e) {
            throw new CloudSubmitException("Lambda refused to invoke " + function + " for " + object + ": "
                    + e.getMessage(), job.inputBucket(), job.inputKey(), isTransient(e), e);
        } catch (SdkClientException e) {
            throw new CloudSubmitException("Lambda could not be reached to invoke " + function + " for " + object
                    + ": " + e.getMessage(), job.inputBucket(), job.inputKey(), true, e);
        } catch (SdkException e) {
            throw new CloudSubmitException("invoking " + function + " for " + object + " failed: " + e.getMessage(),
                    job.inputBucket(), job.inputKey(), e.retryable(), e);
        }
        String requestId = response.responseMetadata().requestId();
        if (response.functionError() != null) {
            FunctionError error = FunctionError.of(response.functionError(), response.payload());
            throw new CloudSubmitException("function " + function + " failed on " + object + " (" + error.kind()
                    + ", request " + requestId + "): " + error.describe(), job.inputBucket(), job.inputKey(),
                    error.isTransient(), null);
        }
        List<String> keys = job.outputs().stream().map(TranscodeOutput::key).toList();
        LOG.info("Invoked {} ({}) for {}: request {}, status {}", function, settings.invocationType(), object,
                requestId, response.statusCode());
        return new TranscodeResult(BACKEND, requestId, keys, false);
    }

    static boolean isTransient(LambdaException e) {
        int status = e.statusCode();
        return e.isThrottlingException() || status == 429 || status == 409 || status >= 500;
    }

    /** What the function reported: Lambda's error payload is {@code {"errorMessage", "errorType", ...}}. */
    record FunctionError(String kind, String errorType, String errorMessage) {

        static FunctionError of(String kind, SdkBytes payload) {
            String type = null;
            String message = null;
            if (payload != null) {
                String text = payload.asUtf8String();
                try {
                    JsonNode node = JSON.readTree(text);
                    if (node != null && node.isObject()) {
                        type = node.path("errorType").isValueNode() ? node.path("errorType").asText() : null;
                        message = node.path("errorMessage").isValueNode() ? node.path("errorMessage").asText() : null;
                    }
                } catch (IOException e) {
                    message = text.length() > 500 ? text.substring(0, 500) + "..." : text;
                }
            }
            return new FunctionError(kind, type, message);
        }

        boolean isTransient() {
            if (errorType != null && TRANSIENT_FUNCTION_ERRORS.contains(errorType)) {
                return true;
            }
            if (errorMessage != null) {
                Matcher m = BOTO_CODE.matcher(errorMessage);
                return m.find() && TRANSIENT_FUNCTION_ERRORS.contains(m.group(1));
            }
            return false;
        }

        String describe() {
            String type = errorType == null ? "(no errorType)" : errorType;
            String message = errorMessage == null ? "(no errorMessage)" : errorMessage;
            return io.videopipeline.logging.LogText.safe(type + ": " + message);
        }
    }
}
