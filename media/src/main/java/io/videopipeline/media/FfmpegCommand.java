package io.videopipeline.media;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the one ffmpeg invocation of a job: the input is decoded once and its first video stream is
 * {@code split} into one filter chain per preset (or per size: below), each encoded to its own MP4. With the
 * source's frame rate unknown:
 *
 * <pre>
 * ffmpeg -hide_banner -nostdin -y -loglevel level+warning -nostats -progress pipe:1
 *   -protocol_whitelist file -format_whitelist mov,mp4,...,ogg -max_pixels 33177600 -f mov -i file:IN
 *   -filter_complex "[0:v:0]split=3[v0][v1][v2];[v0]fps=30000/1001,scale=...,format=yuv420p[o0];..."
 *   -map [o0] -map 0:a:0 -c:v libx264 -preset fast -profile:v baseline -level:v 4.0
 *       -b:v 5400k -maxrate:v 5400k -bufsize:v 10800k -g 90 -refs 3
 *       -c:a aac -b:a 160k -ar 44100 -ac 2 -movflags +faststart -f mp4 file:OUT0
 *   -map [o1] ...
 * </pre>
 *
 * <p>Decisions:
 * <ul>
 *   <li><b>Sizing</b> is Elastic Transcoder's ShrinkToFit without upscaling: fit inside the preset's box keeping
 *       the aspect ratio ({@code scale=w='min(iw,W)':h='min(ih,H)':force_original_aspect_ratio=decrease}), so a
 *       source that already fits keeps its size and a portrait source stays portrait inside the landscape box
 *       (1080x1920 gives 608x1080 and 404x720). The box is not rotated for portrait sources, as in ET.
 *       {@code force_divisible_by=2} rounds to the even sizes 4:2:0 H.264 needs. ffmpeg applies the source's
 *       rotation metadata before the filters, so phone videos are sized as displayed.</li>
 *   <li><b>Rate control</b> is constant bit rate in the HLS/ET sense, not padded CBR: {@code -b:v} = {@code
 *       -maxrate} = the preset's rate with a two-second VBV buffer ({@code -bufsize} = 2 x rate), so peaks never
 *       exceed the preset while simple scenes may use less (no filler NAL units).</li>
 *   <li><b>Frame rate</b> is the preset's, forced with the {@code fps} filter; ET's decimal NTSC rates
 *       (23.976, 29.97, 59.94) become the exact rationals (24000/1001, ...).</li>
 *   <li><b>One scale per size.</b> Outputs with the same box (Generic 720p and Web 720p) share one {@code scale},
 *       split after it into each one's {@code fps}, when the source's frame rate is no higher than their rates
 *       together, so that it scales no more frames than a scale each would ({@code [vK]scale=..,format=yuv420p,
 *       split=2[s1][s2];[s1]fps=30000/1001[o1];[s2]fps=30[o2]}). The frames are the same: {@code fps} only picks
 *       frames by their timestamps. On a 60 s 1080p clip this took 3.4 % off the job's wall time and CPU (issue
 *       20; three separate runs, one per preset, took 17 % more). With the frame rate unknown, or a faster source
 *       (a 120 fps slow-motion clip), each output keeps its own {@code fps,scale}.</li>
 *   <li><b>Audio</b>: the first audio stream only, AAC-LC at the preset's rate; a source without audio gives
 *       video-only outputs ({@code -an}); the caller knows from ffprobe (see {@link FfmpegProbe}).</li>
 *   <li><b>Streaming</b> ({@link StreamingOutputs}, when {@link StreamingSettings#enabled()}): the same split gets
 *       more branches after the MP4 ones: HLS rungs no MP4 preset encodes (same options plus {@code -keyint_min GOP
 *       -sc_threshold 0}: a fixed GOP), the
 *       poster ({@code trim,fps=2,scale,signalstats}, then {@code thumbnail} of the frames that are not dark, and of
 *       all frames for a video dark all through), thumbnails ({@code select} of the first frame of every N s,
 *       {@code scale}) and the storyboard sprite (the same, {@code tile}). {@link StreamingPackage} then packages the rungs by stream copy. Every rung,
 *       and every MP4 a rung reuses, gets a keyframe at each segment boundary ({@code -force_key_frames} by frame
 *       number), so the segments start at the same frames in every rung; the MP4s' options are otherwise the same
 *       and a job without streaming gets exactly the command above.</li>
 *   <li>Paths get the {@code file:} prefix so that nothing in a path is read as a protocol or option.</li>
 *   <li>The input is untrusted: it may open nothing but itself as a local file, only as one of the video
 *       containers of {@link MediaGuard}, with the demuxer the probe saw forced ({@code -f}), and decoders refuse
 *       frames over {@code -max_pixels} ({@link InputLimits#maxPixels()}).</li>
 * </ul>
 */
public final class FfmpegCommand {

    /** One rendition: the preset and the local file ffmpeg writes it to. */
    public record Output(Preset preset, Path file) {
        public Output {
            Objects.requireNonNull(preset, "preset");
            Objects.requireNonNull(file, "file");
        }
    }

    private static final Map<String, String> NTSC_RATES = Map.of(
            "23.976", "24000/1001", "23.98", "24000/1001",
            "29.97", "30000/1001",
            "59.94", "60000/1001",
            "47.952", "48000/1001");

    private final String ffmpegPath;
    private final String x264Preset;
    private final int threads;
    private final long maxPixels;

    public FfmpegCommand(FfmpegSettings settings) {
        this(settings.ffmpegPath(), settings.x264Preset(), settings.threads(), settings.limits().maxPixels());
    }

    public FfmpegCommand(String ffmpegPath, String x264Preset, int threads) {
        this(ffmpegPath, x264Preset, threads, InputLimits.DEFAULTS.maxPixels());
    }

    public FfmpegCommand(String ffmpegPath, String x264Preset, int threads, long maxPixels) {
        this.ffmpegPath = Objects.requireNonNull(ffmpegPath, "ffmpegPath");
        this.x264Preset = Objects.requireNonNull(x264Preset, "x264Preset");
        this.threads = threads;
        this.maxPixels = maxPixels;
    }

    /** {@link #build(Path, String, List, boolean)} without forcing a demuxer (the allow-list still applies). */
    public List<String> build(Path input, List<Output> outputs, boolean withAudio) {
        return build(input, null, outputs, withAudio);
    }

    /**
     * @param input       the downloaded source
     * @param formatName  the demuxer ffprobe found ({@link FfmpegProbe.MediaInfo#formatName()}), forced with
     *                    {@code -f} so the encode reads the file exactly as the probe did; null: not forced
     * @param outputs     one per preset, in order
     * @param withAudio   whether the source has an audio stream to encode
     * @return the command line, program first
     */
    public List<String> build(Path input, String formatName, List<Output> outputs, boolean withAudio) {
        return build(input, formatName, outputs, withAudio, null, 0);
    }

    /**
     * As {@link #build(Path, String, List, boolean)}, and with {@code extras} (null: none) also the HLS rungs no
     * MP4 preset encodes and the pictures, as more branches of the same split: the MP4 part of the command is the
     * same either way. {@code sourceFps}, the source's frame rate ({@link FfmpegProbe.MediaInfo#frameRate()}, 0:
     * unknown), decides whether outputs of the same size share one scale (class comment).
     */
    public List<String> build(Path input, String formatName, List<Output> outputs, boolean withAudio,
                              StreamingOutputs extras, double sourceFps) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("no outputs");
        }
        List<String> cmd = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-y",
                // level+: each line says its level, so the lines at level error, the decoder's complaints about a
                // damaged input it concealed, can be told from mere warnings (FfmpegProcess.Outcome)
                "-loglevel", "level+warning", "-nostats", "-progress", "pipe:1"));
        cmd.addAll(MediaGuard.inputOptions(MediaGuard.LOCAL_FILE, MediaGuard.VIDEO_DEMUXERS, maxPixels));
        if (formatName != null) {
            if (!MediaGuard.allowed(formatName, MediaGuard.VIDEO_DEMUXERS)) {
                throw new IllegalArgumentException("format '" + formatName + "' is not an allowed video container");
            }
            cmd.addAll(List.of("-f", MediaGuard.forcedFormat(formatName)));
        }
        String graph = filterGraph(encodes(outputs, extras), extras == null ? null : extras.pictures(), sourceFps);
        cmd.addAll(List.of("-i", fileUrl(input), "-filter_complex", graph));
        for (int i = 0; i < outputs.size(); i++) {
            encode(cmd, "[o" + i + "]", outputs.get(i).preset(), withAudio);
            if (extras != null && extras.reusedOutputs().contains(i)) {
                cmd.addAll(segmentKeyframes(extras.segmentFrames()));
            }
            // -map_metadata -1: the upload's container tags (a phone's GPS "location", device, title) are not
            // copied into renditions that set-permissions makes public; stream tags (language) are kept
            cmd.addAll(List.of("-map_metadata", "-1", "-sn", "-dn", "-movflags", "+faststart", "-f", "mp4",
                    fileUrl(outputs.get(i).file())));
        }
        if (extras != null) {
            extras(cmd, outputs.size(), extras, withAudio);
        }
        return cmd;
    }

    private void encode(List<String> cmd, String label, Preset p, boolean withAudio) {
        cmd.addAll(List.of("-map", label));
        if (withAudio) {
            cmd.addAll(List.of("-map", "0:a:0"));
        }
        cmd.addAll(List.of("-c:v", "libx264", "-preset", x264Preset,
                "-profile:v", p.profile(), "-level:v", p.level(),
                "-b:v", p.videoBitrateKbps() + "k",
                "-maxrate:v", p.videoBitrateKbps() + "k",
                "-bufsize:v", (2 * p.videoBitrateKbps()) + "k",
                "-g", String.valueOf(p.gop())));
        if (p.refs() != null) {
            cmd.addAll(List.of("-refs", String.valueOf(p.refs())));
        }
        if (threads > 0) {
            cmd.addAll(List.of("-threads", String.valueOf(threads)));
        }
        if (withAudio) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", p.audioBitrateKbps() + "k",
                    "-ar", String.valueOf(p.sampleRate()), "-ac", String.valueOf(p.channels())));
        } else {
            cmd.add("-an");
        }
    }

    /**
     * The rung-only encodes (an intermediate MP4 each, packaged into HLS afterwards with the reused MP4s: a fixed
     * GOP with no scene-cut keyframes, so every segment boundary is a keyframe in every rung), then the pictures.
     */
    private void extras(List<String> cmd, int first, StreamingOutputs extras, boolean withAudio) {
        int label = first;
        for (Output rung : extras.rungs()) {
            encode(cmd, "[o" + label++ + "]", rung.preset(), withAudio);
            cmd.addAll(List.of("-keyint_min", String.valueOf(rung.preset().gop()), "-sc_threshold", "0"));
            cmd.addAll(segmentKeyframes(extras.segmentFrames()));
            cmd.addAll(List.of("-map_metadata", "-1", "-sn", "-dn", "-f", "mp4", fileUrl(rung.file())));
        }
        if (extras.pictures() != null) {
            pictureOutputs(cmd, label, extras.pictures());
        }
    }

    /** The four picture outputs, from the filter outputs {@code [o{label}]} to {@code [o{label+3}]}. */
    private static void pictureOutputs(List<String> cmd, int label, Pictures pictures) {
        for (Path poster : List.of(pictures.poster(), pictures.anyPoster())) {
            cmd.addAll(List.of("-map", "[o" + label++ + "]", "-frames:v", "1", "-update", "1", "-q:v", "3",
                    "-map_metadata", "-1", "-f", "image2", fileUrl(poster)));
        }
        // vfr: the image2 muxer would otherwise repeat each selected frame to fill a constant frame rate
        cmd.addAll(List.of("-map", "[o" + label++ + "]", "-fps_mode", "vfr", "-q:v", "4", "-map_metadata", "-1",
                "-f", "image2", fileUrl(pictures.thumbnailPattern())));
        cmd.addAll(List.of("-map", "[o" + label + "]", "-frames:v", "1", "-update", "1", "-q:v", "4",
                "-map_metadata", "-1", "-f", "image2", fileUrl(pictures.sprite())));
    }

    /**
     * A keyframe at every segment boundary, counted in frames of the fps filter (the same frames in every branch of
     * the split), so no rounding of times can move it. x264 keeps its own keyframes in between: on an MP4 that a
     * rung reuses, the scene cuts stay keyframes, yet the segmenter, which cuts at the first keyframe at a
     * boundary, cuts every rung at the same frames.
     */
    private static List<String> segmentKeyframes(int segmentFrames) {
        return List.of("-force_key_frames", "expr:eq(mod(n," + segmentFrames + "),0)");
    }

    /**
     * {@code command} also writing per-frame video statistics to {@code file} (a path in the job's temp dir), which
     * {@link FfmpegProcess} reads for progress that does not wait for every output to open. About 130 bytes per
     * frame of each video output: some 70 MB for an hour at 30 fps with five video outputs, beside gigabytes of
     * video in the same temp dir, and gone with it.
     */
    public static List<String> withVideoStats(List<String> command, Path file) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(1, List.of("-vstats_file", file.toAbsolutePath().toString()));
        return cmd;
    }

    /** The outputs, then the HLS rungs no MP4 preset encodes: the order of the command's {@code [oI]} labels. */
    private static List<Output> encodes(List<Output> outputs, StreamingOutputs extras) {
        List<Output> encodes = new ArrayList<>(outputs);
        if (extras != null) {
            encodes.addAll(extras.rungs());
        }
        return encodes;
    }

    /**
     * {@code [0:v:0]split=N[v0]..;[vK]fps=..,scale=..,format=yuv420p[oI];..} with one branch per encode, or per group
     * of encodes sharing a scale ({@link #branches}), then the picture chains (null: none).
     */
    static String filterGraph(List<Output> encodes, Pictures pictures, double sourceFps) {
        List<List<Integer>> branches = branches(encodes, sourceFps);
        int count = branches.size() + (pictures == null ? 0 : 3);
        StringBuilder graph = new StringBuilder("[0:v:0]split=").append(count);
        for (int k = 0; k < count; k++) {
            graph.append("[v").append(k).append(']');
        }
        for (int k = 0; k < branches.size(); k++) {
            List<Integer> fed = branches.get(k);
            Preset first = encodes.get(fed.get(0)).preset();
            String scale = scaleFilter(first.maxWidth(), first.maxHeight()) + ",format=yuv420p";
            if (fed.size() == 1) {
                graph.append(";[v").append(k).append("]fps=").append(frameRate(first.fps())).append(',').append(scale)
                        .append("[o").append(fed.get(0)).append(']');
                continue;
            }
            graph.append(";[v").append(k).append(']').append(scale).append(",split=").append(fed.size());
            fed.forEach(i -> graph.append("[s").append(i).append(']'));
            fed.forEach(i -> graph.append(";[s").append(i).append("]fps=")
                    .append(frameRate(encodes.get(i).preset().fps())).append("[o").append(i).append(']'));
        }
        if (pictures != null) {
            pictureChains(graph, branches.size(), encodes.size(), pictures);
        }
        return graph.toString();
    }

    /**
     * The split's encode branches in output order, each the indexes of the encodes it feeds: the encodes with one
     * box together when the source's frame rate is known and no higher than their rates together (one scale then
     * scales no more frames than one each), otherwise one branch per encode.
     */
    static List<List<Integer>> branches(List<Output> encodes, double sourceFps) {
        List<List<Integer>> branches = new ArrayList<>();
        boolean[] placed = new boolean[encodes.size()];
        for (int i = 0; i < encodes.size(); i++) {
            if (placed[i]) {
                continue;
            }
            Preset p = encodes.get(i).preset();
            List<Integer> sameBox = new ArrayList<>();
            double rates = 0;
            for (int j = i; j < encodes.size(); j++) {
                Preset q = encodes.get(j).preset();
                if (!placed[j] && q.maxWidth() == p.maxWidth() && q.maxHeight() == p.maxHeight()) {
                    sameBox.add(j);
                    rates += fps(q.fps());
                }
            }
            boolean share = sameBox.size() > 1 && sourceFps > 0 && sourceFps <= rates;
            for (int j : share ? sameBox : List.of(i)) {
                placed[j] = true;
            }
            branches.add(share ? sameBox : List.of(i));
        }
        return branches;
    }

    /**
     * The poster, thumbnail and storyboard chains, from the split outputs {@code [v{k}]..[v{k+2}]} to
     * {@code [o{i}]..[o{i+3}]}.
     */
    private static void pictureChains(StringBuilder graph, int k, int i, Pictures pictures) {
        {
            int window = 2 * pictures.posterWindowSeconds();
            // the poster: the most representative (thumbnail filter) of two small frames a second from the start,
            // leaving out the dark ones (mean luma of 8-bit frames, so 10-bit sources compare alike): a video
            // that starts black or fades in gets a frame of its content; sampled and scaled first so the filters
            // buffer little. The second poster, chosen from every frame, is for a video dark all through.
            graph.append(";[v").append(k).append("]trim=end=").append(pictures.posterWindowSeconds())
                    .append(",fps=2,scale=").append(pictures.posterWidth()).append(":-2,format=yuv420p,signalstats")
                    .append(",split=2[pl").append(i).append("][pa").append(i).append("];[pl").append(i)
                    .append("]metadata=mode=select:key=lavfi.signalstats.YAVG:function=greater:value=")
                    .append(pictures.posterMinLuma()).append(",thumbnail=").append(window)
                    .append(",format=yuvj420p[o").append(i).append("];[pa").append(i).append("]thumbnail=")
                    .append(window).append(",format=yuvj420p[o").append(i + 1).append(']');
            graph.append(";[v").append(k + 1).append(']').append(firstOfEvery(pictures.thumbnailIntervalSeconds()))
                    .append(",scale=").append(pictures.thumbnailWidth()).append(":-2,format=yuvj420p[o")
                    .append(i + 2).append(']');
            graph.append(";[v").append(k + 2).append(']').append(firstOfEvery(pictures.storyboardIntervalSeconds()))
                    .append(",scale=").append(pictures.tileWidth()).append(':').append(pictures.tileHeight())
                    .append(",setsar=1,tile=").append(pictures.columns()).append('x').append(pictures.rows())
                    .append(",format=yuvj420p[o").append(i + 3).append(']');
        }
    }

    /**
     * The first frame of every {@code seconds}-long window from 0: a picture at 0, N, 2N… s while the video lasts,
     * as many as the storyboard's cues (ceil(duration / N)). The fps filter does not do this at the ends: for a clip
     * shorter than N/2 it gives no frame at all, and for 12 s at N = 10 it gives one.
     */
    private static String firstOfEvery(int seconds) {
        return "select=isnan(prev_selected_t)+gt(floor(t/" + seconds + ")\\,floor(prev_selected_t/" + seconds + "))";
    }

    /**
     * What a job writes besides its MP4s when streaming is on.
     *
     * @param rungs          HLS rungs no MP4 preset encodes, each to an intermediate MP4
     * @param reusedOutputs  the indexes of the MP4 outputs that rungs package again: they get a keyframe at every
     *                       segment boundary too (and nothing else changes)
     * @param segmentFrames  the segment length in frames of the rungs' rate
     * @param pictures       the poster, thumbnails and storyboard sprite, or null
     */
    public record StreamingOutputs(List<Output> rungs, List<Integer> reusedOutputs, int segmentFrames,
                                   Pictures pictures) {
        public StreamingOutputs {
            rungs = List.copyOf(rungs);
            reusedOutputs = List.copyOf(reusedOutputs);
            if (segmentFrames <= 0) {
                throw new IllegalArgumentException("segmentFrames must be positive, got " + segmentFrames);
            }
        }
    }

    /**
     * The picture files and their sizes: widths from the settings, the tile height from the source's shape.
     * {@code poster} is left unwritten when every frame of the window is dark; {@code anyPoster} (outside the
     * package) is then the one to use.
     */
    public record Pictures(Path poster, Path anyPoster, int posterWidth, int posterWindowSeconds, int posterMinLuma,
                           Path thumbnailPattern,
                           int thumbnailWidth, int thumbnailIntervalSeconds, Path sprite, int tileWidth,
                           int tileHeight, int storyboardIntervalSeconds, int columns, int rows) {
    }

    /** Shrink to fit {@code maxWidth x maxHeight}, never upscale, keep the aspect ratio, even sizes. */
    static String scaleFilter(int maxWidth, int maxHeight) {
        return "scale=w='min(iw," + maxWidth + ")':h='min(ih," + maxHeight + ")'"
                + ":force_original_aspect_ratio=decrease:force_divisible_by=2";
    }

    /** ET's decimal NTSC rates as exact rationals; anything else as written. */
    static String frameRate(String fps) {
        return NTSC_RATES.getOrDefault(fps, fps);
    }

    /** A preset's rate as a number of frames a second. */
    static double fps(String fps) {
        String rational = frameRate(fps);
        int slash = rational.indexOf('/');
        return slash < 0 ? Double.parseDouble(rational)
                : Double.parseDouble(rational.substring(0, slash)) / Double.parseDouble(rational.substring(slash + 1));
    }

    /**
     * The video-only encode of chunk {@code k} of {@code plan} (split-and-stitch): every MP4 output and, with
     * {@code rungs} (its pictures unused; null: none), every rung-only encode, each with exactly the frames of its
     * own rate's grid that the chunk covers ({@link ChunkPlan#firstFrame}).
     *
     * <ul>
     *   <li>{@code -copyts -start_at_zero}: the source's timestamps as the unchunked encode sees them (the file's start
     *       at 0), so its {@code fps} filter puts frames on the very same grid; {@code -noaccurate_seek} with
     *       {@code -ss} just under the chunk start begins decoding at the source keyframe before it;
     *       {@code trim=start_pts:end_pts} (in frames of the fps filter's time base) then keeps this chunk's frames
     *       exactly, and {@code setpts} makes them start at 0. The concat demuxer puts the chunks back end to end.</li>
     *   <li>The encoder options are the unchunked encode's ({@link #build}), with {@code -an} and
     *       {@code -flags +cgop} (x264's default already, written down because the stitch depends on it): an
     *       encode begins with an IDR frame, so each chunk starts with a keyframe whose GOP is closed.</li>
     *   <li>The plan's chunk length is a multiple of the GOP (or of the HLS segment), so the keyframe cadence and the
     *       segment keyframes ({@code mod(n, segmentFrames)}, n counted from the chunk start) are those of the
     *       unchunked encode.</li>
     * </ul>
     */
    public List<String> buildChunk(Path input, String formatName, List<Output> outputs, StreamingOutputs rungs,
                                   ChunkPlan plan, int k) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("no outputs");
        }
        List<String> cmd = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-y",
                "-loglevel", "warning", "-nostats", "-progress", "pipe:1", "-copyts", "-start_at_zero"));
        cmd.addAll(MediaGuard.inputOptions(MediaGuard.LOCAL_FILE, MediaGuard.VIDEO_DEMUXERS, maxPixels));
        if (formatName != null) {
            if (!MediaGuard.allowed(formatName, MediaGuard.VIDEO_DEMUXERS)) {
                throw new IllegalArgumentException("format '" + formatName + "' is not an allowed video container");
            }
            cmd.addAll(List.of("-f", MediaGuard.forcedFormat(formatName)));
        }
        double seek = Math.max(0, plan.startSeconds(k) - SEEK_MARGIN_SECONDS);
        if (seek > 0) {
            cmd.addAll(List.of("-noaccurate_seek", "-ss", String.format(java.util.Locale.ROOT, "%.6f", seek)));
        }
        List<Output> encodes = new ArrayList<>(outputs);
        if (rungs != null) {
            encodes.addAll(rungs.rungs());
        }
        StringBuilder graph = new StringBuilder("[0:v:0]split=").append(encodes.size());
        for (int i = 0; i < encodes.size(); i++) {
            graph.append("[v").append(i).append(']');
        }
        for (int i = 0; i < encodes.size(); i++) {
            Preset p = encodes.get(i).preset();
            long end = plan.endFrame(k, p.fps());
            graph.append(";[v").append(i).append("]fps=").append(frameRate(p.fps()))
                    .append(",trim=start_pts=").append(plan.firstFrame(k, p.fps()))
                    .append(end < 0 ? "" : ":end_pts=" + end)
                    .append(",setpts=PTS-STARTPTS,").append(scaleFilter(p.maxWidth(), p.maxHeight()))
                    .append(",format=yuv420p[o").append(i).append(']');
        }
        cmd.addAll(List.of("-i", fileUrl(input), "-filter_complex", graph.toString()));
        for (int i = 0; i < encodes.size(); i++) {
            encode(cmd, "[o" + i + "]", encodes.get(i).preset(), false);
            cmd.addAll(List.of("-flags", "+cgop"));
            if (i >= outputs.size()) {
                cmd.addAll(List.of("-keyint_min", String.valueOf(encodes.get(i).preset().gop()), "-sc_threshold", "0"));
            }
            if (rungs != null && (i >= outputs.size() || rungs.reusedOutputs().contains(i))) {
                cmd.addAll(segmentKeyframes(rungs.segmentFrames()));
            }
            cmd.addAll(List.of("-map_metadata", "-1", "-sn", "-dn", "-f", "mp4", fileUrl(encodes.get(i).file())));
        }
        return cmd;
    }

    /** Seek this far before a chunk's start: the decode starts at the source keyframe before that. */
    static final double SEEK_MARGIN_SECONDS = 0.1;

    /**
     * The audio of the whole source, once, with {@code preset}'s audio settings (split-and-stitch: a per-chunk AAC
     * encode would add its priming samples at every join).
     */
    public List<String> buildAudio(Path input, String formatName, Preset preset, Path output) {
        List<String> cmd = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-y",
                "-loglevel", "warning", "-nostats", "-progress", "pipe:1"));
        cmd.addAll(MediaGuard.inputOptions(MediaGuard.LOCAL_FILE, MediaGuard.VIDEO_DEMUXERS, maxPixels));
        if (formatName != null) {
            if (!MediaGuard.allowed(formatName, MediaGuard.VIDEO_DEMUXERS)) {
                throw new IllegalArgumentException("format '" + formatName + "' is not an allowed video container");
            }
            cmd.addAll(List.of("-f", MediaGuard.forcedFormat(formatName)));
        }
        cmd.addAll(List.of("-i", fileUrl(input), "-map", "0:a:0", "-vn", "-c:a", "aac",
                "-b:a", preset.audioBitrateKbps() + "k", "-ar", String.valueOf(preset.sampleRate()),
                "-ac", String.valueOf(preset.channels()), "-map_metadata", "-1", "-sn", "-dn", "-f", "mp4",
                fileUrl(output)));
        return cmd;
    }

    /** The name of an audio encode's settings: outputs with the same name share one audio encode. */
    public static String audioName(Preset p) {
        return "aac-" + p.audioBitrateKbps() + "k-" + p.sampleRate() + "-" + p.channels();
    }

    /**
     * The stitch of one output: the chunks' video, end to end by the concat demuxer ({@code list}, lines
     * {@code file 'file:/abs/path'}), no re-encode; the audio of the whole source (null: none) muxed beside it;
     * faststart as every rendition.
     */
    public List<String> buildStitch(Path list, Path audio, Path output, boolean faststart) {
        List<String> cmd = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-y",
                "-loglevel", "warning", "-nostats", "-progress", "pipe:1",
                // the chunks are our own encodes, yet read as strictly as anything: local files, MP4 only
                "-protocol_whitelist", "file", "-format_whitelist", "concat," + MediaGuard.MP4_DEMUXER,
                "-f", "concat", "-safe", "0", "-i", fileUrl(list)));
        if (audio != null) {
            cmd.addAll(List.of("-protocol_whitelist", "file", "-f", "mp4", "-i", fileUrl(audio),
                    "-map", "0:v:0", "-map", "1:a:0"));
        } else {
            cmd.addAll(List.of("-map", "0:v:0"));
        }
        cmd.addAll(List.of("-c", "copy", "-map_metadata", "-1"));
        if (faststart) {
            cmd.addAll(List.of("-movflags", "+faststart"));
        }
        cmd.addAll(List.of("-f", "mp4", fileUrl(output)));
        return cmd;
    }

    /** The poster, thumbnails and storyboard sprite from one decode of {@code video} (a stitched rendition). */
    public List<String> buildPictures(Path video, Pictures pictures) {
        List<String> cmd = new ArrayList<>(List.of(ffmpegPath, "-hide_banner", "-nostdin", "-y",
                "-loglevel", "warning", "-nostats", "-progress", "pipe:1",
                "-protocol_whitelist", "file", "-f", "mp4", "-i", fileUrl(video)));
        StringBuilder graph = new StringBuilder("[0:v:0]split=3[v0][v1][v2]");
        pictureChains(graph, 0, 0, pictures);
        cmd.addAll(List.of("-filter_complex", graph.toString()));
        pictureOutputs(cmd, 0, pictures);
        return cmd;
    }

    /** A concat demuxer list of local files. */
    public static String concatList(List<Path> files) {
        StringBuilder list = new StringBuilder("ffconcat version 1.0\n");
        for (Path file : files) {
            // our own file names (no quote in them): the user's name never reaches a path
            list.append("file '").append(fileUrl(file)).append("'\n");
        }
        return list.toString();
    }

    private static String fileUrl(Path path) {
        return "file:" + path.toAbsolutePath();
    }
}
