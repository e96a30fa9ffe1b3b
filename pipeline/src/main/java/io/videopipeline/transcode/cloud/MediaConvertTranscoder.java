package io.videopipeline.transcode.cloud;

import io.videopipeline.failure.AwsErrors;
import io.videopipeline.transcode.JobSources;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import io.videopipeline.transcode.TranscodeResult;
import io.videopipeline.transcode.Transcoder;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.mediaconvert.MediaConvertClient;
import software.amazon.awssdk.services.mediaconvert.model.BadRequestException;
import software.amazon.awssdk.services.mediaconvert.model.ConflictException;
import software.amazon.awssdk.services.mediaconvert.model.CreateJobRequest;
import software.amazon.awssdk.services.mediaconvert.model.CreateJobResponse;
import software.amazon.awssdk.services.mediaconvert.model.ForbiddenException;
import software.amazon.awssdk.services.mediaconvert.model.InternalServerErrorException;
import software.amazon.awssdk.services.mediaconvert.model.MediaConvertException;
import software.amazon.awssdk.services.mediaconvert.model.TooManyRequestsException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code mediaconvert} backend: submits one AWS Elemental MediaConvert job per upload
 * ({@link MediaConvertJobSpec} says what it contains) and returns; MediaConvert writes the renditions later, at
 * exactly the job's output keys ({@link MediaConvertDestination}), and their arrival in the output bucket drives
 * the rest of the pipeline as with any backend.
 *
 * <ol>
 *   <li>Skip if every output already exists with {@code source-etag} = the job's ETag (the ffmpeg backend's rule;
 *       MediaConvert itself cannot put that metadata on its outputs, so this recognises renditions written by
 *       ffmpeg — duplicate events for MediaConvert jobs are caught by the {@code ClientRequestToken} instead).</li>
 *   <li>HeadObject on the source: a deleted upload fails now with {@code SourceMissingException} instead of as a
 *       MediaConvert job error nobody watches.</li>
 *   <li>{@code CreateJob} on the client's endpoint (the regional one; no DescribeEndpoints).</li>
 * </ol>
 *
 * <p>Errors: {@code BadRequest}, {@code Forbidden}, {@code NotFound} (bad settings, role not passable, unknown
 * queue/template) are permanent; {@code TooManyRequests}, {@code InternalServerError}, {@code Conflict} and network
 * failures are transient (after the SDK's own retries). Presets or output keys MediaConvert cannot express are
 * permanent, before any request is sent.
 *
 * <p>Thread-safe if the clients are (AWS SDK clients are).
 */
public final class MediaConvertTranscoder implements Transcoder {

    public static final String BACKEND = "mediaconvert";

    private static final Logger LOG = LoggerFactory.getLogger(MediaConvertTranscoder.class);

    private final MediaConvertClient mediaConvert;
    private final S3Checks s3;
    private final MediaConvertSettings settings;
    private final JobTracker tracker;

    public MediaConvertTranscoder(MediaConvertClient mediaConvert, S3Client s3, MediaConvertSettings settings) {
        this(mediaConvert, s3, settings, null);
    }

    /**
     * @param tracker writes each job's Submitted record (MediaConvert's Job State Change events write the rest,
     *                {@link JobTracker#reported}); null: no records
     */
    public MediaConvertTranscoder(MediaConvertClient mediaConvert, S3Client s3, MediaConvertSettings settings,
                                  JobTracker tracker) {
        this.mediaConvert = Objects.requireNonNull(mediaConvert, "mediaConvert");
        this.s3 = new S3Checks(s3);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tracker = tracker;
    }

    @Override
    public TranscodeResult submit(TranscodeJob job) {
        String object = CloudText.s3Uri(job.inputBucket(), io.videopipeline.logging.LogText.safe(job.inputKey()));
        CreateJobRequest request;
        try {
            request = MediaConvertJobSpec.createJob(job, settings);
        } catch (IllegalArgumentException e) {
            throw new CloudSubmitException("cannot submit " + object + " to MediaConvert: " + e.getMessage(),
                    job.inputBucket(), job.inputKey(), false, e);
        }
        if (s3.alreadyTranscoded(job)) {
            LOG.info("Skipping {}: all {} outputs already exist for ETag {}", object, job.outputs().size(),
                    job.inputETag());
            return new TranscodeResult(BACKEND, "", List.of(), true);
        }
        s3.source(job);
        CreateJobResponse response;
        try {
            response = mediaConvert.createJob(request);
        } catch (MediaConvertException e) {
            throw new CloudSubmitException("MediaConvert refused the job for " + object + ": "
                    + e.getMessage(), job.inputBucket(), job.inputKey(), isTransient(e), e);
        } catch (SdkClientException e) {
            throw new CloudSubmitException("MediaConvert could not be reached for " + object + ": "
                    + e.getMessage(), job.inputBucket(), job.inputKey(), true, e);
        } catch (SdkException e) {
            throw new CloudSubmitException("MediaConvert job for " + object + " failed: " + e.getMessage(),
                    job.inputBucket(), job.inputKey(), e.retryable(), e);
        }
        String jobId = response.job() == null ? null : response.job().id();
        if (jobId == null || jobId.isEmpty()) {
            throw new CloudSubmitException("MediaConvert answered CreateJob for " + object + " without a job id",
                    job.inputBucket(), job.inputKey(), true, null);
        }
        List<String> keys = job.outputs().stream().map(TranscodeOutput::key).toList();
        LOG.info("Submitted {} to MediaConvert as job {}{}: {}", object, jobId,
                settings.jobTemplate() == null ? "" : " (template " + settings.jobTemplate() + ")",
                keys.stream().map(io.videopipeline.logging.LogText::safe).toList());
        if (tracker != null) {
            tracker.submitted(JobSources.of(job), BACKEND, jobId, settings.queue());
        }
        return new TranscodeResult(BACKEND, jobId, keys, false);
    }

    /** MediaConvert's documented errors, then status codes for anything newer. */
    static boolean isTransient(MediaConvertException e) {
        if (e instanceof TooManyRequestsException || e instanceof InternalServerErrorException
                || e instanceof ConflictException) {
            return true;
        }
        if (e instanceof BadRequestException || e instanceof ForbiddenException || AwsErrors.isMissing(e)) {
            return false;
        }
        int status = e.statusCode();
        return e.isThrottlingException() || status == 429 || status == 409 || status >= 500;
    }
}
