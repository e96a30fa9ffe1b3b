package io.videopipeline.emulator;

import io.videopipeline.media.FfmpegSettings;
import io.videopipeline.media.PresetCatalog;

import java.nio.file.Path;

/** What the app asks of the local cloud: where it listens, what it stores, and how its Elastic Transcoder encodes. */
public record LocalCloudRequest(String bindAddress, int port, Path dataDir, boolean transientStorage,
                                String accessKey, String secretKey, String region, int smtpPort,
                                PresetCatalog presets, FfmpegSettings ffmpeg) {
}
