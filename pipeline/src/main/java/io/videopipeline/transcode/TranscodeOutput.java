package io.videopipeline.transcode;

import io.videopipeline.media.Preset;

import java.util.Objects;

/** One rendition of a job: which preset, written to which key of the output bucket. */
public record TranscodeOutput(Preset preset, String key) {
    public TranscodeOutput {
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(key, "key");
    }
}
