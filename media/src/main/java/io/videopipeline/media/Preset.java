package io.videopipeline.media;

import java.util.Objects;

/**
 * One output rendition, described as data (see {@code config/presets.yaml}) so that every backend builds the
 * same outputs: ffmpeg turns it into encoder options, MediaConvert into an output, Elastic Transcoder uses
 * {@link #etPresetId()}.
 *
 * <p>Sizing is always "shrink to fit, never upscale": the output fits inside {@code maxWidth x maxHeight},
 * keeps the source's aspect ratio, and a source that already fits keeps its size.
 *
 * @param name             short name used in output keys ({@code {name}-{preset}.mp4}), e.g. {@code 720p}
 * @param etPresetId       the Elastic Transcoder system preset this mirrors, e.g. {@code 1351620000001-000010}
 * @param description      human-readable description
 * @param container        output container; {@code mp4}
 * @param maxWidth         box width in pixels
 * @param maxHeight        box height in pixels
 * @param videoCodec       {@code h264}
 * @param profile          H.264 profile: {@code baseline}, {@code main} or {@code high}
 * @param level            H.264 level, e.g. {@code 3.1}
 * @param videoBitrateKbps target video bit rate in kbit/s (constant bit rate)
 * @param fps              frame rate as written by Elastic Transcoder, e.g. {@code 29.97} or {@code 30}
 * @param gop              maximum distance between key frames, in frames
 * @param refs             maximum reference frames, or null for the encoder's default
 * @param audioCodec       {@code aac} (AAC-LC)
 * @param audioBitrateKbps audio bit rate in kbit/s
 * @param sampleRate       audio sample rate in Hz
 * @param channels         audio channels
 */
public record Preset(String name, String etPresetId, String description, String container, int maxWidth,
                     int maxHeight, String videoCodec, String profile, String level, int videoBitrateKbps,
                     String fps, int gop, Integer refs, String audioCodec, int audioBitrateKbps, int sampleRate,
                     int channels) {

    public Preset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(videoCodec, "videoCodec");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(fps, "fps");
        Objects.requireNonNull(audioCodec, "audioCodec");
    }
}
