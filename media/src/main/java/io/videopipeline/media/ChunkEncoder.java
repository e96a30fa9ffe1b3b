package io.videopipeline.media;

import io.videopipeline.logging.LogText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * of the first stitched rendition.
 *
 * <p>Which task runs when, and when a job is complete, is the caller's: this class only does media work.
 */
public final class ChunkEncoder {

    /** The part suffix: nothing the output bucket notifies on. */
    public static final String PART = ".part";

    private final MediaEncoder encoder;
    private final FfmpegProcess process;

    public ChunkEncoder(MediaEncoder encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.process = encoder.process();
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
     * Downloads the source, probes it and encodes chunk {@code k} of every output (and rung-only encode), then
     * uploads the parts. The request's listener hears the chunk's own progress.
     *
     * @return what ffprobe found in the source
     */
    public FfmpegProbe.MediaInfo encodeChunk(MediaEncoder.Request request, ChunkPlan plan, int k, String work) {
        try (JobDir dir = jobDir(request)) {
            Path input = dir.path().resolve("source" + TempFiles.extension(request.inputKey()));
            encoder.download(request, input);
            FfmpegProbe.MediaInfo info = encoder.probe.probe(input, request.inputBucket(), request.inputKey());
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
     * Downloads the source, probes it and encodes its audio once per audio setting of the outputs (none without
     * audio), uploaded as parts.
     *
     * @return what ffprobe found in the source
     */
    public FfmpegProbe.MediaInfo encodeAudio(MediaEncoder.Request request, String work) {
        try (JobDir dir = jobDir(request)) {
            Path input = dir.path().resolve("source" + TempFiles.extension(request.inputKey()));
            encoder.download(request, input);
            FfmpegProbe.MediaInfo info = encoder.probe.probe(input, request.inputBucket(), request.inputKey());
            if (!info.hasAudio()) {
                return info;
            }
            for (Map.Entry<String, Preset> audio : audioSettings(request).entrySet()) {
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
     * @param info what the audio task's probe found in the source (size, duration, audio)
     */
    public MediaEncoder.Result stitch(MediaEncoder.Request request, ChunkPlan plan, String work,
                                      FfmpegProbe.MediaInfo info, MediaEncoder.Steps steps) {
        try (JobDir dir = jobDir(request)) {
            List<FfmpegCommand.Output> files = encoder.outputFiles(request, dir.path(), steps);
            StreamingJob streaming = streaming(request, files, dir.path(), info);
            Path parts = Files.createDirectory(dir.path().resolve("parts"));
            Map<String, Path> audio = new LinkedHashMap<>();
            if (info.hasAudio()) {
                for (Map.Entry<String, Preset> a : audioSettings(request).entrySet()) {
                    Path file = parts.resolve(a.getKey() + ".m4a");
                    get(request, audioKey(work, a.getValue()), file);
                    audio.put(a.getKey(), file);
                }
            }
            List<FfmpegCommand.Output> all = new ArrayList<>(files);
            if (streaming != null) {
                all.addAll(streaming.outputs().rungs());
            }
            MediaEncoder.run(MediaEncoder.Step.ENCODE, steps, () -> {
                for (int i = 0; i < all.size(); i++) {
                    boolean rung = i >= files.size();
                    int index = rung ? i - files.size() : i;
                    List<Path> chunks = new ArrayList<>();
                    for (int k = 0; k < plan.count(); k++) {
                        Path chunk = parts.resolve(String.format("c%05d-%s%d.mp4", k, rung ? "r" : "o", index));
                        get(request, chunkKey(work, k, rung, index), chunk);
                        chunks.add(chunk);
                    }
                    Path list = parts.resolve((rung ? "r" : "o") + index + ".ffconcat");
                    write(request, list, FfmpegCommand.concatList(chunks));
                    Preset preset = all.get(i).preset();
                    process.transcode(encoder.command.buildStitch(list, audio.get(FfmpegCommand.audioName(preset)),
                            all.get(i).file(), !rung), request.inputBucket(), request.inputKey(), request.jobId(),
                            null, ProgressListener.NONE);
                    for (Path chunk : chunks) {
                        delete(chunk); // room for the next output's chunks
                    }
                }
            });
            for (FfmpegCommand.Output file : files) {
                if (!MediaEncoder.isWritten(file.file(), request, steps)) {
                    throw steps.failed(MediaEncoder.Step.OUTPUTS, null, new TranscodeFailedException("the stitch wrote"
                            + " no " + file.preset().name() + " output for " + request.object(), request.inputBucket(),
                            request.inputKey(), null));
                }
            }
            if (streaming != null) {
                MediaEncoder.run(MediaEncoder.Step.ENCODE, steps, () -> {
                    process.transcode(encoder.command.buildPictures(files.get(0).file(), streaming.outputs().pictures()),
                            request.inputBucket(), request.inputKey(), request.jobId(), null, ProgressListener.NONE);
                    try {
                        streaming.finish(encoder.settings.ffmpegPath(), process, request.inputBucket(),
                                request.inputKey(), request.jobId());
                    } catch (IOException e) {
                        throw new TranscodeFailedException("cannot write the HLS package of " + request.object()
                                + ": " + e, request.inputBucket(), request.inputKey(), e);
                    }
                });
            }
            steps.encoded(files.stream().map(FfmpegCommand.Output::file).toList());
            List<String> written = encoder.upload(request, files, info.duration(), steps);
            return new MediaEncoder.Result(info, written,
                    streaming == null ? List.of() : encoder.uploadPackage(request, streaming, steps));
        } catch (IOException e) {
            throw MediaEncoder.localFileError(request, e, steps);
        }
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
