package io.videopipeline.transcode;

import io.videopipeline.failure.AwsErrors;
import io.videopipeline.jobs.JobRecord;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.jobs.TrackedJob;
import io.videopipeline.logging.LogText;
import io.videopipeline.media.EncodeSlots;
import io.videopipeline.media.FfmpegProbe;
import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.FfmpegTools;
import io.videopipeline.media.MediaEncoder;
import io.videopipeline.media.Mp4Facts;
import io.videopipeline.media.ProgressListener;
import io.videopipeline.media.RenditionMetadata;
import io.videopipeline.media.SourceMetadata;
import io.videopipeline.media.SourceMissingException;
import io.videopipeline.s3.S3Objects;
import io.videopipeline.stream.StreamKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The default backend: transcodes with a local ffmpeg through the {@link MediaEncoder}, around which it keeps the
 * pipeline's own rules.
 *
 * <ol>
 *   <li><b>Idempotency first</b>: HeadObject on every output key; if all exist with user metadata
 *       {@code source-etag} equal to the job's ETag, the job was done before (SQS delivers at least once, S3 may
 *       notify twice) and is skipped without downloading anything. An output written for this upload by an
 *       earlier attempt that died before the rest is kept, not uploaded again.</li>
 *   <li>No rendition key may hold a rendition of another upload ({@code a/clip.mp4} and {@code a/clip.mov} share
 *       theirs): refused, or replaced if {@link KeyCollision} says so; checked before the download and again
 *       before the upload.</li>
 *   <li>The encoder's temp dir is named by a hash of the job, never by the key: keys may hold {@code ../}, NUL or
 *       CR/LF. A source deleted since the event fails as {@link SourceMissingException}.</li>
 *   <li>Outputs carry user metadata {@code source-bucket}, {@code source-key}, {@code source-etag}
 *       ({@link RenditionMetadata}) besides the encoder's {@code preset} and {@code duration-seconds}.</li>
 * </ol>
 *
 * <p>Metadata values travel as HTTP headers, so {@code source-key} is percent-encoded: every byte outside
 * printable ASCII, and {@code %}, {@code +} and space, become {@code %XX} (UTF-8). Both plain percent-decoding
 * and {@code URLDecoder} give the key back.
 *
 * <p>Thread-safe: concurrent consumers may share one instance; each job has its own temp dir and process.
 */
public final class FfmpegTranscoder implements Transcoder {

    public static final String BACKEND = "ffmpeg";

    private static final Logger LOG = LoggerFactory.getLogger(FfmpegTranscoder.class);

    private final S3Client s3;
    private final ProgressListener listener;
    private final MediaEncoder encoder;
    private final KeyCollision onCollision;
    private final JobTracker tracker;
    private final boolean streaming;
    /** Split-and-stitch across the fleet for long sources; null: every job is encoded here, whole. */
    private volatile ChunkedJobs chunked;

    public FfmpegTranscoder(S3Client s3, FfmpegSettings settings) {
        this(s3, settings, ProgressListener.NONE);
    }

    public FfmpegTranscoder(S3Client s3, FfmpegSettings settings, ProgressListener listener) {
        this(s3, settings, listener, KeyCollision.REFUSE);
    }

    /**
     * @throws IllegalStateException if ffmpeg or ffprobe cannot be run, or the work dir is not writable
     */
    public FfmpegTranscoder(S3Client s3, FfmpegSettings settings, ProgressListener listener,
                            KeyCollision onCollision) {
        this(s3, settings, listener, onCollision, null);
    }

    /**
     * @param tracker keeps each job's record and events (Submitted, Progressing with percent and ETA, Complete); null
     *                for none
     * @throws IllegalStateException if ffmpeg or ffprobe cannot be run, or the work dir is not writable
     */
    public FfmpegTranscoder(S3Client s3, FfmpegSettings settings, ProgressListener listener,
                            KeyCollision onCollision, JobTracker tracker) {
        this(s3, settings, listener, onCollision, tracker, EncodeSlots.unlimited());
    }

    /**
     * @param slots how many jobs run ffmpeg at once ({@code pipeline.transcode.parallel-encodes}); the other jobs in
     *              flight download, probe and upload meanwhile
     * @throws IllegalStateException if ffmpeg or ffprobe cannot be run, or the work dir is not writable
     */
    public FfmpegTranscoder(S3Client s3, FfmpegSettings settings, ProgressListener listener,
                            KeyCollision onCollision, JobTracker tracker, EncodeSlots slots) {
        this.tracker = tracker;
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.onCollision = Objects.requireNonNull(onCollision, "onCollision");
        this.listener = listener == null ? ProgressListener.NONE : listener;
        FfmpegTools.check(Objects.requireNonNull(settings, "settings"));
        this.encoder = new MediaEncoder(s3, settings, BACKEND, slots);
        this.streaming = settings.streaming().enabled();
    }

    MediaEncoder encoder() {
        return encoder;
    }

    /** Long sources are split and stitched by {@code jobs} from now on (set once, when the beans are wired). */
    void chunkWith(ChunkedJobs jobs) {
        this.chunked = jobs;
    }

    /** The record's {@code preset} of a streaming package's master playlist and of its poster. */
    static final String PACKAGE_MASTER = JobRecord.Output.PACKAGE_MASTER;
    static final String PACKAGE_POSTER = JobRecord.Output.PACKAGE_POSTER;

    @Override
    public TranscodeResult submit(TranscodeJob job) {
        String jobId = jobId(job);
        String object = "s3://" + job.inputBucket() + "/" + LogText.safe(job.inputKey());
        // first: a same-bytes upload under another key has the same ETag and would otherwise pass as done
        Map<String, HeadObjectResponse> heads = checkCollisions(job);
        if (uploadedBefore(job, heads)) {
            LOG.info("Skipping {} (job {}): all {} outputs already exist for ETag {}", object, jobId,
                    job.outputs().size(), job.inputETag());
            return new TranscodeResult(BACKEND, jobId, List.of(), true);
        }
        long started = System.nanoTime();
        Map<String, String> source = sourceMetadata(job);
        List<MediaEncoder.Output> outputs = job.outputs().stream()
                .map(o -> new MediaEncoder.Output(o.key(), o.preset(), source)).toList();
        TrackedJob tracked = tracker == null ? null : tracker.start(JobSources.of(job), BACKEND, jobId, null);
        PipelineSteps steps = new PipelineSteps(job, tracked, jobId, tracked != null);
        ProgressListener progress = tracked == null ? listener : p -> {
            listener.onProgress(p);
            tracked.onProgress(p);
        };
        MediaEncoder.Result result = encoder.encode(new MediaEncoder.Request(jobId, job.inputBucket(),
                job.inputKey(), job.inputSize(), job.outputBucket(), outputs, progress), steps);
        if (steps.distributed) {
            // the record stays Progressing: the chunks report progress, the stitch Complete (ChunkedJobs)
            return new TranscodeResult(BACKEND, jobId, List.of(), false);
        }
        List<String> written = result.written();
        String warning = warning(result.encoding());
        if (warning != null) {
            LOG.warn("Transcoded {} (job {}) with a warning: {}", object, jobId, warning);
        }
        if (tracked != null) {
            List<JobRecord.Output> listed = steps.outputs(result.input().duration());
            if (warning == null) {
                tracked.complete(listed);
            } else {
                tracked.warning(listed, warning);
            }
        }
        LOG.info("Transcoded {} (job {}) in {} ms: {}", object, jobId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                written.stream().map(LogText::safe).toList());
        return new TranscodeResult(BACKEND, jobId, written, false);
    }

    /** Longest piece of ffmpeg's own text quoted in a warning. */
    private static final int QUOTE_CHARS = 160;

    /**
     * What makes a job that wrote every rendition end in Warning rather than Complete, or null for nothing: decode
     * errors that ffmpeg survived. A damaged upload (a broken transfer, a bad sector, a truncated camera file)
     * often still decodes: the decoder conceals the broken macroblocks or skips the packets, ffmpeg exits 0, and
     * the renditions show smears or jumps where the source is damaged. That is what a user wants to know, and can
     * act on (upload the original again); nothing else in the job would tell them. Left out on purpose: a source
     * without audio and a rung left out because it would upscale are the pipeline working as documented on a valid
     * upload, and ffmpeg's mere warnings (a deprecated pixel format of the pictures, a queue flushed at the end)
     * come with clean sources too.
     */
    static String warning(io.videopipeline.media.FfmpegProcess.Outcome encoding) {
        if (encoding == null || encoding.errors() == 0) {
            return null;
        }
        String first = encoding.errorLines().isEmpty() ? "" : encoding.errorLines().get(0);
        if (first.length() > QUOTE_CHARS) {
            first = first.substring(0, QUOTE_CHARS) + "...";
        }
        return "the source is damaged: ffmpeg met " + encoding.errors() + " decode error"
                + (encoding.errors() == 1 ? "" : "s") + " and concealed them, so the renditions may show glitches"
                + " where the upload is broken (upload the original again to be sure)"
                + (first.isEmpty() ? "" : "; first: " + LogText.safe(first));
    }

    /** The pipeline's checks between the encoder's steps, and the outputs for the job record as they are stored. */
    private final class PipelineSteps implements MediaEncoder.Steps {
        private final TranscodeJob job;
        private final TrackedJob tracked;
        private final List<Long> sizes = new ArrayList<>();
        private final Map<String, JobRecord.Output> stored = new ConcurrentHashMap<>();
        private volatile Duration inputDuration;
        private final String jobId;
        private final boolean probes;
        /** the outputs' heads the collision check after the encode took, by key (null: missing) */
        private final Map<String, HeadObjectResponse> afterEncode = new HashMap<>();
        private volatile boolean distributed;

        PipelineSteps(TranscodeJob job, TrackedJob tracked) {
            this(job, tracked, null, tracked != null);
        }

        PipelineSteps(TranscodeJob job, TrackedJob tracked, String jobId, boolean probes) {
            this.job = job;
            this.tracked = tracked;
            this.jobId = jobId;
            this.probes = probes;
        }

        @Override
        public boolean distributed(Path input, FfmpegProbe.MediaInfo info) {
            ChunkedJobs jobs = chunked;
            if (jobId == null || jobs == null || !jobs.wants(info)) {
                return false;
            }
            jobs.distribute(job, jobId, info);
            distributed = true;
            return true;
        }

        @Override
        public void fetched(long bytes, Duration download, Duration probe) {
            if (tracked != null) {
                tracked.fetched(bytes, download, probe, job.outputs().size());
            }
        }

        @Override
        public void probed(Path input, FfmpegProbe.MediaInfo info) {
            inputDuration = info.duration();
            if (tracked != null) {
                tracked.probed(info.duration());
            }
        }

        @Override
        public void encoded(List<Path> files) {
            // another upload may have taken the keys while this one was encoding; alreadyStored, asked next about
            // each output, uses these heads rather than taking its own
            Map<String, HeadObjectResponse> heads = checkCollisions(job);
            synchronized (afterEncode) {
                afterEncode.putAll(heads);
            }
            for (Path file : files) {
                sizes.add(size(file));
            }
        }

        @Override
        public boolean wantsRenditionFacts() {
            return probes;
        }

        /** Renditions with their play time and size; of the streaming package, the master and the poster. */
        @Override
        public void stored(String key, MediaEncoder.Output output, Path file, Mp4Facts.Facts info) {
            JobRecord.Output listed;
            if (output != null) {
                Duration duration = info != null && info.duration() != null ? info.duration() : inputDuration;
                listed = new JobRecord.Output(key, output.preset().name(), size(file), seconds(duration),
                        info == null || info.width() <= 0 ? null : info.width(),
                        info == null || info.height() <= 0 ? null : info.height());
            } else if (StreamKeys.isMaster(key)) {
                listed = new JobRecord.Output(key, PACKAGE_MASTER, size(file), seconds(inputDuration), null, null);
            } else if (key.endsWith(StreamKeys.POSTER_SUFFIX)) {
                listed = new JobRecord.Output(key, PACKAGE_POSTER, size(file), null, null, null);
            } else {
                return; // a variant playlist, segment or other picture: the master stands for the package
            }
            stored.put(key, listed);
            if (tracked != null) {
                tracked.outputWritten(listed);
            }
        }

        /** The job's outputs for its record: renditions in preset order, then the package's master and poster. */
        List<JobRecord.Output> outputs(Duration duration) {
            List<JobRecord.Output> all = new ArrayList<>();
            for (int i = 0; i < job.outputs().size(); i++) {
                TranscodeOutput output = job.outputs().get(i);
                JobRecord.Output known = stored.get(output.key());
                all.add(known != null ? known : new JobRecord.Output(output.key(), output.preset().name(),
                        i < sizes.size() ? sizes.get(i) : null, seconds(duration), null, null));
            }
            stored.values().stream().filter(o -> o.preset().equals(PACKAGE_MASTER)).forEach(all::add);
            stored.values().stream().filter(o -> o.preset().equals(PACKAGE_POSTER)).forEach(all::add);
            return all;
        }

        private static Long size(Path file) {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return null; // only the record's figure is missing; the upload will say if the file is
            }
        }

        private static Double seconds(Duration duration) {
            return duration == null ? null : duration.toMillis() / 1000.0;
        }

        @Override
        public boolean alreadyStored(MediaEncoder.Output output) {
            boolean looked;
            HeadObjectResponse head;
            synchronized (afterEncode) {
                looked = afterEncode.containsKey(output.key());
                head = afterEncode.remove(output.key()); // once: a later question about the key looks again
            }
            if (!(looked ? ExistingOutputs.writtenFor(job, head) : ExistingOutputs.writtenFor(s3, job,
                    job.outputBucket(), new TranscodeOutput(output.preset(), output.key())))) {
                return false;
            }
            // written by an earlier attempt that died before the rest: leave it (and its notification) alone
            LOG.info("Keeping s3://{}/{}: written for this upload by an earlier attempt", job.outputBucket(),
                    LogText.safe(output.key()));
            return true;
        }

        @Override
        public RuntimeException failed(MediaEncoder.Step step, MediaEncoder.Output output, RuntimeException failure) {
            // NoSuchKey, NoSuchBucket, or another server's code for either
            if (step == MediaEncoder.Step.DOWNLOAD && failure.getCause() instanceof S3Exception e
                    && AwsErrors.isMissing(e)) {
                return new SourceMissingException("s3://" + job.inputBucket() + "/" + LogText.safe(job.inputKey())
                        + " does not exist (deleted since the upload event?): " + e.awsErrorDetails().errorCode(),
                        job.inputBucket(), job.inputKey(), e);
            }
            return failure;
        }
    }

    /**
     * The last step of a split-and-stitch job ({@link ChunkedJobs}): the outputs uploaded exactly as {@link #submit}
     * uploads them (same keys, metadata, collision check and kept renditions), then Complete on the job record.
     */
    void stitch(TranscodeJob job, String jobId, io.videopipeline.media.ChunkEncoder chunks,
                io.videopipeline.media.ChunkPlan plan, String work, FfmpegProbe.MediaInfo info) {
        checkCollisions(job);
        long started = System.nanoTime();
        List<MediaEncoder.Output> outputs = job.outputs().stream()
                .map(o -> new MediaEncoder.Output(o.key(), o.preset(), sourceMetadata(job))).toList();
        PipelineSteps steps = new PipelineSteps(job, null, null, tracker != null);
        steps.inputDuration = info.duration();
        MediaEncoder.Result result = chunks.stitch(new MediaEncoder.Request(jobId + "-stitch", job.inputBucket(),
                job.inputKey(), job.inputSize(), job.outputBucket(), outputs, null), plan, work, info, steps);
        reportStitched(job, jobId, steps.outputs(info.duration()));
        LOG.info("Stitched s3://{}/{} (job {}, {} chunks) in {} ms: {}", job.inputBucket(),
                LogText.safe(job.inputKey()), jobId, plan.count(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                result.written().stream().map(LogText::safe).toList());
    }

    /**
     * Whether this job uploaded everything already: every rendition written for this ETag and, streaming on, the
     * master playlist, which the package uploads last. Renditions alone are not enough: a job killed between its
     * MP4s and its package left them without the package, and its redelivery must still write it (it uploads only
     * what is missing). A stitch whose worker died after its uploads but before the record said Complete leaves
     * exactly this; its redelivery then only finishes the job ({@link #completeStitched}) instead of uploading (and
     * notifying) anything again.
     */
    boolean uploadedBefore(TranscodeJob job) {
        return ExistingOutputs.allWrittenFor(s3, job, job.outputBucket()) && packageUploadedBefore(job);
    }

    /** The same, from the outputs' heads taken already ({@link ExistingOutputs#heads}). */
    private boolean uploadedBefore(TranscodeJob job, Map<String, HeadObjectResponse> heads) {
        return heads.values().stream().allMatch(head -> ExistingOutputs.writtenFor(job, head))
                && packageUploadedBefore(job);
    }

    private boolean packageUploadedBefore(TranscodeJob job) {
        String master = masterOf(job);
        if (master == null) {
            return true;
        }
        return job.inputETag().equals(Optional.ofNullable(S3Objects.headOrNull(s3, job.outputBucket(), master))
                .map(h -> h.metadata().get(RenditionMetadata.SOURCE_ETAG)).orElse(null));
    }

    /**
     * Complete on the record of a job {@link #uploadedBefore} says is uploaded, its outputs listed from their heads
     * (sizes, the source's duration; no probed width and height, which only the stitch that wrote them had). A record
     * that says Complete for this job already is left alone: its event was published once.
     */
    void completeStitched(TranscodeJob job, String jobId, FfmpegProbe.MediaInfo info) {
        if (tracker == null) {
            return;
        }
        Optional<JobRecord> current = tracker.store().read(job.inputKey());
        if (current.isPresent() && jobId.equals(current.get().jobId())
                && current.get().state() == io.videopipeline.jobs.JobState.COMPLETE) {
            LOG.info("Job {} is uploaded and its record says Complete: nothing left to report", jobId);
            return;
        }
        Double seconds = info.duration() == null ? null : info.duration().toMillis() / 1000.0;
        List<JobRecord.Output> outputs = new ArrayList<>();
        for (TranscodeOutput output : job.outputs()) {
            outputs.add(new JobRecord.Output(output.key(), output.preset().name(), size(job, output.key()), seconds,
                    null, null));
        }
        String master = masterOf(job);
        if (master != null) {
            outputs.add(new JobRecord.Output(master, PACKAGE_MASTER, size(job, master), seconds, null, null));
            String poster = StreamKeys.posterKey(master);
            Long posterSize = size(job, poster);
            if (posterSize != null) {
                outputs.add(new JobRecord.Output(poster, PACKAGE_POSTER, posterSize, null, null, null));
            }
        }
        LOG.info("Job {} was uploaded by a stitch that did not report it: reporting Complete now", jobId);
        reportStitched(job, jobId, outputs);
    }

    /**
     * Complete on the record; a record that cannot be written fails the stitch before its work prefix goes, so that
     * its message comes back and {@link #completeStitched} finishes it.
     */
    private void reportStitched(TranscodeJob job, String jobId, List<JobRecord.Output> outputs) {
        if (tracker != null && !tracker.reported(new io.videopipeline.jobs.BackendReport(BACKEND, jobId, null,
                io.videopipeline.jobs.JobState.COMPLETE, 100.0, JobSources.of(job), outputs, null))) {
            // unclassified, so transient: the message comes back until the record store answers
            throw new IllegalStateException("cannot write Complete on the job record of s3://" + job.inputBucket()
                    + "/" + LogText.safe(job.inputKey()) + " (job " + jobId + ")");
        }
    }

    /** The HLS master a job's outputs get when streaming is on, or null. */
    private String masterOf(TranscodeJob job) {
        if (!streaming || job.outputs().isEmpty()) {
            return null;
        }
        TranscodeOutput first = job.outputs().get(0);
        return StreamKeys.masterBeside(first.key(), first.preset().name());
    }

    private Long size(TranscodeJob job, String key) {
        var head = S3Objects.headOrNull(s3, job.outputBucket(), key);
        return head == null ? null : head.contentLength();
    }

    private static Map<String, String> sourceMetadata(TranscodeJob job) {
        Map<String, String> source = new LinkedHashMap<>();
        source.put(RenditionMetadata.SOURCE_BUCKET, job.inputBucket());
        source.put(RenditionMetadata.SOURCE_KEY, SourceMetadata.encodeKey(job.inputKey()));
        if (job.inputETag() != null) {
            source.put(RenditionMetadata.SOURCE_ETAG, job.inputETag());
        }
        return source;
    }

    /**
     * Refuses (or, with {@link KeyCollision#REPLACE}, logs) rendition keys that hold a rendition of another upload.
     *
     * @return the heads of the outputs it looked at, by key (null: missing), for the checks that follow at once
     */
    private Map<String, HeadObjectResponse> checkCollisions(TranscodeJob job) {
        Map<String, HeadObjectResponse> heads = ExistingOutputs.heads(s3, job, job.outputBucket());
        for (TranscodeOutput output : job.outputs()) {
            Optional<String> other = ExistingOutputs.foreignSource(job, heads.get(output.key()));
            if (other.isEmpty()) {
                continue;
            }
            String message = "s3://" + job.outputBucket() + "/" + LogText.safe(output.key())
                    + " already holds a rendition of " + other.get() + ", not of s3://" + job.inputBucket() + "/"
                    + LogText.safe(job.inputKey());
            if (onCollision == KeyCollision.REFUSE) {
                throw new KeyCollision.CollisionException(message + ": refusing to overwrite it (both uploads map to"
                        + " the same rendition keys; rename one, or set pipeline.transcode.on-key-collision=replace)",
                        job.inputBucket(), job.inputKey());
            }
            LOG.warn("{}: replacing it (pipeline.transcode.on-key-collision=replace)", message);
            break; // one warning per job; every output is replaced
        }
        return heads;
    }

    /** "ffmpeg-" + 16 hex digits of SHA-256 over the job's identity: stable across retries, safe as a file name. */
    static String jobId(TranscodeJob job) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(job.inputBucket(), job.inputKey(), String.valueOf(job.inputETag()),
                    job.outputBucket())) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            for (TranscodeOutput output : job.outputs()) {
                sha.update(output.key().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return BACKEND + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
