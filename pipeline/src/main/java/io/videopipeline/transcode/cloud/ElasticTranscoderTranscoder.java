package io.videopipeline.transcode.cloud;

import io.videopipeline.media.RenditionMetadata;

import io.videopipeline.failure.AwsErrors;
import io.videopipeline.transcode.JobSources;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.transcode.ExistingOutputs;
import io.videopipeline.logging.LogText;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import io.videopipeline.transcode.TranscodeResult;
import io.videopipeline.transcode.Transcoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.elastictranscoder.ElasticTranscoderClient;
import software.amazon.awssdk.services.elastictranscoder.model.AccessDeniedException;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobOutput;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobPlaylist;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobRequest;
import software.amazon.awssdk.services.elastictranscoder.model.CreateJobResponse;
import software.amazon.awssdk.services.elastictranscoder.model.IncompatibleVersionException;
import software.amazon.awssdk.services.elastictranscoder.model.JobInput;
import software.amazon.awssdk.services.elastictranscoder.model.LimitExceededException;
import software.amazon.awssdk.services.elastictranscoder.model.ValidationException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code elastictranscoder} backend: one {@code CreateJob} on the configured pipeline with one output per preset
 * ({@code PresetId} = the preset's {@code etPresetId}, {@code Key} = the job's output key, no
 * {@code OutputKeyPrefix}) — the request of the seed's {@code transcode-video} function. With streaming on
 * ({@link ElasticTranscoderStreaming}) the job also has HLS outputs in one {@code HLSv3} playlist, the master at
 * {@code {dir}{name}/{name}.m3u8}, and thumbnails {@code {dir}{name}/pictures/{name}-thumb-{count}} ({@link PackageKeys}). The pipeline decides the
 * buckets; the job's {@code UserMetadata} links it to its source ({@code source-bucket}, {@code source-key},
 * {@code source-etag}). The call returns once the job is queued; the renditions appear later.
 *
 * <p>AWS discontinued Elastic Transcoder on 2025-11-13; this backend is for ET-compatible endpoints such as the
 * local cloud's.
 *
 * <p><b>Idempotency</b>: before submitting, the outputs are looked up in the pipeline's output bucket
 * ({@link ExistingOutputs}); if all carry {@code source-etag} = the job's ETag the job is skipped (the local
 * cloud's Elastic Transcoder writes the job's user metadata onto its outputs; AWS's did not, so there the check
 * never matches and a repeated job fails with ET's "output already exists" instead).
 *
 * <p><b>Errors</b>: {@code ValidationException}, {@code ResourceNotFoundException}, {@code AccessDeniedException},
 * {@code IncompatibleVersionException} (and any other 4xx) are permanent; {@code LimitExceededException}, 429 and 5xx
 * and network failures are transient — after the SDK's own retries (configure the client with
 * {@code RetryMode.STANDARD}, as {@code AwsClients} does).
 *
 * <p>Thread-safe (the SDK client is).
 */
public final class ElasticTranscoderTranscoder implements Transcoder {

    public static final String BACKEND = "elastictranscoder";

    /** MPEG-TS segments and a playlist per output, the format every HLS player takes. */
    static final String HLS_FORMAT = "HLSv3";

    /** ET's limit on a user metadata value ("0-256 characters"). */
    static final int MAX_METADATA_VALUE = 256;

    private static final Logger LOG = LoggerFactory.getLogger(ElasticTranscoderTranscoder.class);

    private final ElasticTranscoderClient et;
    private final S3Client s3;
    private final ElasticTranscoderSettings settings;
    private final JobTracker tracker;

    public ElasticTranscoderTranscoder(ElasticTranscoderClient et, S3Client s3, ElasticTranscoderSettings settings) {
        this(et, s3, settings, null);
    }

    /**
     * @param tracker writes each job's Submitted record (ET's notifications write the rest, {@link JobTracker#reported});
     *                null: no records
     */
    public ElasticTranscoderTranscoder(ElasticTranscoderClient et, S3Client s3, ElasticTranscoderSettings settings,
                                       JobTracker tracker) {
        this.et = Objects.requireNonNull(et, "et");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tracker = tracker;
    }

    @Override
    public TranscodeResult submit(TranscodeJob job) {
        String object = "s3://" + job.inputBucket() + "/" + LogText.safe(job.inputKey());
        List<String> keys = job.outputs().stream().map(TranscodeOutput::key).toList();
        if (ExistingOutputs.allWrittenFor(s3, job, settings.outputBucket())) {
            LOG.info("Skipping {}: all {} outputs already exist in {} for ETag {}", object, keys.size(),
                    settings.outputBucket(), job.inputETag());
            return new TranscodeResult(BACKEND, null, List.of(), true);
        }
        CreateJobRequest request = request(job);
        CreateJobResponse response;
        try {
            response = et.createJob(request);
        } catch (SdkException e) {
            throw classify(e, job);
        }
        String jobId = response.job() == null ? null : response.job().id();
        LOG.info("Submitted {} to Elastic Transcoder pipeline {} as job {}: {}", object, settings.pipelineId(), jobId,
                keys.stream().map(LogText::safe).toList());
        if (tracker != null && jobId != null) {
            tracker.submitted(JobSources.of(job), BACKEND, jobId, settings.pipelineId());
        }
        // Nothing is written by this call: ET writes the outputs later (TranscodeResult.outputsWritten).
        return new TranscodeResult(BACKEND, jobId, List.of(), false);
    }

    CreateJobRequest request(TranscodeJob job) {
        List<CreateJobOutput> outputs = new ArrayList<>();
        for (TranscodeOutput output : job.outputs()) {
            String presetId = output.preset().etPresetId();
            if (presetId == null || presetId.isBlank()) {
                throw new ElasticTranscoderJobException("preset '" + output.preset().name() + "' has no etPresetId"
                        + " (config/presets.yaml): the elastictranscoder backend cannot use it", job.inputBucket(),
                        job.inputKey(), false, null, null);
            }
            outputs.add(CreateJobOutput.builder().key(output.key()).presetId(presetId).build());
        }
        CreateJobRequest.Builder request = CreateJobRequest.builder()
                .pipelineId(settings.pipelineId())
                .input(JobInput.builder().key(job.inputKey()).build());
        PackageKeys keys = settings.streaming() == null ? null : PackageKeys.of(job);
        if (keys != null) {
            request.playlists(streaming(keys, outputs));
        } else if (settings.streaming() != null) {
            LOG.warn("No HLS package for s3://{}/{}: the output keys are not {{dir}}{{name}}/{{name}}-{{preset}}.mp4",
                    job.inputBucket(), LogText.safe(job.inputKey()));
        }
        return request.outputs(outputs)
                .userMetadata(userMetadata(job))
                .build();
    }

    /**
     * Adds the HLS outputs ({@code {dir}{name}/hls/{output}}: ET writes {@code {output}.m3u8} and
     * {@code {output}00000.ts}…) and puts the thumbnail pattern on the first MP4 output (its preset's Thumbnails
     * settings decide format, interval and size); returns the playlist, whose {@code Name} {@code {dir}{name}/{name}}
     * makes the master {@code {dir}{name}/{name}.m3u8}.
     */
    private CreateJobPlaylist streaming(PackageKeys keys, List<CreateJobOutput> outputs) {
        ElasticTranscoderStreaming streaming = settings.streaming();
        outputs.set(0, outputs.get(0).toBuilder().thumbnailPattern(keys.thumbnails() + "-{count}").build());
        List<String> hlsKeys = new ArrayList<>();
        for (ElasticTranscoderStreaming.Output hls : streaming.outputs()) {
            String key = keys.hls() + hls.name();
            hlsKeys.add(key);
            outputs.add(CreateJobOutput.builder().key(key).presetId(hls.presetId())
                    .segmentDuration(String.valueOf(streaming.segmentDuration())).build());
        }
        return CreateJobPlaylist.builder().name(keys.base()).format(HLS_FORMAT).outputKeys(hlsKeys).build();
    }

    /**
     * {@code source-bucket}, {@code source-key}, {@code source-etag}. ET accepts only {@code 0-9 A-Z a-z},
     * space and {@code _.:/=+-%@} in values, at most 256 characters: the key is percent-encoded (UTF-8) beyond
     * {@code 0-9 A-Z a-z _.:/=-@} — space, {@code +} and {@code %} included, so {@code URLDecoder} and plain
     * percent-decoding both give it back, as for the ffmpeg backend's metadata. A key too long to fit is left
     * out (the job's {@code Input.Key} still names it).
     */
    Map<String, String> userMetadata(TranscodeJob job) {
        Map<String, String> metadata = new LinkedHashMap<>();
        putIfFits(metadata, RenditionMetadata.SOURCE_BUCKET, job.inputBucket());
        putIfFits(metadata, RenditionMetadata.SOURCE_KEY, metadataSafe(job.inputKey()));
        if (job.inputETag() != null && !job.inputETag().isEmpty()) {
            putIfFits(metadata, RenditionMetadata.SOURCE_ETAG, metadataSafe(job.inputETag()));
        }
        return metadata;
    }

    private static void putIfFits(Map<String, String> metadata, String name, String value) {
        if (value.length() <= MAX_METADATA_VALUE) {
            metadata.put(name, value);
        } else {
            LOG.warn("Leaving user metadata {} out of the Elastic Transcoder job: {} characters encoded, ET allows {}",
                    name, value.length(), MAX_METADATA_VALUE);
        }
    }

    /** Percent-encodes every UTF-8 byte outside {@code 0-9 A-Z a-z _ . : / = - @}. */
    static String metadataSafe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || "_.:/=-@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private ElasticTranscoderJobException classify(SdkException e, TranscodeJob job) {
        String object = "s3://" + job.inputBucket() + "/" + LogText.safe(job.inputKey());
        String where = "Elastic Transcoder CreateJob on pipeline " + settings.pipelineId() + " for " + object;
        if (e instanceof AwsServiceException aws) {
            String code = aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
            String reason = aws.awsErrorDetails() == null || aws.awsErrorDetails().errorMessage() == null
                    ? e.getMessage() : aws.awsErrorDetails().errorMessage();
            int status = aws.statusCode();
            String what;
            boolean transientFailure;
            if (AwsErrors.isMissing(e)) {
                what = "the pipeline or a preset does not exist";
                transientFailure = false;
            } else if (e instanceof ValidationException) {
                what = "the request was refused as invalid";
                transientFailure = false;
            } else if (e instanceof AccessDeniedException) {
                what = "access denied (check the credentials' elastictranscoder:CreateJob permission)";
                transientFailure = false;
            } else if (e instanceof IncompatibleVersionException) {
                what = "the endpoint does not speak API version 2012-09-25";
                transientFailure = false;
            } else if (e instanceof LimitExceededException || status == 429) {
                what = "throttled or over a limit, retry later";
                transientFailure = true;
            } else if (status >= 500) {
                what = "service error (HTTP " + status + "), retry later";
                transientFailure = true;
            } else {
                what = "refused (HTTP " + status + ")";
                transientFailure = false;
            }
            return new ElasticTranscoderJobException(where + " failed, " + what + ": " + code + ": " + reason,
                    job.inputBucket(), job.inputKey(), transientFailure, code, e);
        }
        // No answer from the service at all (connection refused, timeout) after the SDK's retries: may heal.
        return new ElasticTranscoderJobException(where + " failed, no answer from the service: " + e.getMessage(),
                job.inputBucket(), job.inputKey(), true, null, e);
    }
}
