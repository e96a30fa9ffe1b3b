package io.videopipeline.transcode.cloud;

import io.videopipeline.media.Preset;
import io.videopipeline.transcode.TranscodeJob;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.mediaconvert.model.CmafCodecSpecification;
import software.amazon.awssdk.services.mediaconvert.model.CmafGroupSettings;
import software.amazon.awssdk.services.mediaconvert.model.CmafSegmentControl;
import software.amazon.awssdk.services.mediaconvert.model.CmafSegmentLengthControl;
import software.amazon.awssdk.services.mediaconvert.model.CmafWriteDASHManifest;
import software.amazon.awssdk.services.mediaconvert.model.CmafWriteHLSManifest;
import software.amazon.awssdk.services.mediaconvert.model.ContainerSettings;
import software.amazon.awssdk.services.mediaconvert.model.ContainerType;
import software.amazon.awssdk.services.mediaconvert.model.FileGroupSettings;
import software.amazon.awssdk.services.mediaconvert.model.FrameCaptureSettings;
import software.amazon.awssdk.services.mediaconvert.model.H264SceneChangeDetect;
import software.amazon.awssdk.services.mediaconvert.model.Output;
import software.amazon.awssdk.services.mediaconvert.model.OutputGroup;
import software.amazon.awssdk.services.mediaconvert.model.OutputGroupSettings;
import software.amazon.awssdk.services.mediaconvert.model.OutputGroupType;
import software.amazon.awssdk.services.mediaconvert.model.VideoCodec;
import software.amazon.awssdk.services.mediaconvert.model.VideoCodecSettings;
import software.amazon.awssdk.services.mediaconvert.model.VideoDescription;

/**
 * The output groups a MediaConvert job gets besides its MP4s when streaming is on, equivalent to the ffmpeg
 * backend's ladder ({@link MediaConvertStreaming}):
 *
 * <ul>
 *   <li>{@code CMAF_GROUP_SETTINGS}, HLS manifest only: destination {@code {dir}{name}/{name}}, so the master is
 *       {@code {dir}{name}/{name}.m3u8}; one video-only output per rung (the rung's box, shrunk to fit and never
 *       upscaled, CBR, its GOP in frames with scene-change keyframes off, so keyframes line up across rungs and
 *       every segment of {@code segmentSeconds} rounded to whole GOPs starts on one) and one AAC output (the top
 *       rung's audio) that every variant plays with. MediaConvert names the parts
 *       {@code {dir}{name}/{name}-hls-{rung}.m3u8} and {@code ….cmfv}/{@code ….cmfa} beside the master: a CMAF group
 *       has no per-stream folder, and none of these names has the master's {@code {p}{n}/{n}.m3u8} shape.</li>
 *   <li>{@code FILE_GROUP_SETTINGS} with one {@code RAW}/{@code FRAME_CAPTURE} output at 1/interval frames per
 *       second: {@code {dir}{name}/pictures/{name}-thumb.0000000.jpg}, ….</li>
 * </ul>
 */
final class MediaConvertStreamingGroups {

    static final String CMAF_GROUP_NAME = "CMAF Group";
    static final String THUMBNAIL_GROUP_NAME = "Thumbnails";
    static final int FRAME_CAPTURE_QUALITY = 80;

    private MediaConvertStreamingGroups() {
    }

    /** @param keys the job's package keys ({@link MediaConvertDestination} has checked that the job has them) */
    static List<OutputGroup> of(TranscodeJob job, PackageKeys keys, MediaConvertStreaming streaming) {
        return List.of(cmaf(job, keys, streaming), thumbnails(job, keys, streaming));
    }

    private static OutputGroup cmaf(TranscodeJob job, PackageKeys keys, MediaConvertStreaming streaming) {
        List<Output> outputs = new ArrayList<>();
        for (Preset rung : streaming.rungs()) {
            outputs.add(Output.builder()
                    .nameModifier("-hls-" + rung.name())
                    .containerSettings(ContainerSettings.builder().container(ContainerType.CMFC).build())
                    .videoDescription(MediaConvertJobSpec.video(rung, MediaConvertJobSpec.h264(rung)
                            .sceneChangeDetect(H264SceneChangeDetect.DISABLED)
                            .build()))
                    .build());
        }
        outputs.add(Output.builder()
                .nameModifier("-hls-audio")
                .containerSettings(ContainerSettings.builder().container(ContainerType.CMFC).build())
                .audioDescriptions(MediaConvertJobSpec.audio(streaming.rungs().get(0)))
                .build());
        return OutputGroup.builder()
                .name(CMAF_GROUP_NAME)
                .outputGroupSettings(OutputGroupSettings.builder()
                        .type(OutputGroupType.CMAF_GROUP_SETTINGS)
                        .cmafGroupSettings(CmafGroupSettings.builder()
                                .destination(CloudText.s3Uri(job.outputBucket(), keys.base()))
                                .writeHlsManifest(CmafWriteHLSManifest.ENABLED)
                                .writeDashManifest(CmafWriteDASHManifest.DISABLED)
                                .segmentControl(CmafSegmentControl.SEGMENTED_FILES)
                                .segmentLength(streaming.segmentSeconds())
                                .segmentLengthControl(CmafSegmentLengthControl.GOP_MULTIPLE)
                                .fragmentLength(streaming.segmentSeconds())
                                .codecSpecification(CmafCodecSpecification.RFC_6381)
                                .build())
                        .build())
                .outputs(outputs)
                .build();
    }

    private static OutputGroup thumbnails(TranscodeJob job, PackageKeys keys, MediaConvertStreaming streaming) {
        return OutputGroup.builder()
                .name(THUMBNAIL_GROUP_NAME)
                .outputGroupSettings(OutputGroupSettings.builder()
                        .type(OutputGroupType.FILE_GROUP_SETTINGS)
                        .fileGroupSettings(FileGroupSettings.builder()
                                .destination(CloudText.s3Uri(job.outputBucket(), keys.thumbnails()))
                                .build())
                        .build())
                .outputs(Output.builder()
                        .extension("jpg")
                        .containerSettings(ContainerSettings.builder().container(ContainerType.RAW).build())
                        .videoDescription(VideoDescription.builder()
                                .width(streaming.thumbnailWidth())
                                .codecSettings(VideoCodecSettings.builder()
                                        .codec(VideoCodec.FRAME_CAPTURE)
                                        .frameCaptureSettings(FrameCaptureSettings.builder()
                                                .framerateNumerator(1)
                                                .framerateDenominator(streaming.thumbnailIntervalSeconds())
                                                .maxCaptures(streaming.maxCaptures())
                                                .quality(FRAME_CAPTURE_QUALITY)
                                                .build())
                                        .build())
                                .build())
                        .build())
                .build();
    }
}
