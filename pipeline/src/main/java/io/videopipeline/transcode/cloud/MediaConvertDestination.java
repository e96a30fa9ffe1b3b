package io.videopipeline.transcode.cloud;

import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * Where MediaConvert must write so that its outputs land exactly on the job's output keys.
 *
 * <p>MediaConvert names each output of a file group {@code {Destination}{NameModifier}.{Extension}}, where the
 * destination's last path segment is the base file name; a destination ending in {@code /} means "use the input
 * file's name" (AWS: "If you do not specify the base filename in the URI, the service will use the filename of
 * the input file"). How the service trims the input name ({@code my.holiday.video.mov}, names without extension)
 * is not documented, so this class always spells the base name out: for the default pattern
 * {@code {dir}{name}/{name}-{preset}.mp4} and input {@code uploads/a/clip.mov} the destination is
 * {@code s3://out/uploads/a/clip/clip}, the name modifiers {@code -1080p}, {@code -720p}, {@code -web-720p} and the
 * extension {@code mp4}, giving {@code uploads/a/clip/clip-1080p.mp4} and so on.
 *
 * <p>Any pattern whose keys are "one shared base + {@code -{preset}.mp4}" works (e.g.
 * {@code transcoded/{dir}{name}-{preset}.mp4}); others cannot be expressed as one output group and are refused.
 *
 * @param baseKey       the shared key prefix (destination path including the base file name)
 * @param nameModifiers one per output, in job order
 */
record MediaConvertDestination(String baseKey, List<String> nameModifiers) {

    static final String EXTENSION = "mp4";

    /** @throws IllegalArgumentException naming the offending key if the outputs do not follow the rule */
    static MediaConvertDestination of(TranscodeJob job) {
        String base = null;
        List<String> modifiers = new ArrayList<>();
        for (TranscodeOutput output : job.outputs()) {
            String key = output.key();
            String modifier = "-" + output.preset().name();
            String suffix = modifier + "." + EXTENSION;
            if (!key.endsWith(suffix)) {
                throw new IllegalArgumentException("MediaConvert names outputs {destination}{name modifier}.mp4, "
                        + "so every output key must end in '-{preset}.mp4'; output key '" + io.videopipeline.logging.LogText.safe(key)
                        + "' does not end in '" + suffix + "' (use the default output key pattern "
                        + "{dir}{name}/{name}-{preset}.mp4 or one ending in -{preset}.mp4)");
            }
            String keyBase = key.substring(0, key.length() - suffix.length());
            if (base == null) {
                base = keyBase;
            } else if (!base.equals(keyBase)) {
                throw new IllegalArgumentException("MediaConvert writes one output group to one destination, so "
                        + "all output keys must share the part before '-{preset}.mp4'; '" + io.videopipeline.logging.LogText.safe(base)
                        + "' and '" + io.videopipeline.logging.LogText.safe(keyBase) + "' differ");
            }
            modifiers.add(modifier);
        }
        if (base.isEmpty() || base.endsWith("/")) {
            throw new IllegalArgumentException("output key '" + io.videopipeline.logging.LogText.safe(job.outputs().get(0).key())
                    + "' has no file name before '-{preset}.mp4': MediaConvert would name the outputs after the "
                    + "input file instead");
        }
        if (base.indexOf('$') >= 0) {
            // $d$, $dt$, $w$, ... are MediaConvert format identifiers in Destination: the key would be rewritten.
            throw new IllegalArgumentException("output key base '" + io.videopipeline.logging.LogText.safe(base) + "' contains '$', which "
                    + "MediaConvert reads as a format identifier in the destination; the outputs would land "
                    + "elsewhere (rename the upload or use another backend)");
        }
        return new MediaConvertDestination(base, List.copyOf(modifiers));
    }

    String destinationUri(String outputBucket) {
        return CloudText.s3Uri(outputBucket, baseKey);
    }
}
