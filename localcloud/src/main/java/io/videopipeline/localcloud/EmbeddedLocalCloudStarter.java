package io.videopipeline.localcloud;

import io.videopipeline.emulator.EmulatedCloud;
import io.videopipeline.emulator.LocalCloudRequest;
import io.videopipeline.emulator.LocalCloudStarter;

/** The local cloud behind the app's {@link LocalCloudStarter} lookup (registered in META-INF/services). */
public final class EmbeddedLocalCloudStarter implements LocalCloudStarter {

    @Override
    public EmulatedCloud start(LocalCloudRequest request) {
        return LocalCloud.builder()
                .bindAddress(request.bindAddress())
                .port(request.port())
                .dataDir(request.dataDir())
                .transientStorage(request.transientStorage())
                .credentials(request.accessKey(), request.secretKey())
                .region(request.region())
                .builtInSns()
                .smtp(request.smtpPort())
                .elasticTranscoder(request.presets(), request.ffmpeg())
                .build()
                .start();
    }
}
