package io.videopipeline.media;

import io.videopipeline.logging.LogText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The media work of split-and-stitch encoding, in three kinds of task that any worker may run, each a
 * {@link MediaEncoder.Request} of the same job plus a work prefix in the output bucket where the tasks leave their
 * parts for the stitch:
 *
 * <pre>
 * {work}c00003/o0.part  chunk 3 of MP4 output 0: video only, closed GOPs, a keyframe at the chunk's first frame
 * {work}c00003/r0.part  chunk 3 of HLS rung-only encode 0 (streaming on)
 * {work}audio/aac-160k-44100-2.part  the whole source's audio, once per audio setting of the outputs
 * </pre>
 *
 * <p>No part key ends in {@code .mp4} or {@code .m3u8}: the output bucket's notifications (those two suffixes) never
 * send a part to the fan-out. The stitch ({@link #stitch}) joins each output's chunks with the concat demuxer (no
 * re-encode), muxes the audio, then writes and uploads exactly what {@link MediaEncoder#encode} would: the same
 * keys, metadata and (streaming on) HLS package, packaged from the stitched MP4s; the pictures come from one decode
 * of the smallest stitched rendition that is large enough ({@link #pictureSource}).
 *
 * <p>A worker keeps the source of the jobs it works on ({@link SourceCache}): its next task of the same job neither
 * downloads nor probes it again; the stitch on this worker removes it.
 *
 * <p>Which task runs when, and when a job is complete, is the caller's: this class only does media work.
 */
public final class ChunkEncoder {

    /** The part suffix: nothing the output bucket notifies on. */
    public static final String PART = ".part";
    private static final Logger LOG = LoggerFactory.getLogger(ChunkEncoder.class);

    private final MediaEncoder encoder;
    private final FfmpegProcess process;
    private final SourceCache sources;

    /** Keeps one source between tasks: a worker's next chunk of the same job reuses it. */
    public ChunkEncoder(MediaEncoder encoder) {
        this(encoder, 1);
    }

    /**
     * @param sourceCacheSize how many jobs' sources this worker keeps between its tasks
     *                        ({@code pipeline.transcode.source-cache-size}); 0 = every task downloads its own
     */
    public ChunkEncoder(MediaEncoder encoder, int sourceCacheSize) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.process = encoder.process();
        this.sources = new SourceCache(encoder.settings.workDir(), sourceCacheSize);
    }

    /** The plan of a source: chunks of about {@code chunkSeconds}, aligned as {@link ChunkPlan} says. */
    public ChunkPlan plan(FfmpegProbe.MediaInfo info, List<Preset> outputs, double chunkSeconds) {
        StreamingSettings streaming = encoder.settings.streaming();
        Preset first = outputs.get(0);
        if (streaming.enabled() && info.width() > 0) {
            Preset top = HlsLadder.plan(streaming.rungs(), outputs, info.width(), info.height()).get(0).preset();
            return ChunkPlan.of(info.duration(), top.fps(), streaming.segmentGops() * top.gop(), chunkSeconds);
        }
        return ChunkPlan.of(info.duration(), first.fps(), first.gop(), chunkSeconds);
    }

    /** The key of chunk {@code k}'s part of MP4 output {@code i} ({@code rung} false) or rung-only encode {@code i}. */
    public static String chunkKey(String work, int k, boolean rung, int i) {
        return work + String.format("c%05d/%s%d", k, rung ? "r" : "o", i) + PART;
    }

    public static String audioKey(String work, Preset preset) {
        return work + "audio/" + FfmpegCommand.audioName(preset) + PART;
    }

    /**
     * Downloads and probes the source (unless this worker kept it from an earlier task of the job: {@link #source}),
     * encodes chunk {@code k} of every output (and rung-only encode), then uploads the parts. The request's listener
     * hears the chunk's own progress.
     *
     * @return what ffprobe found in the source
     */
    public FfmpegProbe.MediaInfo encodeChunk(MediaEncoder.Request request, ChunkPlan plan, int k, String work) {
        try (JobDir dir = jobDir(request); SourceCache.Lease source = source(request, work)) {
            Path input = source.file();
            FfmpegProbe.MediaInfo info = source.info();
            MediaEncoder.Steps none = new MediaEncoder.Steps() { };
            List<FfmpegCommand.Output> files = encoder.outputFiles(request, dir.path(), none);
            StreamingJob streaming = streaming(request, files, dir.path(), info);
            FfmpegCommand.StreamingOutputs rungs = streaming == null ? null : streaming.outputs();
            encoder.slots().run(() -> process.transcode(
                    encoder.command.buildChunk(input, info.formatName(), files, rungs, plan, k),
                    request.inputBucket(), request.inputKey(), request.jobId(), plan.length(k, info.duration()),
                    request.listener()), request.inputBucket(), request.inputKey());
            List<Path> parts = new ArrayList<>(files.stream().map(FfmpegCommand.Output::file).toList());
            if (rungs != null) {
                rungs.rungs().forEach(r -> parts.add(r.file()));
            }
            for (int i = 0; i < parts.size(); i++) {
                boolean rung = i >= files.size();
                String key = chunkKey(work, k, rung, rung ? i - files.size() : i);
                if (!MediaEncoder.isWritten(parts.get(i), request, none)) {
                    throw new TranscodeFailedException("ffmpeg wrote no part for chunk " + k + " of "
                            + request.object(), request.inputBucket(), request.inputKey(), null);
                }
                put(request, parts.get(i), key);
            }
            return info;
        }
    }

    /**
     * How many audio tasks a job of {@code request} has: one per distinct audio setting of its outputs (each an AAC
     * encode of the whole source, which one core does: as separate tasks they run on separate workers), one for a
     * source without audio (it only reports the source's figures).
     */
    public int audioTasks(MediaEncoder.Request request, FfmpegProbe.MediaInfo info) {
        return info.hasAudio() ? Math.max(1, audioSettings(request).size()) : 1;
    }

    /**
     * Downloads and probes the source (or reuses this worker's copy, as {@link #encodeChunk}), encodes its audio once
     * per audio setting of the outputs (none without audio), uploaded as parts.
     *
     * @return what ffprobe found in the source
     */
    public FfmpegProbe.MediaInfo encodeAudio(MediaEncoder.Request request, String work) {
        return encodeAudio(request, work, -1);
    }

    /**
     * As {@link #encodeAudio(MediaEncoder.Request, String)}, only audio setting {@code setting} (0 to
     * {@link #audioTasks} - 1), or every setting when negative.
     */
    public FfmpegProbe.MediaInfo encodeAudio(MediaEncoder.Request request, String work, int setting) {
        try (JobDir dir = jobDir(request); SourceCache.Lease source = source(request, work)) {
            Path input = source.file();
            FfmpegProbe.MediaInfo info = source.info();
            if (!info.hasAudio()) {
                return info;
            }
            List<Map.Entry<String, Preset>> settings = new ArrayList<>(audioSettings(request).entrySet());
            if (setting >= settings.size()) {
                throw new IllegalArgumentException("audio setting " + setting + " of " + request.object()
                        + ": its outputs have " + settings.size());
            }
            for (Map.Entry<String, Preset> audio : setting < 0 ? settings : List.of(settings.get(setting))) {
                Path file = dir.path().resolve(audio.getKey() + ".m4a");
                encoder.slots().run(() -> process.transcode(
                        encoder.command.buildAudio(input, info.formatName(), audio.getValue(), file),
                        request.inputBucket(), request.inputKey(), request.jobId(), info.duration(),
                        ProgressListener.NONE), request.inputBucket(), request.inputKey());
                put(request, file, audioKey(work, audio.getValue()));
            }
            return info;
        }
    }

    /**
     * Downloads the parts, stitches every output, packages the stream (when on) and uploads it all as
     * {@link MediaEncoder#encode} does, with the same {@code steps}.
     *
     * <p>The stitch is the one serial step of a chunked job, so it overlaps what it can on its worker's cores: the
     * next output's parts download while one output is joined, and the pictures are decoded from their source
     * rendition (joined first) while the other outputs are joined, the rungs packaged and the MP4s uploaded. The
     * log line says where its time went.
     *
     * @param info what the audio task's probe found in the source (size, duration, audio)
     */
    public MediaEncoder.Result stitch(MediaEncoder.Request request, ChunkPlan plan, String work,
                                      FfmpegProbe.MediaInfo info, MediaEncoder.Steps steps) {
        // every chunk is done: this worker's copy of the source is needed no more, and the parts want the disk
        sources.remove(sourceName(work));
        ExecutorService background = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "stitch-" + request.jobId());
            thread.setDaemon(true);
            return thread;
        });
        try (JobDir dir = jobDir(request)) {
            try {
                return stitch(request, plan, work, info, steps, dir.path(), background);
            } finally {
                stop(background, request); // a pictures ffmpeg still running dies before its dir goes
            }
        } catch (IOException e) {
            throw MediaEncoder.localFileError(request, e, steps);
        }
    }

    private MediaEncoder.Result stitch(MediaEncoder.Request request, ChunkPlan plan, String work,
                                       FfmpegProbe.MediaInfo info, MediaEncoder.Steps steps, Path dir,
                                       ExecutorService background) throws IOException {
        StitchTimes times = new StitchTimes();
        List<FfmpegCommand.Output> files = encoder.outputFiles(request, dir, steps);
        StreamingJob streaming = streaming(request, files, dir, info);
        Path parts = Files.createDirectory(dir.resolve("parts"));
        Map<String, Path> audio = new LinkedHashMap<>();
        if (info.hasAudio()) {
            times.parts.time(() -> {
                for (Map.Entry<String, Preset> a : audioSettings(request).entrySet()) {
                    Path file = parts.resolve(a.getKey() + ".m4a");
                    get(request, audioKey(work, a.getValue()), file);
                    audio.put(a.getKey(), file);
                }
            });
        }
        List<Join> joins = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            joins.add(new Join(false, i, files.get(i)));
        }
        if (streaming != null) {
            List<FfmpegCommand.Output> rungs = streaming.outputs().rungs();
            for (int i = 0; i < rungs.size(); i++) {
                joins.add(new Join(true, i, rungs.get(i)));
            }
        }
        FfmpegCommand.Pictures pictures = streaming == null ? null : streaming.outputs().pictures();
        Path pictureSource = pictures == null ? null
                : pictureSource(joins.stream().map(Join::output).toList(), pictures, info);
        // the pictures' source first: its decode then runs beside everything else
        joins.sort(Comparator.comparing(j -> !j.output().file().equals(pictureSource)));
        Future<?> pictured = MediaEncoder.call(MediaEncoder.Step.ENCODE, steps,
                () -> joinAll(request, plan, work, parts, joins, audio, pictureSource, pictures, background, times));
        for (FfmpegCommand.Output file : files) {
            if (!MediaEncoder.isWritten(file.file(), request, steps)) {
                throw steps.failed(MediaEncoder.Step.OUTPUTS, null, new TranscodeFailedException("the stitch wrote"
                        + " no " + file.preset().name() + " output for " + request.object(), request.inputBucket(),
                        request.inputKey(), null));
            }
        }
        if (streaming != null) {
            MediaEncoder.run(MediaEncoder.Step.ENCODE, steps, () -> times.packaging.time(() -> {
                try {
                    streaming.packageRungs(encoder.settings.ffmpegPath(), process, request.inputBucket(),
                            request.inputKey(), request.jobId());
                } catch (IOException e) {
                    throw MediaEncoder.packageError(request, e);
                }
            }));
        }
        steps.encoded(files.stream().map(FfmpegCommand.Output::file).toList());
        List<String> written = times.uploads.call(() -> encoder.upload(request, files, info.duration(), steps));
        List<String> streamed = List.of();
        if (streaming != null) {
            MediaEncoder.run(MediaEncoder.Step.ENCODE, steps, () -> times.picturesWait.time(() -> {
                await(pictured, request);
                try {
                    streaming.finishPictures();
                } catch (IOException e) {
                    throw MediaEncoder.packageError(request, e);
                }
            }));
            streamed = times.uploads.call(() -> encoder.uploadPackage(request, streaming, steps));
        }
        LOG.info("Stitch of {} ({} renditions, {} chunks): {}", request.object(), joins.size(), plan.count(), times);
        return new MediaEncoder.Result(info, written, streamed);
    }

    /** One output's chunks to join: MP4 output {@code index}, or rung-only encode {@code index} when {@code rung}. */
    private record Join(boolean rung, int index, FfmpegCommand.Output output) {
    }

    /**
     * Joins every output in order, the next one's parts downloading meanwhile; starts the pictures once their source
     * is joined.
     *
     * @return the pictures' decode, running (null without pictures)
     */
    private Future<?> joinAll(MediaEncoder.Request request, ChunkPlan plan, String work, Path parts, List<Join> joins,
                              Map<String, Path> audio, Path pictureSource, FfmpegCommand.Pictures pictures,
                              ExecutorService background, StitchTimes times) {
        Future<?> pictured = null;
        Future<List<Path>> next = background.submit(() -> download(request, plan, work, parts, joins.get(0)));
        for (int j = 0; j < joins.size(); j++) {
            Join join = joins.get(j);
            Future<List<Path>> mine = next;
            List<Path> chunks = times.parts.call(() -> await(mine, request));
            if (j + 1 < joins.size()) {
                Join following = joins.get(j + 1);
                next = background.submit(() -> download(request, plan, work, parts, following));
            }
            Path list = parts.resolve((join.rung() ? "r" : "o") + join.index() + ".ffconcat");
            write(request, list, FfmpegCommand.concatList(chunks));
            Preset preset = join.output().preset();
            times.joins.time(() -> process.transcode(encoder.command.buildStitch(list,
                    audio.get(FfmpegCommand.audioName(preset)), join.output().file(), !join.rung()),
                    request.inputBucket(), request.inputKey(), request.jobId(), null, ProgressListener.NONE));
            for (Path chunk : chunks) {
                delete(chunk); // room for the next output's chunks
            }
            if (join.output().file().equals(pictureSource)) {
                pictured = background.submit(() -> times.pictures.time(() -> process.transcode(
                        encoder.command.buildPictures(pictureSource, pictures), request.inputBucket(),
                        request.inputKey(), request.jobId(), null, ProgressListener.NONE)));
            }
        }
        return pictured;
    }

    private List<Path> download(MediaEncoder.Request request, ChunkPlan plan, String work, Path parts, Join join) {
        List<Path> chunks = new ArrayList<>();
        for (int k = 0; k < plan.count(); k++) {
            Path chunk = parts.resolve(String.format("c%05d-%s%d.mp4", k, join.rung() ? "r" : "o", join.index()));
            get(request, chunkKey(work, k, join.rung(), join.index()), chunk);
            chunks.add(chunk);
        }
        return chunks;
    }

    private static <T> T await(Future<T> work, MediaEncoder.Request request) {
        try {
            return work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new TranscodeFailedException("the stitch of " + request.object() + " failed: " + e.getCause(),
                    request.inputBucket(), request.inputKey(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranscodeFailedException("the stitch of " + request.object() + " was interrupted",
                    request.inputBucket(), request.inputKey(), e);
        }
    }

    private static void stop(ExecutorService background, MediaEncoder.Request request) {
        background.shutdownNow();
        try {
            if (!background.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("The stitch of {} left a download or the pictures' ffmpeg running", request.object());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The job's source on this worker: downloaded and probed by the first of its tasks here, reused by the next ones
     * (at most {@code pipeline.transcode.source-cache-size} jobs' sources kept). The name is a hash of the work prefix,
     * which names the job ({@code ChunkedJobs}: the prefix and the job id, itself a hash of the upload's bucket, key
     * and ETag and of the outputs): another ETag is another job and never gets this copy.
     */
    private SourceCache.Lease source(MediaEncoder.Request request, String work) {
        try {
            return sources.acquire(sourceName(work), TempFiles.extension(request.inputKey()), file -> {
                encoder.download(request, file);
                return encoder.probe.probe(file, request.inputBucket(), request.inputKey());
            });
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot create a temp dir in " + encoder.settings.workDir() + " for "
                    + request.object() + ": " + e, request.inputBucket(), request.inputKey(), e);
        }
    }

    /** {@code <kind>source-} and 16 hex digits of SHA-256 over the work prefix: a file name, swept like a job's dir. */
    String sourceName(String work) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(work.getBytes(StandardCharsets.UTF_8));
            return encoder.kind + "source-" + HexFormat.of().formatHex(sha).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** How many jobs' sources this worker keeps now. */
    int keptSources() {
        return sources.size();
    }

    /**
     * The stitched file the pictures are decoded from: the smallest (in pixels) at least as wide as the widest picture
     * and as tall as a storyboard tile, of the first output's frame rate (the same frames, so the same picture times
     * as before); else the largest of that rate. Decoding a 640x360 rung instead of the 1080p output is most of the
     * stitch's serial time saved on a long source: the pictures are scaled down to at most that width anyway.
     */
    static Path pictureSource(List<FfmpegCommand.Output> stitched, FfmpegCommand.Pictures pictures,
                              FfmpegProbe.MediaInfo info) {
        int needWidth = Math.max(pictures.posterWidth(), Math.max(pictures.thumbnailWidth(), pictures.tileWidth()));
        String rate = FfmpegCommand.frameRate(stitched.get(0).preset().fps());
        FfmpegCommand.Output best = null;
        long bestArea = 0;
        FfmpegCommand.Output largest = stitched.get(0);
        long largestArea = 0;
        for (FfmpegCommand.Output candidate : stitched) {
            Preset p = candidate.preset();
            if (!FfmpegCommand.frameRate(p.fps()).equals(rate)) {
                continue;
            }
            int[] size = HlsLadder.fit(info.width(), info.height(), p.maxWidth(), p.maxHeight());
            long area = (long) size[0] * size[1];
            if (area > largestArea) {
                largest = candidate;
                largestArea = area;
            }
            if (size[0] >= needWidth && size[1] >= pictures.tileHeight() && (best == null || area < bestArea)) {
                best = candidate;
                bestArea = area;
            }
        }
        return (best != null ? best : largest).file();
    }

    /** One audio encode per distinct audio setting, named by {@link FfmpegCommand#audioName}. */
    private Map<String, Preset> audioSettings(MediaEncoder.Request request) {
        Map<String, Preset> audio = new LinkedHashMap<>();
        for (MediaEncoder.Output output : request.outputs()) {
            audio.putIfAbsent(FfmpegCommand.audioName(output.preset()), output.preset());
        }
        StreamingSettings streaming = encoder.settings.streaming();
        if (streaming.enabled()) {
            for (Preset rung : streaming.rungs()) {
                audio.putIfAbsent(FfmpegCommand.audioName(rung), rung);
            }
        }
        return audio;
    }

    private StreamingJob streaming(MediaEncoder.Request request, List<FfmpegCommand.Output> files, Path dir,
                                   FfmpegProbe.MediaInfo info) {
        if (!encoder.settings.streaming().enabled() || info.width() <= 0) {
            return null;
        }
        MediaEncoder.Output first = request.outputs().get(0);
        String base = StreamingPackage.baseOf(first.key(), first.preset().name());
        if (base == null) {
            return null;
        }
        try {
            return StreamingJob.plan(encoder.settings.streaming(), files, dir, base, info);
        } catch (IOException e) {
            throw new TranscodeFailedException("local file error in " + request.object() + ": " + e,
                    request.inputBucket(), request.inputKey(), e);
        }
    }

    private JobDir jobDir(MediaEncoder.Request request) {
        if (!request.jobId().startsWith(encoder.kind)) {
            throw new IllegalArgumentException("job id '" + request.jobId() + "' does not start with '"
                    + encoder.kind + "'");
        }
        try {
            return JobDir.create(encoder.settings.workDir(), request.jobId());
        } catch (IOException e) {
            throw new TranscodeFailedException("cannot create a temp dir in " + encoder.settings.workDir() + " for "
                    + request.object() + ": " + e, request.inputBucket(), request.inputKey(), e);
        }
    }

    private void put(MediaEncoder.Request request, Path file, String key) {
        try {
            encoder.uploader.upload(file, request.outputBucket(), key, "application/octet-stream", Map.of());
        } catch (IOException | SdkException e) {
            throw new TranscodeFailedException("cannot upload the part s3://" + request.outputBucket() + "/"
                    + LogText.safe(key) + ": " + e.getMessage(), request.inputBucket(), request.inputKey(), e);
        }
    }

    private void get(MediaEncoder.Request request, String key, Path file) {
        try {
            encoder.s3.getObject(b -> b.bucket(request.outputBucket()).key(key), file);
        } catch (SdkException e) {
            throw new TranscodeFailedException("cannot download the part s3://" + request.outputBucket() + "/"
                    + LogText.safe(key) + ": " + e.getMessage(), request.inputBucket(), request.inputKey(), e);
        }
    }

    private static void write(MediaEncoder.Request request, Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new TranscodeFailedException("local file error in " + request.object() + ": " + e,
                    request.inputBucket(), request.inputKey(), e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // only disk space until the job dir goes
        }
    }

    /** A chunk's share of the job: its length over the source's, for progress summed over chunks. */
    public static double share(ChunkPlan plan, int k, Duration total) {
        double all = total.toNanos();
        return all <= 0 ? 1.0 / plan.count() : plan.length(k, total).toNanos() / all;
    }
}
