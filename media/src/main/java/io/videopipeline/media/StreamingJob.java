package io.videopipeline.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The streaming part of one {@link MediaEncoder} job: which rungs and pictures the encode writes beside the MP4s,
 * then the stream-copy packaging into HLS, the master playlist and the storyboard's cues.
 */
final class StreamingJob {

    private final StreamingPackage pkg;
    private final List<HlsLadder.Rung> rungs;
    private final List<Path> rungFiles;
    private final FfmpegCommand.StreamingOutputs outputs;
    private final double segmentSeconds;
    private final double durationSeconds;
    private final boolean withAudio;

    private StreamingJob(StreamingPackage pkg, List<HlsLadder.Rung> rungs, List<Path> rungFiles,
                         FfmpegCommand.StreamingOutputs outputs, double segmentSeconds, double durationSeconds,
                         boolean withAudio) {
        this.pkg = pkg;
        this.rungs = rungs;
        this.rungFiles = rungFiles;
        this.outputs = outputs;
        this.segmentSeconds = segmentSeconds;
        this.durationSeconds = durationSeconds;
        this.withAudio = withAudio;
    }

    /**
     * @param mp4  the job's MP4 outputs (their encodes are reused by rungs of the same box and rate)
     * @param base {@code {dir}{name}/{name}}, where the package's keys start
     */
    static StreamingJob plan(StreamingSettings settings, List<FfmpegCommand.Output> mp4, Path jobDir, String base,
                             FfmpegProbe.MediaInfo info) throws IOException {
        List<Preset> presets = mp4.stream().map(FfmpegCommand.Output::preset).toList();
        List<HlsLadder.Rung> rungs = HlsLadder.plan(settings.rungs(), presets, info.width(), info.height());
        StreamingPackage pkg = new StreamingPackage(jobDir.resolve("pkg"), base);
        List<Path> rungFiles = new ArrayList<>();
        List<FfmpegCommand.Output> encodes = new ArrayList<>();
        List<Integer> reused = new ArrayList<>();
        for (HlsLadder.Rung rung : rungs) {
            if (rung.reusedOutput() >= 0) {
                rungFiles.add(mp4.get(rung.reusedOutput()).file());
                reused.add(rung.reusedOutput());
            } else {
                Path file = jobDir.resolve("out").resolve("rung-" + rung.name() + ".mp4");
                encodes.add(new FfmpegCommand.Output(rung.preset(), file));
                rungFiles.add(file);
            }
        }
        double duration = info.duration() == null ? 0 : info.duration().toMillis() / 1000.0;
        int interval = Math.max(settings.storyboardIntervalSeconds(),
                (int) Math.ceil(duration / settings.maxTiles()));
        int tiles = StreamingPackage.tiles(duration, interval);
        int columns = Math.min(settings.columns(), tiles);
        int tileHeight = Math.max(2, (int) Math.round((double) settings.tileWidth() * info.height() / info.width()
                / 2) * 2);
        FfmpegCommand.Pictures pictures = new FfmpegCommand.Pictures(pkg.poster(),
                jobDir.resolve("out").resolve("poster-any.jpg"), settings.posterWidth(), settings.posterWindowSeconds(),
                settings.posterMinLuma(), pkg.thumbnailPattern(), settings.thumbnailWidth(),
                settings.thumbnailIntervalSeconds(), pkg.sprite(), settings.tileWidth(), tileHeight, interval, columns,
                (tiles + columns - 1) / columns);
        Preset top = rungs.get(0).preset();
        int segmentFrames = settings.segmentGops() * top.gop();
        // the muxer cuts segment k at the first keyframe at or after k x hls_time: a microsecond under the length
        // makes that the boundary frame itself (the error adds up to one frame only after ~30,000 segments),
        // never a scene-cut keyframe of a reused MP4 just before it
        double segment = segmentFrames / FfmpegCommand.fps(top.fps()) - 1e-6;
        return new StreamingJob(pkg, rungs, rungFiles, new FfmpegCommand.StreamingOutputs(encodes, reused,
                segmentFrames, pictures), segment, duration, info.hasAudio());
    }

    FfmpegCommand.StreamingOutputs outputs() {
        return outputs;
    }

    List<Path> rungFiles() {
        return rungFiles;
    }

    /**
     * After the encode: the poster chosen among all frames if every frame of the window was dark, then packages the
     * rungs (stream copy), writes the master and the storyboard's cues.
     */
    void finish(String ffmpeg, FfmpegProcess process, String bucket, String key, String jobId) throws IOException {
        packageRungs(ffmpeg, process, bucket, key, jobId);
        finishPictures();
    }

    /** Packages the rungs (stream copy) and writes the master: needs the rung files, not the pictures. */
    void packageRungs(String ffmpeg, FfmpegProcess process, String bucket, String key, String jobId)
            throws IOException {
        process.transcode(pkg.packagerCommand(ffmpeg, rungs, rungFiles, withAudio, segmentSeconds), bucket, key,
                jobId, durationSeconds > 0 ? Duration.ofMillis((long) (durationSeconds * 1000)) : null,
                ProgressListener.NONE);
        pkg.writeMaster(rungs, withAudio);
    }

    /** Once the pictures are written: the dark video's poster, and the storyboard's cues. */
    void finishPictures() throws IOException {
        FfmpegCommand.Pictures pictures = outputs.pictures();
        if ((!Files.isRegularFile(pictures.poster()) || Files.size(pictures.poster()) == 0)
                && Files.isRegularFile(pictures.anyPoster())) {
            Files.move(pictures.anyPoster(), pictures.poster(), StandardCopyOption.REPLACE_EXISTING);
        }
        pkg.writeStoryboard(durationSeconds, pictures);
    }

    List<StreamingPackage.Upload> uploads() throws IOException {
        return pkg.uploads();
    }
}
