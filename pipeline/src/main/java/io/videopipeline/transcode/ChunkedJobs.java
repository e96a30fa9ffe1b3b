package io.videopipeline.transcode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.event.ObjectEvent;
import io.videopipeline.jobs.BackendReport;
import io.videopipeline.jobs.JobState;
import io.videopipeline.jobs.JobTracker;
import io.videopipeline.logging.LogText;
import io.videopipeline.media.ChunkEncoder;
import io.videopipeline.media.ChunkPlan;
import io.videopipeline.media.FfmpegProbe;
import io.videopipeline.media.MediaEncoder;
import io.videopipeline.media.Preset;
import io.videopipeline.media.ProgressListener;
import io.videopipeline.media.TranscodeFailedException;
import io.videopipeline.s3.S3EventRecord;
import io.videopipeline.s3.S3Objects;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Split-and-stitch on the worker fleet (bean {@code chunkedJobs}, routes/transcode-chunk.yaml): a source longer than
 * {@code pipeline.transcode.chunking-min-seconds} is planned by the worker that took its upload event
 * ({@link #distribute}) and encoded by whichever workers take its tasks from the chunk queue, each task one message:
 *
 * <ul>
 *   <li>{@code chunk:K}: chunk K of every output ({@link ChunkEncoder#encodeChunk}), then the marker
 *       {@code {work}done/cK}; {@code audio:N}: the whole source's audio once in the outputs' audio setting N (one task
 *       per setting, so they run on separate workers, each one AAC encode on one core), then {@code {work}done/audio-N}
 *       holding the source's probe figures for the stitch ({@code audio}, every setting in one task, and its marker
 *       {@code done/audio} are what planners before the split sent: a job in flight across the upgrade still
 *       finishes).</li>
 *   <li>Whoever writes the last marker (it lists {@code done/} after writing its own) sends {@code stitch}; two
 *       finishing at once may both send it. {@code stitch} claims {@code {work}stitch} with a conditional write
 *       ({@code If-None-Match: *}) holding its SQS message id: another message finds the claim and does nothing, the
 *       same message redelivered (its worker died) carries on. It uploads the outputs as an unchunked job does
 *       (renditions already stored by the dead attempt are kept), reports Complete and removes the work prefix.</li>
 *   <li>Every message body is the upload's own S3 event: a poison task is dead-lettered with it, and the job record
 *       of the upload says Error with the reason (jobs/ParkedJobs knows this route). A task whose marker exists
 *       (redelivered, or sent twice) does nothing; a task of a job whose work prefix is gone (stitched and cleaned
 *       up) or of an upload replaced since (another ETag) is acknowledged.</li>
 * </ul>
 *
 * <p>The message is untrusted like any event: it names an upload of the upload bucket and a task; the outputs, the
 * work prefix (a hash of the job) and the plan (an object the planner wrote there) are the pipeline's own.
 * The work prefix lives in the transcoded bucket, every key ending in {@code .part} or with no suffix: the bucket's
 * notifications ({@code .mp4}, {@code .m3u8}) never hear of it.
 */
public final class ChunkedJobs {

    /** The SQS message attribute naming the task. */
    public static final String TASK = "pipeline-chunk";
    static final String AUDIO = "audio";
    /** The plan's count of audio tasks. */
    private static final String AUDIO_TASKS = "audioTasks";
    static final String STITCH = "stitch";
    static final String CHUNK = "chunk:";
    /** S3's most keys in one DeleteObjects. */
    static final int DELETE_BATCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(ChunkedJobs.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param minSeconds   sources longer than this are chunked; 0 = never ({@code pipeline.transcode.chunking-min-seconds})
     * @param chunkSeconds about how long a chunk is ({@code pipeline.transcode.chunk-seconds})
     * @param workPrefix   where the parts go in the transcoded bucket ({@code pipeline.transcode.chunk-prefix})
     * @param queue        the chunk queue ({@code pipeline.queues.chunks})
     * @param sourceCache  how many jobs' sources a worker keeps for its next tasks
     *                     ({@code pipeline.transcode.source-cache-size}); 0 = each task downloads the source
     */
    public record Settings(double minSeconds, double chunkSeconds, String workPrefix, String queue,
                           Duration progressInterval, int sourceCache) {
        public Settings(double minSeconds, double chunkSeconds, String workPrefix, String queue,
                        Duration progressInterval) {
            this(minSeconds, chunkSeconds, workPrefix, queue, progressInterval, 1);
        }

        public Settings {
            if (sourceCache < 0) {
                throw new IllegalArgumentException("pipeline.transcode.source-cache-size must be 0 or more, got "
                        + sourceCache);
            }
            if (minSeconds < 0 || chunkSeconds <= 0) {
                throw new IllegalArgumentException("pipeline.transcode.chunking-min-seconds must be 0 or more and"
                        + " pipeline.transcode.chunk-seconds positive, got " + minSeconds + " and " + chunkSeconds);
            }
            if (minSeconds > 0 && minSeconds < chunkSeconds) {
                throw new IllegalArgumentException("pipeline.transcode.chunking-min-seconds (" + minSeconds
                        + ") must be at least pipeline.transcode.chunk-seconds (" + chunkSeconds + ")");
            }
            Objects.requireNonNull(queue, "queue");
            if (workPrefix == null || workPrefix.isBlank() || !workPrefix.endsWith("/")) {
                throw new IllegalArgumentException("pipeline.transcode.chunk-prefix must end with '/', got '"
                        + workPrefix + "'");
            }
        }
    }

    private final S3Client s3;
    private final SqsClient sqs;
    private final FfmpegTranscoder transcoder;
    private final ChunkEncoder chunks;
    private final TranscodePlanner planner;
    private final JobTracker tracker;
    private final Settings settings;
    private final Clock clock;
    private final AtomicReference<String> queueUrl = new AtomicReference<>();
    private final String unavailable;

    private ChunkedJobs(String unavailable) {
        this.s3 = null;
        this.sqs = null;
        this.transcoder = null;
        this.chunks = null;
        this.planner = null;
        this.tracker = null;
        this.settings = null;
        this.clock = null;
        this.unavailable = unavailable;
    }

    /** For another backend than ffmpeg: nothing ever splits a job, and a chunk task that turns up is refused. */
    public static ChunkedJobs unavailable(String backend) {
        return new ChunkedJobs("chunk tasks are ffmpeg's (pipeline.transcoder=ffmpeg); this runner's transcoder is '"
                + backend + "'");
    }

    /** @param tracker null: no job records */
    public ChunkedJobs(S3Client s3, SqsClient sqs, FfmpegTranscoder transcoder, TranscodePlanner planner,
                       JobTracker tracker, Settings settings, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.transcoder = Objects.requireNonNull(transcoder, "transcoder");
        this.chunks = new ChunkEncoder(transcoder.encoder(), settings.sourceCache());
        this.planner = Objects.requireNonNull(planner, "planner");
        this.tracker = tracker;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.unavailable = null;
        transcoder.chunkWith(this);
    }

    /** Whether a probed source is split: longer than the minimum, and then more than one chunk. */
    boolean wants(FfmpegProbe.MediaInfo info) {
        return settings.minSeconds() > 0 && info.duration() != null
                && info.duration().toMillis() / 1000.0 > settings.minSeconds() && info.width() > 0;
    }

    /** The planner's part: the plan in the work prefix, then one message per audio setting and one per chunk. */
    void distribute(TranscodeJob job, String jobId, FfmpegProbe.MediaInfo info) {
        List<Preset> presets = job.outputs().stream().map(TranscodeOutput::preset).toList();
        ChunkPlan plan = chunks.plan(info, presets, settings.chunkSeconds());
        String work = work(jobId);
        int audioTasks = chunks.audioTasks(request(job, jobId, ProgressListener.NONE), info);
        ObjectNode doc = JSON.createObjectNode().put("rate", plan.rate()).put("chunkFrames", plan.chunkFrames())
                .put("count", plan.count()).put(AUDIO_TASKS, audioTasks);
        s3.putObject(b -> b.bucket(job.outputBucket()).key(work + "plan").contentType("application/json"),
                RequestBody.fromString(doc.toString()));
        String body = S3EventRecord.of(job.inputBucket(), job.inputKey()).eventName("ObjectCreated:Put")
                .size(job.inputSize() == null ? 0 : job.inputSize()).eTag(job.inputETag()).toJson();
        // the audio first: its tasks each take a whole source's length of one core, so they should not be last
        for (int a = 0; a < audioTasks; a++) {
            send(body, AUDIO + ":" + a);
        }
        for (int k = 0; k < plan.count(); k++) {
            send(body, CHUNK + k);
        }
        LOG.info("Split s3://{}/{} (job {}, {}) into {} chunks of {} frames at {} fps on {}", job.inputBucket(),
                LogText.safe(job.inputKey()), jobId, info.duration(), plan.count(), plan.chunkFrames(), plan.rate(),
                settings.queue());
    }

    /**
     * One task of the chunk queue.
     *
     * @param attributes the message's attributes ({@link #TASK} names the task)
     * @param messageId  the SQS message id: the stitch's claim
     */
    public void handle(ObjectEvent event, Map<String, MessageAttributeValue> attributes, String messageId) {
        if (unavailable != null) {
            throw new ChunkTaskException(unavailable);
        }
        MessageAttributeValue value = attributes == null ? null : attributes.get(TASK);
        String task = value == null ? null : value.stringValue();
        if (task == null || !(task.matches("audio(:\\d{1,2})?") || task.equals(STITCH)
                || task.matches("chunk:\\d{1,5}"))) {
            throw new ChunkTaskException("not a chunk task: attribute " + TASK + " is "
                    + (task == null ? "missing" : "'" + LogText.safe(task) + "'"));
        }
        if (!planner.wanted(event)) {
            return;
        }
        TranscodeJob job = planner.plan(event);
        if (event.eTag() != null && !event.eTag().equals(job.inputETag())) {
            LOG.info("Dropping {} of s3://{}/{}: the upload was replaced since (ETag {}, now {})", task,
                    event.bucket(), LogText.safe(event.key()), LogText.safe(event.eTag()), job.inputETag());
            return;
        }
        String jobId = FfmpegTranscoder.jobId(job);
        String work = work(jobId);
        JsonNode planDoc = readJson(job, work + "plan");
        if (planDoc == null) {
            LOG.info("Nothing to do for {} of job {}: its work is done and gone", task, jobId);
            return;
        }
        ChunkPlan plan = new ChunkPlan(planDoc.path("rate").asText(), planDoc.path("chunkFrames").asLong(),
                planDoc.path("count").asInt());
        int audioTasks = planDoc.path(AUDIO_TASKS).asInt(1); // a plan from before the audio was split: one task
        if (task.equals(STITCH)) {
            stitch(job, jobId, work, plan, messageId);
            return;
        }
        String marker = work + "done/" + (task.startsWith(AUDIO) ? task.replace(':', '-')
                : "c" + task.substring(CHUNK.length()));
        if (exists(job, marker)) {
            LOG.info("{} of job {} is done already (a redelivered or repeated task): nothing to do", task, jobId);
            maybeStitch(job, work, plan, audioTasks); // its worker may have died before sending the stitch
            return;
        }
        MediaEncoder.Request request = request(job, jobId + "-" + task.replace(':', '-'), ProgressListener.NONE);
        String markerBody;
        if (task.startsWith(AUDIO)) {
            int setting = task.equals(AUDIO) ? -1 : Integer.parseInt(task.substring(AUDIO.length() + 1));
            if (setting >= audioTasks) {
                throw new ChunkTaskException("audio task " + setting + " is not in the plan of job " + jobId + " ("
                        + audioTasks + " audio tasks)");
            }
            FfmpegProbe.MediaInfo info = chunks.encodeAudio(request, work, setting);
            markerBody = JSON.createObjectNode().put("formatName", info.formatName())
                    .put("durationMillis", info.duration().toMillis()).put("width", info.width())
                    .put("height", info.height()).put("hasAudio", info.hasAudio()).toString();
        } else {
            int k = Integer.parseInt(task.substring(CHUNK.length()));
            if (k >= plan.count()) {
                throw new ChunkTaskException("chunk " + k + " is not in the plan of job " + jobId + " ("
                        + plan.count() + " chunks)");
            }
            double done = doneShare(job, work, plan);
            chunks.encodeChunk(request(job, request.jobId(), progress(job, jobId, plan, k, done)), plan, k, work);
            markerBody = "";
        }
        try {
            s3.putObject(b -> b.bucket(job.outputBucket()).key(marker).ifNoneMatch("*"),
                    RequestBody.fromString(markerBody));
        } catch (S3Exception e) {
            if (e.statusCode() != 412) {
                throw e;
            }
            // another worker finished the same task first (a message seen twice): its parts are as good
        }
        maybeStitch(job, work, plan, audioTasks);
    }

    /** Every task done: the stitch message (sent by each worker that sees it so; the stitch claims once). */
    private void maybeStitch(TranscodeJob job, String work, ChunkPlan plan, int audioTasks) {
        long done = s3.listObjectsV2Paginator(b -> b.bucket(job.outputBucket()).prefix(work + "done/")).contents()
                .stream().count();
        if (done >= plan.count() + (long) audioTasks) {
            send(S3EventRecord.of(job.inputBucket(), job.inputKey()).eventName("ObjectCreated:Put")
                    .size(job.inputSize() == null ? 0 : job.inputSize()).eTag(job.inputETag()).toJson(), STITCH);
        }
    }

    private void stitch(TranscodeJob job, String jobId, String work, ChunkPlan plan, String messageId) {
        String claim = work + "stitch";
        try {
            s3.putObject(b -> b.bucket(job.outputBucket()).key(claim).ifNoneMatch("*"),
                    RequestBody.fromString(messageId));
        } catch (S3Exception e) {
            if (e.statusCode() != 412) {
                throw e;
            }
            String holder = s3.getObjectAsBytes(b -> b.bucket(job.outputBucket()).key(claim)).asUtf8String();
            if (!holder.equals(messageId)) {
                LOG.info("Job {} is stitched by message {}: this stitch message does nothing", jobId,
                        LogText.safe(holder));
                return;
            }
            LOG.info("Stitching job {} again: message {} was claimed by a worker that did not finish", jobId,
                    messageId);
        }
        FfmpegProbe.MediaInfo info = sourceInfo(job, work);
        if (transcoder.uploadedBefore(job)) {
            // this message's earlier delivery uploaded everything, then died before the record or the clean-up
            transcoder.completeStitched(job, jobId, info);
        } else {
            transcoder.stitch(job, jobId, chunks, plan, work, info);
        }
        removeWork(job.outputBucket(), work);
    }

    private ProgressListener progress(TranscodeJob job, String jobId, ChunkPlan plan, int k, double done) {
        if (tracker == null) {
            return ProgressListener.NONE;
        }
        Instant[] last = {null};
        return p -> {
            if (p.done() || p.percent() <= 0) {
                return;
            }
            Instant now = clock.instant();
            synchronized (last) {
                if (last[0] != null && Duration.between(last[0], now).compareTo(settings.progressInterval()) < 0) {
                    return;
                }
                last[0] = now;
            }
            double share = 1.0 / plan.count();
            double percent = Math.min(99, 100 * (done + share * p.percent() / 100));
            // the record keeps the highest percent any chunk reported (reports may cross)
            tracker.reported(new BackendReport(FfmpegTranscoder.BACKEND, jobId, null, JobState.PROGRESSING,
                    Math.round(percent * 10) / 10.0, JobSources.of(job), List.of(), null));
        };
    }

    /** The share of the job's chunks already done, from their markers. */
    private double doneShare(TranscodeJob job, String work, ChunkPlan plan) {
        long done = s3.listObjectsV2Paginator(b -> b.bucket(job.outputBucket()).prefix(work + "done/c")).contents()
                .stream().count();
        return Math.min(1.0, (double) done / plan.count());
    }

    private MediaEncoder.Request request(TranscodeJob job, String id, ProgressListener listener) {
        List<MediaEncoder.Output> outputs = job.outputs().stream()
                .map(o -> new MediaEncoder.Output(o.key(), o.preset(), Map.of())).toList();
        return new MediaEncoder.Request(id, job.inputBucket(), job.inputKey(), job.inputSize(), job.outputBucket(),
                outputs, listener);
    }

    private FfmpegProbe.MediaInfo sourceInfo(TranscodeJob job, String work) {
        // every audio task's marker holds the same figures: any will do
        String marker = s3.listObjectsV2Paginator(b -> b.bucket(job.outputBucket()).prefix(work + "done/" + AUDIO))
                .contents().stream().map(S3Object::key).findFirst().orElse(null);
        JsonNode n = marker == null ? null : readJson(job, marker);
        if (n == null) {
            throw new TranscodeFailedException("the audio task of s3://" + job.inputBucket() + "/"
                    + LogText.safe(job.inputKey()) + " left no figures to stitch with", job.inputBucket(),
                    job.inputKey(), null);
        }
        return new FfmpegProbe.MediaInfo(n.path("formatName").asText(), Duration.ofMillis(n.path("durationMillis")
                .asLong()), true, null, null, n.path("width").asInt(), n.path("height").asInt(),
                n.path("hasAudio").asBoolean(), null, null, 0, 0, 0);
    }

    private JsonNode readJson(TranscodeJob job, String key) {
        if (!exists(job, key)) {
            return null;
        }
        try {
            return JSON.readTree(s3.getObjectAsBytes(b -> b.bucket(job.outputBucket()).key(key)).asByteArray());
        } catch (IOException e) {
            throw new TranscodeFailedException("unreadable work object s3://" + job.outputBucket() + "/" + key
                    + ": " + e.getMessage(), job.inputBucket(), job.inputKey(), e);
        }
    }

    private boolean exists(TranscodeJob job, String key) {
        return S3Objects.headOrNull(s3, HeadObjectRequest.builder().bucket(job.outputBucket()).key(key).build())
                != null;
    }

    /**
     * DeleteObjects in batches of at most 1,000 keys (S3's limit), each batch's per-key errors checked: S3 answers
     * 200 with the keys it could not delete listed in the body, so a batch that "succeeded" may have left some. Any
     * such key fails the stitch (transient: its message comes back and removes what is left).
     */
    private void removeWork(String bucket, String work) {
        List<ObjectIdentifier> keys = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(work)).contents()
                .stream().map(S3Object::key)
                .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
        for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH));
            List<S3Error> errors = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)))
                    .errors();
            if (!errors.isEmpty()) {
                S3Error first = errors.get(0);
                throw new IllegalStateException("could not remove " + errors.size() + " of the " + keys.size()
                        + " work objects of " + LogText.safe(work) + ", e.g. " + LogText.safe(first.key()) + ": "
                        + LogText.safe(first.code()) + " " + LogText.safe(first.message()));
            }
        }
        LOG.info("Removed the {} work objects of {}", keys.size(), LogText.safe(work));
    }

    private void send(String body, String task) {
        String url = queueUrl.updateAndGet(u -> u != null ? u
                : sqs.getQueueUrl(b -> b.queueName(settings.queue())).queueUrl());
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(Map.of(TASK,
                MessageAttributeValue.builder().dataType("String").stringValue(task).build())));
    }

    private String work(String jobId) {
        return settings.workPrefix() + jobId + "/";
    }
}
