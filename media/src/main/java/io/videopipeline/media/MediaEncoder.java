package io.videopipeline.media;

import io.videopipeline.logging.LogText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Encodes one S3 object into renditions in S3 with a local ffmpeg: the media work that the ffmpeg backend and the
 * local Elastic Transcoder share. One {@link #encode} call:
 *
 * <ol>
 *   <li>creates the job's temp dir in the work dir, locked for the job's life ({@link JobDir}; a dir left by a
 *       killed process is removed when the next encoder of the same kind starts);</li>
 *   <li>streams the input from S3 into it, never more than {@link InputLimits#maxBytes()} (the declared size is
 *       checked before the first byte);</li>
 *   <li>{@link FfmpegProbe} rejects empty, corrupt and non-video input, anything that is not one of the video
 *       containers of {@link MediaGuard} and anything over the {@link InputLimits};</li>
 *   <li>runs ffmpeg <b>once</b> ({@link FfmpegCommand}: decode once, write every rendition; {@link FfmpegProcess}:
 *       timeout, progress, process-tree kill) and checks that every output was written;</li>
 *   <li>uploads the outputs only then, as {@link RenditionMetadata#CONTENT_TYPE} with the caller's user metadata
 *       plus {@code preset} and {@code duration-seconds} ({@link S3FileUpload}: multipart above the threshold);</li>
 *   <li>with {@link StreamingSettings#enabled()} and MP4 keys {@code {base}-{preset}.mp4}: the same run also
 *       writes the HLS rungs no MP4 encodes and the pictures, a copy-only ffmpeg packages the rungs as CMAF
 *       ({@link StreamingJob}, {@link StreamingPackage} for the keys), uploaded after the MP4s, the master
 *       playlist last ({@link Result#streamed()});</li>
 *   <li>deletes the temp dir whatever happened.</li>
 * </ol>
 *
 * <p>What differs between callers (an idempotency or collision check, a product's own error codes) goes in
 * through {@link Steps}. Failures are {@link TranscodeFailedException}s (or its subclasses) unless
 * {@link Steps#failed} turns them into something else. Thread-safe: each job has its own temp dir and process.
 */
public final class MediaEncoder {

    /** The part of the work that failed, for {@link Steps#failed}. */
    public enum Step { LOCAL_FILES, DOWNLOAD, PROBE, ENCODE, OUTPUTS, UPLOAD }

    /** One rendition to write: its key in the output bucket, its preset and the user metadata it carries. */
    public record Output(String key, Preset preset, Map<String, String> metadata) {
        public Output {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(preset, "preset");
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * @param jobId     names the job in logs and its temp dir; starts with the encoder's kind and a dash, and is
     *                  safe as a file name
     * @param inputSize the input's size if known before the download (checked against the limits first), or null
     * @param listener  told about ffmpeg's progress
     */
    public record Request(String jobId, String inputBucket, String inputKey, Long inputSize, String outputBucket,
                          List<Output> outputs, ProgressListener listener) {
        public Request {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(inputBucket, "inputBucket");
            Objects.requireNonNull(inputKey, "inputKey");
            Objects.requireNonNull(outputBucket, "outputBucket");
            outputs = List.copyOf(outputs);
            listener = listener == null ? ProgressListener.NONE : listener;
        }

        String object() {
            return "s3://" + inputBucket + "/" + LogText.safe(inputKey);
        }
    }

    /**
     * @param input    what ffprobe found in the input
     * @param written  the keys uploaded, in order; outputs {@link Steps#alreadyStored} are not among them
     * @param streamed the HLS package and pictures uploaded ({@link StreamingPackage}), the master playlist last;
     *                 empty when streaming is off
     * @param encoding what the encode's ffmpeg reported besides its outputs: the errors it survived
     */
    public record Result(FfmpegProbe.MediaInfo input, List<String> written, List<String> streamed,
                         FfmpegProcess.Outcome encoding) {
        public Result {
            encoding = encoding == null ? new FfmpegProcess.Outcome(List.of(), 0) : encoding;
        }

        public Result(FfmpegProbe.MediaInfo input, List<String> written, List<String> streamed) {
            this(input, written, streamed, null);
        }

        public Result(FfmpegProbe.MediaInfo input, List<String> written) {
            this(input, written, List.of());
        }
    }

    /** The caller's part of a job; every method may throw to end the job (the temp dir is removed all the same). */
    public interface Steps {
        /**
         * The input is here: {@code bytes} downloaded in {@code download}, probed in {@code probe}. Called before
         * {@link #probed}, also for an input the probe refuses. What moving a byte to or from S3 and starting a
         * media tool cost on this machine now, for estimating the work after the encode.
         */
        default void fetched(long bytes, Duration download, Duration probe) {
        }

        /** After the input passed the probe, before ffmpeg runs. */
        default void probed(Path input, FfmpegProbe.MediaInfo info) {
        }

        /**
         * After {@link #probed}: true if the caller has this job encoded elsewhere (split-and-stitch across workers,
         * {@link ChunkEncoder}); {@link #encode} then returns with nothing written.
         */
        default boolean distributed(Path input, FfmpegProbe.MediaInfo info) {
            return false;
        }

        /** After ffmpeg wrote every output ({@code files}, in the order of the outputs), before the first upload. */
        default void encoded(List<Path> files) {
        }

        /** True if {@code output} was stored already (by an earlier attempt) and must be left alone. */
        default boolean alreadyStored(Output output) {
            return false;
        }

        /** The rendition's {@code duration-seconds}; the input's by default. Null leaves it out. */
        default Duration renditionDuration(int index, Duration input) {
            return input;
        }

        /**
         * True to have each rendition's play time and size read before it is reported {@link #stored}: from its MP4
         * header ({@link Mp4Facts}), or by ffprobe if that cannot be read.
         */
        default boolean wantsRenditionFacts() {
            return false;
        }

        /**
         * After a file was uploaded: a rendition ({@code output} set; {@code facts} its play time and size, null if
         * not wanted or unreadable) or a file of the streaming package ({@code output} and {@code facts} null).
         */
        default void stored(String key, Output output, Path file, Mp4Facts.Facts facts) {
        }

        /**
         * What to throw for the encoder's own {@code failure} in {@code step}; as it is by default.
         *
         * @param output the output being uploaded for {@link Step#UPLOAD}, else null
         */
        default RuntimeException failed(Step step, Output output, RuntimeException failure) {
            return failure;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(MediaEncoder.class);

    // package-private: the ChunkEncoder does its parts of a job with the same tools
    final S3Client s3;
    final FfmpegSettings settings;
    final String kind;
    private final FfmpegProcess process;
    final FfmpegProbe probe;
    final FfmpegCommand command;
    final S3FileUpload uploader;
    private final EncodeSlots slots;

    /**
     * Removes the temp dirs of this kind's jobs that died with an earlier process.
     *
     * @param kind what every job id of this encoder starts with ("ffmpeg", "et"); encoders of different kinds may
     *             share a work dir, and each sweeps only its own
     */
    public MediaEncoder(S3Client s3, FfmpegSettings settings, String kind) {
        this(s3, settings, kind, EncodeSlots.unlimited());
    }

    /** @param slots how many of this encoder's jobs run ffmpeg at once; the rest of each job is not limited */
    public MediaEncoder(S3Client s3, FfmpegSettings settings, String kind, EncodeSlots slots) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kind = Objects.requireNonNull(kind, "kind") + "-";
        this.process = new FfmpegProcess(settings);
        this.probe = new FfmpegProbe(settings.ffprobePath(), process, settings.limits());
        this.command = new FfmpegCommand(settings);
        this.uploader = new S3FileUpload(s3, settings.multipartThreshold());
        JobDir.sweepDead(settings.workDir(), this.kind, processStart());
    }

    /** The runner this encoder's ffmpeg and ffprobe run in (its timeout and shutdown grace), for more ffprobe runs. */
    public FfmpegProcess process() {
        return process;
    }

    /** The slots this encoder's encodes share, so a chunk encode waits for a whole-file encode and vice versa. */
    EncodeSlots slots() {
        return slots;
    }

    /**
     * @return what ffprobe found in the input and the keys written
     * @throws TranscodeFailedException or whatever {@link Steps} throws or makes of it
     */
    public Result encode(Request request, Steps steps) {
        if (!request.jobId().startsWith(kind)) {
            throw new IllegalArgumentException("job id '" + request.jobId() + "' does not start with '" + kind + "'");
        }
        String bucket = request.inputBucket();
        String key = request.inputKey();
        if (request.inputSize() != null) {
            settings.limits().checkBytes(request.inputSize(), bucket, key);
        }
        JobDir dir;
        try {
            dir = JobDir.create(settings.workDir(), request.jobId());
        } catch (IOException e) {
            throw steps.failed(Step.LOCAL_FILES, null, new TranscodeFailedException("cannot create a temp dir in "
                    + settings.workDir() + " for " + request.object() + ": " + e, bucket, key, e));
        }
        try (dir) {
            Path input = dir.path().resolve("source" + TempFiles.extension(key));
            long started = System.nanoTime();
            run(Step.DOWNLOAD, steps, () -> download(request, input));
            long downloaded = System.nanoTime();
            FfmpegProbe.MediaInfo info;
            try {
                info = call(Step.PROBE, steps, () -> probe.probe(input, bucket, key));
            } finally {
                steps.fetched(size(input), Duration.ofNanos(downloaded - started),
                        Duration.ofNanos(System.nanoTime() - downloaded));
            }
            LOG.info("Transcoding {} (job {}): {} {}x{}, {}, audio: {}, into {} outputs", request.object(),
                    request.jobId(), info.formatName(), info.width(), info.height(), info.duration(),
                    info.hasAudio() ? info.audioCodec() : "none", request.outputs().size());
            steps.probed(input, info);
            if (steps.distributed(input, info)) {
                return new Result(info, List.of());
            }
            List<FfmpegCommand.Output> files = outputFiles(request, dir.path(), steps);
            StreamingJob streaming = streaming(request, files, dir.path(), info, steps);
            FfmpegProcess.Outcome encoding = null;
            if (!files.isEmpty()) { // none: the caller's steps do all the work (ET jobs with HLS outputs only)
                Path videoStats = dir.path().resolve("vstats.log");
                // only the encode waits for a slot: download, probe, packaging and upload overlap other encodes
                encoding = call(Step.ENCODE, steps, () -> slots.call(() -> process.transcode(
                        FfmpegCommand.withVideoStats(command.build(input, info.formatName(), files, info.hasAudio(),
                                streaming == null ? null : streaming.outputs(), info.frameRate()), videoStats), bucket, key,
                        request.jobId(), info.duration(), request.listener(), videoStats), bucket, key));
            }
            for (FfmpegCommand.Output file : files) {
                if (!isWritten(file.file(), request, steps)) {
                    throw steps.failed(Step.OUTPUTS, null, new TranscodeFailedException("ffmpeg wrote no "
                            + file.preset().name() + " output for " + request.object(), bucket, key, null));
                }
            }
            if (streaming != null) {
                run(Step.ENCODE, steps, () -> packageStream(streaming, request));
            }
            steps.encoded(files.stream().map(FfmpegCommand.Output::file).toList());
            List<String> written = upload(request, files, info.duration(), steps);
            return new Result(info, written, streaming == null ? List.of() : uploadPackage(request, streaming, steps),
                    encoding);
        }
    }

    /**
     * The HLS ladder and pictures of this job when streaming is on, or null: also null when the outputs' keys are
     * not {@code {base}-{preset}.mp4}, for there is then no {@code {base}.m3u8} to write.
     */
    private StreamingJob streaming(Request request, List<FfmpegCommand.Output> files, Path jobDir,
                                   FfmpegProbe.MediaInfo info, Steps steps) {
        if (!settings.streaming().enabled() || request.outputs().isEmpty() || info.width() <= 0) {
            return null;
        }
        Output first = request.outputs().get(0);
        String base = StreamingPackage.baseOf(first.key(), first.preset().name());
        if (base == null) {
            LOG.warn("No HLS package for {}: output key {} is not {{dir}}{{name}}/{{name}}-{}.mp4", request.object(),
                    LogText.safe(first.key()), first.preset().name());
            return null;
        }
        try {
            return StreamingJob.plan(settings.streaming(), files, jobDir, base, info);
        } catch (IOException e) {
            throw localFileError(request, e, steps);
        }
    }

    private void packageStream(StreamingJob streaming, Request request) {
        try {
            streaming.finish(settings.ffmpegPath(), process, request.inputBucket(), request.inputKey(),
                    request.jobId());
        } catch (IOException e) {
            throw packageError(request, e);
        }
    }

    /** A local file error while writing the HLS package (also the stitch's). */
    static TranscodeFailedException packageError(Request request, IOException e) {
        return new TranscodeFailedException("cannot write the HLS package of " + request.object() + ": " + e,
                request.inputBucket(), request.inputKey(), e);
    }

    /**
     * The package after the MP4s, each file carrying the first output's user metadata: every file but the master side
     * by side ({@link SideBySideUploads}), then the master playlist, whose upload says the package is complete.
     * {@code steps} hears of each file in the package's order.
     */
    List<String> uploadPackage(Request request, StreamingJob streaming, Steps steps) {
        Map<String, String> metadata = request.outputs().get(0).metadata();
        List<String> written = new ArrayList<>();
        List<StreamingPackage.Upload> uploads;
        try {
            uploads = streaming.uploads();
        } catch (IOException e) {
            throw localFileError(request, e, steps);
        }
        try (SideBySideUploads sending = new SideBySideUploads(settings.uploadConcurrency(),
                "upload-" + request.jobId())) {
            int master = uploads.size() - 1;
            for (StreamingPackage.Upload upload : uploads.subList(0, Math.max(0, master))) {
                sending.start(() -> uploader.upload(upload.file(), request.outputBucket(), upload.key(),
                        upload.contentType(), metadata));
            }
            for (int i = 0; i < uploads.size(); i++) {
                StreamingPackage.Upload upload = uploads.get(i);
                try {
                    if (i < master) {
                        sending.await(i);
                    } else {
                        uploader.upload(upload.file(), request.outputBucket(), upload.key(), upload.contentType(),
                                metadata);
                    }
                } catch (IOException | SdkException e) {
                    throw steps.failed(Step.UPLOAD, null, new TranscodeFailedException("cannot upload s3://"
                            + request.outputBucket() + "/" + LogText.safe(upload.key()) + " (" + written.size()
                            + " of " + uploads.size() + " package files written): " + e.getMessage(),
                            request.inputBucket(), request.inputKey(), e));
                }
                written.add(upload.key());
                steps.stored(upload.key(), null, upload.file(), null);
            }
        }
        return written;
    }

    List<FfmpegCommand.Output> outputFiles(Request request, Path dir, Steps steps) {
        Path outDir;
        try {
            outDir = Files.createDirectory(dir.resolve("out"));
        } catch (IOException e) {
            throw localFileError(request, e, steps);
        }
        List<FfmpegCommand.Output> files = new ArrayList<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            Preset preset = request.outputs().get(i).preset();
            files.add(new FfmpegCommand.Output(preset, outDir.resolve(i + "-" + preset.name() + ".mp4")));
        }
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    static boolean isWritten(Path file, Request request, Steps steps) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            throw localFileError(request, e, steps);
        }
    }

    static RuntimeException localFileError(Request request, IOException e, Steps steps) {
        return steps.failed(Step.LOCAL_FILES, null, new TranscodeFailedException("local file error while transcoding "
                + request.object() + ": " + e, request.inputBucket(), request.inputKey(), e));
    }

    /**
     * Streams the object to {@code input}, never more than {@link InputLimits#maxBytes()}: the declared length is
     * checked before the first byte is written, and the copy stops if the body runs past the limit anyway.
     */
    void download(Request request, Path input) {
        String bucket = request.inputBucket();
        String key = request.inputKey();
        long max = settings.limits().maxBytes();
        try (ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(bucket).key(key))) {
            Long length = body.response().contentLength();
            if (length != null && length > max) {
                body.abort();
                settings.limits().checkBytes(length, bucket, key);
            }
            copy(body, input, request);
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot download " + request.object() + ": " + e, bucket, key, e);
        } catch (SdkException e) {
            throw new TranscodeFailedException("cannot download " + request.object() + ": " + e.getMessage(), bucket,
                    key, e);
        }
    }

    private void copy(ResponseInputStream<GetObjectResponse> body, Path input, Request request) throws IOException {
        long max = settings.limits().maxBytes();
        try (OutputStream out = Files.newOutputStream(input)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = body.read(buffer)) >= 0; ) {
                total += n;
                if (total > max) {
                    body.abort();
                    settings.limits().checkBytes(total, request.inputBucket(), request.inputKey());
                }
                out.write(buffer, 0, n);
            }
        }
    }

    /** The MP4s side by side ({@link SideBySideUploads}); {@code steps} hears of each in the outputs' order. */
    List<String> upload(Request request, List<FfmpegCommand.Output> files, Duration inputDuration,
                                Steps steps) {
        List<String> written = new ArrayList<>();
        try (SideBySideUploads sending = new SideBySideUploads(settings.uploadConcurrency(),
                "upload-" + request.jobId())) {
            List<Integer> started = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Output output = request.outputs().get(i);
                Map<String, String> metadata = new LinkedHashMap<>(output.metadata());
                metadata.put(RenditionMetadata.PRESET, output.preset().name());
                Duration duration = steps.renditionDuration(i, inputDuration);
                if (duration != null) {
                    metadata.put(RenditionMetadata.DURATION, SourceMetadata.encodeDuration(duration));
                }
                Path file = files.get(i).file();
                started.add(steps.alreadyStored(output) ? null : sending.start(() -> uploader.upload(file,
                        request.outputBucket(), output.key(), RenditionMetadata.CONTENT_TYPE, metadata)));
            }
            for (int i = 0; i < files.size(); i++) {
                Output output = request.outputs().get(i);
                if (started.get(i) == null) {
                    continue;
                }
                try {
                    sending.await(started.get(i));
                } catch (IOException | SdkException e) {
                    throw steps.failed(Step.UPLOAD, output, new TranscodeFailedException("cannot upload s3://"
                            + request.outputBucket() + "/" + LogText.safe(output.key()) + " (" + written.size()
                            + " of " + files.size() + " outputs written): " + e.getMessage(), request.inputBucket(),
                            request.inputKey(), e));
                }
                written.add(output.key());
                steps.stored(output.key(), output, files.get(i).file(),
                        steps.wantsRenditionFacts() ? renditionFacts(files.get(i).file(), request, output) : null);
            }
        }
        return written;
    }

    /**
     * The rendition's play time and size as written, or null: a rendition they cannot be read from was still
     * uploaded, and only its figures are missing. ffprobe only when the MP4 header cannot be read.
     */
    private Mp4Facts.Facts renditionFacts(Path file, Request request, Output output) {
        java.util.Optional<Mp4Facts.Facts> header = Mp4Facts.read(file);
        if (header.isPresent()) {
            return header.get();
        }
        try {
            FfmpegProbe.MediaInfo info = probe.probe(file, request.outputBucket(), output.key());
            return new Mp4Facts.Facts(info.duration(), info.width(), info.height());
        } catch (RuntimeException e) {
            LOG.warn("Cannot probe the rendition s3://{}/{} just written: {}", request.outputBucket(),
                    LogText.safe(output.key()), LogText.safe(e.getMessage()));
            return null;
        }
    }

    static void run(Step step, Steps steps, Runnable work) {
        call(step, steps, () -> {
            work.run();
            return null;
        });
    }

    static <T> T call(Step step, Steps steps, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw steps.failed(step, null, e);
        }
    }

    private static Instant processStart() {
        return ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
    }
}
