package io.videopipeline.transcode.cloud;

import io.videopipeline.media.RenditionMetadata;

import io.videopipeline.transcode.FfmpegTranscoder;
import io.videopipeline.media.Preset;
import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeOutput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.mediaconvert.model.AacCodecProfile;
import software.amazon.awssdk.services.mediaconvert.model.AacCodingMode;
import software.amazon.awssdk.services.mediaconvert.model.AacSettings;
import software.amazon.awssdk.services.mediaconvert.model.AudioCodec;
import software.amazon.awssdk.services.mediaconvert.model.AudioCodecSettings;
import software.amazon.awssdk.services.mediaconvert.model.AudioDefaultSelection;
import software.amazon.awssdk.services.mediaconvert.model.AudioDescription;
import software.amazon.awssdk.services.mediaconvert.model.AudioSelector;
import software.amazon.awssdk.services.mediaconvert.model.ContainerSettings;
import software.amazon.awssdk.services.mediaconvert.model.ContainerType;
import software.amazon.awssdk.services.mediaconvert.model.CreateJobRequest;
import software.amazon.awssdk.services.mediaconvert.model.FileGroupSettings;
import software.amazon.awssdk.services.mediaconvert.model.H264CodecLevel;
import software.amazon.awssdk.services.mediaconvert.model.H264CodecProfile;
import software.amazon.awssdk.services.mediaconvert.model.H264FramerateControl;
import software.amazon.awssdk.services.mediaconvert.model.H264GopSizeUnits;
import software.amazon.awssdk.services.mediaconvert.model.H264RateControlMode;
import software.amazon.awssdk.services.mediaconvert.model.H264Settings;
import software.amazon.awssdk.services.mediaconvert.model.Input;
import software.amazon.awssdk.services.mediaconvert.model.JobSettings;
import software.amazon.awssdk.services.mediaconvert.model.Mp4MoovPlacement;
import software.amazon.awssdk.services.mediaconvert.model.Mp4Settings;
import software.amazon.awssdk.services.mediaconvert.model.Output;
import software.amazon.awssdk.services.mediaconvert.model.OutputGroup;
import software.amazon.awssdk.services.mediaconvert.model.OutputGroupSettings;
import software.amazon.awssdk.services.mediaconvert.model.OutputGroupType;
import software.amazon.awssdk.services.mediaconvert.model.ScalingBehavior;
import software.amazon.awssdk.services.mediaconvert.model.VideoCodec;
import software.amazon.awssdk.services.mediaconvert.model.VideoCodecSettings;
import software.amazon.awssdk.services.mediaconvert.model.VideoDescription;

/**
 * Turns a {@link TranscodeJob} into a MediaConvert {@code CreateJob} request: one input, one
 * {@code FILE_GROUP_SETTINGS} output group, one MP4 output per preset, equivalent to the Elastic Transcoder system
 * presets in {@code config/presets.yaml}:
 *
 * <ul>
 *   <li>H.264 {@code CBR} at the preset bit rate, profile and level; frame rate forced
 *       ({@code FramerateControl SPECIFIED}, 29.97 as 30000/1001); {@code GopSize} in frames (ET's
 *       {@code KeyframesMaxDist}); {@code NumberReferenceFrames} when the preset sets refs.</li>
 *   <li>{@code Width}/{@code Height} = the preset box with {@code ScalingBehavior FIT_NO_UPSCALE}: ET's
 *       "ShrinkToFit", never upscaling, no padding.</li>
 *   <li>AAC-LC, preset bit rate/sample rate, stereo as {@code CODING_MODE_2_0}.</li>
 *   <li>MP4 with {@code MoovPlacement PROGRESSIVE_DOWNLOAD} (ffmpeg's {@code +faststart}: the metadata step reads
 *       only the head of the file).</li>
 * </ul>
 *
 * <p>With streaming on ({@link MediaConvertSettings#streaming()}, inline outputs only) the job also has a CMAF
 * group for the HLS ladder and a frame-capture group ({@link MediaConvertStreamingGroups}).
 *
 * <p>{@code UserMetadata} links the job to its source ({@code source-bucket}, {@code source-key} percent-encoded
 * like {@link FfmpegTranscoder}'s object metadata, {@code source-etag}). Note: MediaConvert keeps user metadata on
 * the <em>job</em> (GetJob, job-state-change events), not on the output objects.
 *
 * <p>{@code ClientRequestToken} is derived from the job's identity: a duplicate delivery of the same upload event
 * within a minute gets the original job back instead of a second one (AWS keeps tokens for one minute).
 */
final class MediaConvertJobSpec {

    static final String AUDIO_SELECTOR = "Audio Selector 1";
    static final String OUTPUT_GROUP_NAME = "File Group";

    private MediaConvertJobSpec() {
    }

    /** @throws IllegalArgumentException if a preset or the output keys cannot be expressed in MediaConvert */
    static CreateJobRequest createJob(TranscodeJob job, MediaConvertSettings settings) {
        Input input = Input.builder()
                .fileInput(CloudText.s3Uri(job.inputBucket(), job.inputKey()))
                .audioSelectors(Map.of(AUDIO_SELECTOR,
                        AudioSelector.builder().defaultSelection(AudioDefaultSelection.DEFAULT).build()))
                .build();
        JobSettings.Builder jobSettings = JobSettings.builder().inputs(input);
        if (settings.jobTemplate() == null) {
            List<OutputGroup> groups = new ArrayList<>(List.of(outputGroup(job)));
            if (settings.streaming() != null) {
                groups.addAll(MediaConvertStreamingGroups.of(job, PackageKeys.of(job), settings.streaming()));
            }
            jobSettings.outputGroups(groups);
        }
        CreateJobRequest.Builder request = CreateJobRequest.builder()
                .role(settings.roleArn())
                .settings(jobSettings.build())
                .userMetadata(userMetadata(job))
                .statusUpdateInterval(settings.statusUpdateInterval())
                .clientRequestToken(clientRequestToken(job));
        if (settings.queue() != null) {
            request.queue(settings.queue());
        }
        if (settings.jobTemplate() != null) {
            request.jobTemplate(settings.jobTemplate());
        }
        return request.build();
    }

    static OutputGroup outputGroup(TranscodeJob job) {
        MediaConvertDestination destination = MediaConvertDestination.of(job);
        List<Output> outputs = new ArrayList<>();
        for (int i = 0; i < job.outputs().size(); i++) {
            TranscodeOutput output = job.outputs().get(i);
            outputs.add(output(output.preset(), destination.nameModifiers().get(i)));
        }
        return OutputGroup.builder()
                .name(OUTPUT_GROUP_NAME)
                .outputGroupSettings(OutputGroupSettings.builder()
                        .type(OutputGroupType.FILE_GROUP_SETTINGS)
                        .fileGroupSettings(FileGroupSettings.builder()
                                .destination(destination.destinationUri(job.outputBucket()))
                                .build())
                        .build())
                .outputs(outputs)
                .build();
    }

    static Output output(Preset preset, String nameModifier) {
        if (!"mp4".equals(preset.container())) {
            throw unsupported(preset, "container", preset.container(), "mp4");
        }
        return Output.builder()
                .nameModifier(nameModifier)
                .extension(MediaConvertDestination.EXTENSION)
                .containerSettings(ContainerSettings.builder()
                        .container(ContainerType.MP4)
                        .mp4Settings(Mp4Settings.builder().moovPlacement(Mp4MoovPlacement.PROGRESSIVE_DOWNLOAD).build())
                        .build())
                .videoDescription(video(preset, h264(preset).build()))
                .audioDescriptions(audio(preset))
                .build();
    }

    /** The preset's H.264 settings: CBR at its rate, profile, level, frame rate, GOP in frames, references. */
    static H264Settings.Builder h264(Preset preset) {
        if (!"h264".equals(preset.videoCodec())) {
            throw unsupported(preset, "video codec", preset.videoCodec(), "h264");
        }
        FrameRate rate;
        try {
            rate = FrameRate.parse(preset.fps());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("preset '" + preset.name() + "': " + e.getMessage(), e);
        }
        H264Settings.Builder h264 = H264Settings.builder()
                .rateControlMode(H264RateControlMode.CBR)
                .bitrate(preset.videoBitrateKbps() * 1000)
                .codecProfile(profile(preset))
                .codecLevel(level(preset))
                .framerateControl(H264FramerateControl.SPECIFIED)
                .framerateNumerator(rate.numerator())
                .framerateDenominator(rate.denominator())
                .gopSize((double) preset.gop())
                .gopSizeUnits(H264GopSizeUnits.FRAMES);
        if (preset.refs() != null) {
            h264.numberReferenceFrames(preset.refs());
        }
        return h264;
    }

    /** The preset's box, shrunk to fit and never upscaled (ET's ShrinkToFit), encoded with {@code h264}. */
    static VideoDescription video(Preset preset, H264Settings h264) {
        return VideoDescription.builder()
                .width(preset.maxWidth())
                .height(preset.maxHeight())
                .scalingBehavior(ScalingBehavior.FIT_NO_UPSCALE)
                .codecSettings(VideoCodecSettings.builder()
                        .codec(VideoCodec.H_264)
                        .h264Settings(h264)
                        .build())
                .build();
    }

    /** AAC-LC at the preset's rate, sample rate and channels, from the job's one audio selector. */
    static AudioDescription audio(Preset preset) {
        if (!"aac".equals(preset.audioCodec())) {
            throw unsupported(preset, "audio codec", preset.audioCodec(), "aac");
        }
        return AudioDescription.builder()
                .audioSourceName(AUDIO_SELECTOR)
                .codecSettings(AudioCodecSettings.builder()
                        .codec(AudioCodec.AAC)
                        .aacSettings(AacSettings.builder()
                                .codecProfile(AacCodecProfile.LC)
                                .codingMode(codingMode(preset))
                                .bitrate(preset.audioBitrateKbps() * 1000)
                                .sampleRate(preset.sampleRate())
                                .build())
                        .build())
                .build();
    }

    static Map<String, String> userMetadata(TranscodeJob job) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(RenditionMetadata.SOURCE_BUCKET, job.inputBucket());
        metadata.put(RenditionMetadata.SOURCE_KEY, io.videopipeline.media.SourceMetadata.encodeKey(job.inputKey()));
        if (job.inputETag() != null && !job.inputETag().isEmpty()) {
            metadata.put(RenditionMetadata.SOURCE_ETAG, job.inputETag());
        }
        return metadata;
    }

    /** "vp-" + 40 hex digits of SHA-256 over the job's identity: at most 64 ASCII characters, as AWS requires. */
    static String clientRequestToken(TranscodeJob job) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> parts = new ArrayList<>(List.of(job.inputBucket(), job.inputKey(),
                    String.valueOf(job.inputETag()), job.outputBucket()));
            job.outputs().forEach(o -> parts.add(o.key()));
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "vp-" + HexFormat.of().formatHex(sha.digest()).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static H264CodecProfile profile(Preset preset) {
        return switch (preset.profile()) {
            case "baseline" -> H264CodecProfile.BASELINE;
            case "main" -> H264CodecProfile.MAIN;
            case "high" -> H264CodecProfile.HIGH;
            default -> throw unsupported(preset, "H.264 profile", preset.profile(), "baseline, main, high");
        };
    }

    /** "4.0" and "4" → LEVEL_4, "3.1" → LEVEL_3_1; levels MediaConvert lacks (e.g. 6.0) are refused. */
    private static H264CodecLevel level(Preset preset) {
        String[] parts = preset.level().trim().split("\\.", 2);
        String name = "LEVEL_" + parts[0] + (parts.length == 2 && !parts[1].equals("0") ? "_" + parts[1] : "");
        H264CodecLevel level = H264CodecLevel.fromValue(name.toUpperCase(Locale.ROOT));
        if (level == null || level == H264CodecLevel.UNKNOWN_TO_SDK_VERSION || level == H264CodecLevel.AUTO) {
            throw unsupported(preset, "H.264 level", preset.level(), "1 to 5.2");
        }
        return level;
    }

    private static AacCodingMode codingMode(Preset preset) {
        return switch (preset.channels()) {
            case 1 -> AacCodingMode.CODING_MODE_1_0;
            case 2 -> AacCodingMode.CODING_MODE_2_0;
            case 6 -> AacCodingMode.CODING_MODE_5_1;
            default -> throw unsupported(preset, "audio channel count", String.valueOf(preset.channels()),
                    "1, 2 or 6");
        };
    }

    private static IllegalArgumentException unsupported(Preset preset, String what, String value, String allowed) {
        return new IllegalArgumentException("preset '" + preset.name() + "': " + what + " '" + value
                + "' has no MediaConvert equivalent here; supported: " + allowed);
    }
}
