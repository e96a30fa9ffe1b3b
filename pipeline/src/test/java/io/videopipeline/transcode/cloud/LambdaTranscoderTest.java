package io.videopipeline.transcode.cloud;

import io.videopipeline.failure.FailureClassifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.videopipeline.s3.S3ProxyFixture;
import io.videopipeline.transcode.OutputKeys;
import io.videopipeline.media.PresetCatalog;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeResult;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotification;
import software.amazon.awssdk.eventnotifications.s3.model.S3EventNotificationRecord;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** The Lambda backend against a capturing stand-in Lambda endpoint and an in-test S3. */
class LambdaTranscoderTest {

    @RegisterExtension
    static final S3ProxyFixture S3 = new S3ProxyFixture();

    static final String IN = "video-upload";
    static final String OUT = "video-transcoded";
    static final String FUNCTION = "transcode-video";
    static final Instant NOW = Instant.parse("2025-01-02T03:04:05.678Z");

    static PresetCatalog catalog;

    CapturingHttpServer endpoint;
    LambdaClient client;

    @BeforeAll
    static void buckets() {
        catalog = PresetCatalog.load(Path.of("config/presets.yaml"));
        S3.createBucket(IN);
        S3.createBucket(OUT);
    }

    @BeforeEach
    void startEndpoint() throws Exception {
        endpoint = new CapturingHttpServer();
        endpoint.respond(r -> CapturingHttpServer.Response.json(200, "null")
                .withHeader("x-amzn-RequestId", "req-ok-1")
                .withHeader("X-Amz-Executed-Version", "$LATEST"));
        client = endpoint.configure(LambdaClient.builder()).httpClientBuilder(CapturingHttpServer.http()).build();
    }

    @AfterEach
    void stopEndpoint() {
        client.close();
        endpoint.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip.mov", "uploads/a/my holiday (1).mov", "uploads/ünï cödé 🎥/a+b=c&d%20e.mp4"})
    void invokesTheFunctionWithAnS3EventForTheObject(String key) {
        String eTag = upload(key);
        TranscodeJob job = new OutputKeys().jobFor(IN, key, null, null, OUT, catalog.presets());

        TranscodeResult result = transcoder(LambdaSettings.of(FUNCTION)).submit(job);

        assertThat(result.backend()).isEqualTo("lambda");
        assertThat(result.jobId()).isEqualTo("req-ok-1");
        assertThat(result.skipped()).isFalse();
        assertThat(result.outputsWritten()).containsExactlyElementsOf(
                job.outputs().stream().map(o -> o.key()).toList());
        assertThat(endpoint.requests()).hasSize(1);
        CapturingHttpServer.Request request = endpoint.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/2015-03-31/functions/transcode-video/invocations");
        assertThat(request.header("X-Amz-Invocation-Type")).isEqualTo("RequestResponse");

        S3EventNotification event = S3EventNotification.fromJson(request.body());
        assertThat(event.getRecords()).hasSize(1);
        S3EventNotificationRecord record = event.getRecords().get(0);
        assertThat(record.getEventVersion()).isEqualTo("2.1");
        assertThat(record.getEventSource()).isEqualTo("aws:s3");
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:Put");
        assertThat(record.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(record.getEventTime()).isEqualTo(NOW);
        assertThat(record.getS3().getBucket().getName()).isEqualTo(IN);
        assertThat(record.getS3().getBucket().getArn()).isEqualTo("arn:aws:s3:::video-upload");
        // Size and ETag were missing from the job: taken from HeadObject on the source.
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(5L);
        assertThat(record.getS3().getObject().getETag()).isEqualTo(eTag);
        // The key travels form-URL-encoded, as S3 sends it; both decoders the seed and the SDK use give it back.
        String wireKey = record.getS3().getObject().getKey();
        assertThat(wireKey).doesNotContain(" ").matches("[\\x21-\\x7e]+");
        assertThat(record.getS3().getObject().getUrlDecodedKey()).isEqualTo(key);
        assertThat(URLDecoder.decode(wireKey, StandardCharsets.UTF_8)).isEqualTo(key);
    }

    @Test
    void spaceIsPlusAndSlashStaysAsS3WritesIt() {
        assertThat(io.videopipeline.s3.S3EventRecord.encodeKey("a b/c+d ü.mov")).isEqualTo("a+b/c%2Bd+%C3%BC.mov");
    }

    @Test
    void jobSizeAndETagWinOverTheHead() {
        upload("k.mov");
        TranscodeJob job = new OutputKeys().jobFor(IN, "k.mov", 77L, "etag-from-event", OUT, catalog.presets());

        transcoder(LambdaSettings.of(FUNCTION)).submit(job);

        S3EventNotificationRecord record = S3EventNotification.fromJson(endpoint.requests().get(0).body())
                .getRecords().get(0);
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(77L);
        assertThat(record.getS3().getObject().getETag()).isEqualTo("etag-from-event");
    }

    @Test
    void eventInvocationIsAsynchronous() {
        upload("async.mov");
        endpoint.respond(r -> new CapturingHttpServer.Response(202, Map.of("x-amzn-RequestId", "req-async"), null));

        TranscodeResult result = transcoder(new LambdaSettings(FUNCTION + ":live", InvocationType.EVENT, "eu-west-1"))
                .submit(job("async.mov"));

        assertThat(result.jobId()).isEqualTo("req-async");
        CapturingHttpServer.Request request = endpoint.requests().get(0);
        assertThat(request.header("X-Amz-Invocation-Type")).isEqualTo("Event");
        assertThat(request.path()).isEqualTo("/2015-03-31/functions/transcode-video%3Alive/invocations");
        assertThat(S3EventNotification.fromJson(request.body()).getRecords().get(0).getAwsRegion())
                .isEqualTo("eu-west-1");
    }

    @Test
    void unhandledFunctionErrorIsPermanentWithTheFunctionsMessage() {
        upload("boom.mov");
        endpoint.respond(r -> CapturingHttpServer.Response.json(200,
                        "{\"errorMessage\":\"Cannot read properties of undefined (reading 'key')\","
                                + "\"errorType\":\"TypeError\",\"trace\":[\"TypeError: ...\"]}")
                .withHeader("X-Amz-Function-Error", "Unhandled")
                .withHeader("x-amzn-RequestId", "req-boom"));

        assertThatThrownBy(() -> transcoder(LambdaSettings.of(FUNCTION)).submit(job("boom.mov")))
                .isInstanceOf(CloudSubmitException.class)
                .hasMessageContaining("transcode-video")
                .hasMessageContaining("Unhandled")
                .hasMessageContaining("req-boom")
                .hasMessageContaining("TypeError: Cannot read properties of undefined (reading 'key')")
                .satisfies(e -> assertThat(FailureClassifier.isPermanent(e)).isTrue());
        assertThat(endpoint.requests()).hasSize(1); // a function error is an answer, not a failed call: no retry
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"errorMessage\":\"Rate exceeded\",\"errorType\":\"ThrottlingException\"}",
            "{\"errorMessage\":\"An error occurred (ThrottlingException) when calling the CreateJob operation: "
                    + "Rate exceeded\",\"errorType\":\"ClientError\"}"})
    void functionPassingOnThrottlingIsTransient(String payload) {
        upload("throttled.mov");
        endpoint.respond(r -> CapturingHttpServer.Response.json(200, payload)
                .withHeader("X-Amz-Function-Error", "Unhandled"));

        assertThatThrownBy(() -> transcoder(LambdaSettings.of(FUNCTION)).submit(job("throttled.mov")))
                .isInstanceOf(CloudSubmitException.class)
                .hasMessageContaining("Rate exceeded")
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isTrue());
    }

    @Test
    void lambdaThrottlingIsTransientAfterTheSdkRetries() {
        upload("busy.mov");
        endpoint.respond(r -> CapturingHttpServer.Response.json(429,
                        "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\","
                                + "\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}")
                .withHeader("x-amzn-ErrorType", "TooManyRequestsException"));

        assertThatThrownBy(() -> transcoder(LambdaSettings.of(FUNCTION)).submit(job("busy.mov")))
                .isInstanceOf(CloudSubmitException.class)
                .hasCauseInstanceOf(TooManyRequestsException.class)
                .satisfies(e -> assertThat(FailureClassifier.isTransient(e)).isTrue());
        assertThat(endpoint.requests()).hasSize(3);
    }

    @Test
    void unknownFunctionIsPermanent() {
        upload("nofn.mov");
        endpoint.respond(r -> CapturingHttpServer.Response.json(404,
                        "{\"Type\":\"User\",\"message\":\"Function not found: "
                                + "arn:aws:lambda:us-east-1:000000000000:function:transcode-video\"}")
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException"));

        assertThatThrownBy(() -> transcoder(LambdaSettings.of(FUNCTION)).submit(job("nofn.mov")))
                .isInstanceOf(CloudSubmitException.class)
                .hasCauseInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Function not found")
                .satisfies(e -> assertThat(FailureClassifier.isPermanent(e)).isTrue());
        assertThat(endpoint.requests()).hasSize(1);
    }

    @Test
    void missingSourceIsNotInvoked() {
        assertThatThrownBy(() -> transcoder(LambdaSettings.of(FUNCTION)).submit(job("never-uploaded.mov")))
                .isInstanceOf(SourceMissingException.class);
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void skipsWhenEveryOutputExistsForThisETag() {
        upload("done.mov");
        TranscodeJob job = new OutputKeys().jobFor(IN, "done.mov", 5L, "etag-done", OUT, catalog.presets());
        job.outputs().forEach(o -> S3.client().putObject(p -> p.bucket(OUT).key(o.key())
                .metadata(Map.of("source-etag", "etag-done")), RequestBody.fromString("mp4")));

        TranscodeResult result = transcoder(LambdaSettings.of(FUNCTION)).submit(job);

        assertThat(result.skipped()).isTrue();
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> LambdaSettings.of(" ")).hasMessageContaining("pipeline.lambda.function");
        assertThatThrownBy(() -> LambdaSettings.of("f", "DryRun", null))
                .hasMessageContaining("RequestResponse or Event");
        assertThat(LambdaSettings.of("f", "event", null).invocationType()).isEqualTo(InvocationType.EVENT);
        assertThat(LambdaSettings.of("f", "", null).invocationType()).isEqualTo(InvocationType.REQUEST_RESPONSE);
    }

    private LambdaTranscoder transcoder(LambdaSettings settings) {
        return new LambdaTranscoder(client, S3.client(), settings, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static TranscodeJob job(String key) {
        return new OutputKeys().jobFor(IN, key, 5L, "etag-x", OUT, catalog.presets());
    }

    /** Puts a 5-byte source and returns its ETag without quotes. */
    private static String upload(String key) {
        PutObjectResponse put = S3.client().putObject(p -> p.bucket(IN).key(key), RequestBody.fromString("video"));
        return put.eTag().replace("\"", "");
    }
}
