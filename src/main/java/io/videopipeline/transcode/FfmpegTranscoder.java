package io.videopipeline.transcode;

import io.videopipeline.aws.AwsErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The default backend: transcodes with a local ffmpeg.
 *
 * <ol>
 *   <li><b>Idempotency first</b>: HeadObject on every output key; if all exist with user metadata
 *       {@code source-etag} equal to the job's ETag, the job was done before (SQS delivers at least once, S3 may
 *       notify twice) and is skipped without downloading anything.</li>
 *   <li>The input is streamed from S3 to a file in a per-job temp dir under {@code workDir} (never held in
 *       memory). The dir is named by a hash of the job, never by the key: keys may hold {@code ../}, NUL or
 *       CR/LF.</li>
 *   <li>No rendition key may hold a rendition of another upload ({@code a/clip.mp4} and {@code a/clip.mov} share
 *       theirs): refused, or replaced if {@link KeyCollision} says so; checked before the download and again
 *       before the upload.</li>
 *   <li>{@link FfmpegProbe} rejects empty, corrupt and non-video input, anything that is not one of the video
 *       containers of {@link MediaGuard} and anything over the {@link InputLimits} (the size also before the
 *       download); then <b>one</b> ffmpeg run
 *       ({@link FfmpegCommand}) decodes once and writes every rendition ({@link FfmpegProcess}: timeout,
 *       progress, process-tree kill).</li>
 *   <li>Only after ffmpeg succeeded are the outputs uploaded, as {@code video/mp4} with user metadata
 *       {@code source-bucket}, {@code source-key}, {@code source-etag}, {@code preset} (multipart above the
 *       threshold). A failed job uploads nothing.</li>
 *   <li>The temp dir is deleted whatever happened.</li>
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
    public static final String META_SOURCE_BUCKET = "source-bucket";
    /** The lock file a running job holds inside its temp dir. */
    static final String OWNER_LOCK = ".owner.lock";
    public static final String META_SOURCE_KEY = "source-key";
    public static final String META_SOURCE_ETAG = "source-etag";
    public static final String META_PRESET = "preset";
    /** The rendition's play time in seconds ("83.400"), for the mail; absent when ffprobe found none. */
    public static final String META_DURATION = "duration-seconds";
    public static final String CONTENT_TYPE = "video/mp4";

    private static final Logger LOG = LoggerFactory.getLogger(FfmpegTranscoder.class);

    private final S3Client s3;
    private final FfmpegSettings settings;
    private final ProgressListener listener;
    private final FfmpegProcess process;
    private final FfmpegProbe probe;
    private final FfmpegCommand command;
    private final S3FileUpload uploader;
    private final KeyCollision onCollision;

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
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.onCollision = Objects.requireNonNull(onCollision, "onCollision");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = listener == null ? ProgressListener.NONE : listener;
        checkBinary(settings.ffmpegPath(), "ffmpeg", "pipeline.ffmpeg.path");
        checkBinary(settings.ffprobePath(), "ffprobe", "pipeline.ffprobe.path");
        checkWorkDir(settings.workDir());
        sweepDeadJobs(settings.workDir(), processStart());
        this.process = new FfmpegProcess(settings.timeout(), settings.progressLogInterval());
        this.probe = new FfmpegProbe(settings.ffprobePath(), process, settings.limits());
        this.command = new FfmpegCommand(settings);
        this.uploader = new S3FileUpload(s3, settings.multipartThreshold());
    }

    @Override
    public TranscodeResult submit(TranscodeJob job) {
        String jobId = jobId(job);
        String bucket = job.inputBucket();
        String key = job.inputKey();
        String object = "s3://" + bucket + "/" + LogText.safe(key);
        // first: a same-bytes upload under another key has the same ETag and would otherwise pass as done
        checkCollisions(job);
        if (alreadyTranscoded(job)) {
            LOG.info("Skipping {} (job {}): all {} outputs already exist for ETag {}", object, jobId,
                    job.outputs().size(), job.inputETag());
            return new TranscodeResult(BACKEND, jobId, List.of(), true);
        }
        if (job.inputSize() != null) {
            settings.limits().checkBytes(job.inputSize(), bucket, key);
        }
        Path dir;
        java.nio.channels.FileChannel owner;
        try {
            dir = Files.createTempDirectory(settings.workDir(), jobId + "-");
            // Held for the job's life; the OS drops it when this process dies, which is how a later
            // sweep tells a dead job's dir from a live one (see sweepDeadJobs).
            owner = java.nio.channels.FileChannel.open(dir.resolve(OWNER_LOCK),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            owner.lock();
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot create a temp dir in " + settings.workDir() + " for " + object
                    + ": " + e, bucket, key, e);
        }
        long started = System.nanoTime();
        try {
            Path input = dir.resolve("source" + TempFiles.extension(key));
            download(job, input);
            FfmpegProbe.MediaInfo info = probe.probe(input, bucket, key);
            LOG.info("Transcoding {} (job {}): {} {}x{}, {}, audio: {}, into {} outputs", object, jobId,
                    info.formatName(), info.width(), info.height(), info.duration(),
                    info.hasAudio() ? info.audioCodec() : "none", job.outputs().size());
            Path outDir = Files.createDirectory(dir.resolve("out"));
            List<FfmpegCommand.Output> outputs = new ArrayList<>();
            for (int i = 0; i < job.outputs().size(); i++) {
                Preset preset = job.outputs().get(i).preset();
                outputs.add(new FfmpegCommand.Output(preset, outDir.resolve(i + "-" + preset.name() + ".mp4")));
            }
            process.transcode(command.build(input, info.formatName(), outputs, info.hasAudio()), bucket, key, jobId,
                    info.duration(), listener);
            for (FfmpegCommand.Output output : outputs) {
                if (!Files.isRegularFile(output.file()) || Files.size(output.file()) == 0) {
                    throw new TranscodeFailedException("ffmpeg wrote no " + output.preset().name() + " output for "
                            + object, bucket, key, null);
                }
            }
            checkCollisions(job); // another upload may have taken the keys while this one was encoding
            List<String> written = upload(job, outputs, info.duration());
            LOG.info("Transcoded {} (job {}) in {} ms: {}", object, jobId,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    written.stream().map(LogText::safe).toList());
            return new TranscodeResult(BACKEND, jobId, written, false);
        } catch (IOException e) {
            throw new TranscodeFailedException("local file error while transcoding " + object + ": " + e, bucket, key,
                    e);
        } finally {
            TempFiles.deleteRecursively(dir);
            closeQuietly(owner);
        }
    }

    private static void closeQuietly(java.nio.channels.FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a job lock failed: {}", e.toString());
        }
    }

    private boolean alreadyTranscoded(TranscodeJob job) {
        return ExistingOutputs.allWrittenFor(s3, job, job.outputBucket());
    }

    /**
     * Refuses (or, with {@link KeyCollision#REPLACE}, logs) rendition keys that hold a rendition of another upload.
     */
    private void checkCollisions(TranscodeJob job) {
        for (TranscodeOutput output : job.outputs()) {
            java.util.Optional<String> other = ExistingOutputs.foreignSource(s3, job, job.outputBucket(), output);
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
            return; // one warning per job; every output is replaced
        }
    }

    /**
     * Streams the object to {@code input}, never more than {@link InputLimits#maxBytes()}: the declared length is
     * checked before the first byte is written, and the copy stops if the body runs past the limit anyway.
     */
    private void download(TranscodeJob job, Path input) {
        String bucket = job.inputBucket();
        String key = job.inputKey();
        long max = settings.limits().maxBytes();
        try (software.amazon.awssdk.core.ResponseInputStream<software.amazon.awssdk.services.s3.model.GetObjectResponse>
                     body = s3.getObject(GetObjectRequest.builder().bucket(bucket).key(key).build())) {
            Long length = body.response().contentLength();
            if (length != null && length > max) {
                body.abort();
                settings.limits().checkBytes(length, bucket, key);
            }
            try (java.io.OutputStream out = Files.newOutputStream(input)) {
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    total += n;
                    if (total > max) {
                        body.abort();
                        settings.limits().checkBytes(total, bucket, key);
                    }
                    out.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot download s3://" + bucket + "/" + LogText.safe(key) + ": " + e,
                    bucket, key, e);
        } catch (S3Exception e) {
            if (AwsErrors.isMissing(e)) { // NoSuchKey, NoSuchBucket, or another server's code for either
                throw new SourceMissingException("s3://" + bucket + "/" + LogText.safe(key)
                        + " does not exist (deleted since the upload event?): " + e.awsErrorDetails().errorCode(),
                        bucket, key, e);
            }
            throw new TranscodeFailedException("cannot download s3://" + bucket + "/" + LogText.safe(key) + ": "
                    + e.getMessage(), bucket, key, e);
        } catch (SdkException e) {
            throw new TranscodeFailedException("cannot download s3://" + bucket + "/" + LogText.safe(key) + ": "
                    + e.getMessage(), bucket, key, e);
        }
    }

    private List<String> upload(TranscodeJob job, List<FfmpegCommand.Output> files, java.time.Duration duration) {
        List<String> written = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            TranscodeOutput output = job.outputs().get(i);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(META_SOURCE_BUCKET, job.inputBucket());
            metadata.put(META_SOURCE_KEY, SourceMetadata.encodeKey(job.inputKey()));
            if (job.inputETag() != null) {
                metadata.put(META_SOURCE_ETAG, job.inputETag());
            }
            metadata.put(META_PRESET, output.preset().name());
            if (duration != null) {
                metadata.put(META_DURATION, SourceMetadata.encodeDuration(duration));
            }
            if (ExistingOutputs.writtenFor(s3, job, job.outputBucket(), output)) {
                // written by an earlier attempt that died before the rest: leave it (and its notification) alone
                LOG.info("Keeping s3://{}/{}: written for this upload by an earlier attempt", job.outputBucket(),
                        LogText.safe(output.key()));
                continue;
            }
            try {
                uploader.upload(files.get(i).file(), job.outputBucket(), output.key(), CONTENT_TYPE, metadata);
            } catch (IOException | SdkException e) {
                throw new TranscodeFailedException("cannot upload s3://" + job.outputBucket() + "/"
                        + LogText.safe(output.key()) + " (" + written.size() + " of " + files.size()
                        + " outputs written): " + e.getMessage(), job.inputBucket(), job.inputKey(), e);
            }
            written.add(output.key());
        }
        return written;
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

    /** Runs {@code binary -version}; a clear message if it is missing or broken. */
    static void checkBinary(String path, String name, String property) {
        String hint = "install it with 'apt-get install ffmpeg' or set " + property;
        Process p;
        try {
            p = new ProcessBuilder(path, "-version").redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(name + " not found at '" + path + "': " + hint, e);
        }
        try (InputStream out = p.getInputStream()) {
            p.getOutputStream().close();
            out.transferTo(java.io.OutputStream.nullOutputStream()); // the version banner
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                FfmpegProcess.killTree(p);
                throw new IllegalStateException(name + " at '" + path + "' did not answer '-version' within 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(name + " at '" + path + "' failed '-version' with exit code "
                        + p.exitValue() + ": " + hint);
            }
        } catch (IOException e) {
            throw new IllegalStateException(name + " at '" + path + "' could not be run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            FfmpegProcess.killTree(p);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + name + " at '" + path + "'", e);
        }
    }

    /**
     * Deletes the temp dirs ({@code ffmpeg-*}) of jobs that died with an earlier process (kill -9, power loss):
     * the {@code finally} that normally removes them never ran. A running job holds a lock on its dir's
     * {@value #OWNER_LOCK} file and the OS releases it when the process dies, so a dir whose lock can be taken
     * is dead, whatever the clocks say, and replicas sharing a work dir never remove each other's live jobs.
     * A dir without the lock file (a crash between creating the dir and locking it) goes once it is older
     * than {@code before}.
     *
     * @return how many dirs were removed
     */
    static int sweepDeadJobs(Path workDir, java.time.Instant before) {
        int removed = 0;
        try (Stream<Path> dirs = Files.list(workDir)) {
            for (Path dir : dirs.filter(p -> p.getFileName().toString().startsWith(BACKEND + "-")
                    && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
                if (isDead(dir, before)) {
                    TempFiles.deleteRecursively(dir);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not sweep dead jobs' temp dirs in {}: {}", workDir, e.toString());
        }
        if (removed > 0) {
            LOG.info("Removed {} temp dir(s) of jobs that died with an earlier process from {}", removed, workDir);
        }
        return removed;
    }

    private static boolean isDead(Path dir, java.time.Instant before) throws IOException {
        Path lockFile = dir.resolve(OWNER_LOCK);
        if (!Files.exists(lockFile)) {
            return Files.getLastModifiedTime(dir).toInstant().isBefore(before);
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = channel.tryLock();
            if (lock == null) {
                return false; // another process's live job
            }
            lock.release();
            return true;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // a live job of this process
        } catch (java.nio.file.NoSuchFileException e) {
            return false; // finished and removed meanwhile
        }
    }

    private static java.time.Instant processStart() {
        return ProcessHandle.current().info().startInstant().orElseGet(java.time.Instant::now);
    }

    private static void checkWorkDir(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalStateException("pipeline.ffmpeg.work-dir '" + workDir + "' cannot be created: " + e, e);
        }
        if (!Files.isDirectory(workDir) || !Files.isWritable(workDir)) {
            throw new IllegalStateException("pipeline.ffmpeg.work-dir '" + workDir + "' is not a writable directory");
        }
    }
}
