package io.videopipeline.bench;

import io.videopipeline.transcode.TranscodeJob;
import io.videopipeline.transcode.TranscodeResult;
import io.videopipeline.transcode.Transcoder;
import io.videopipeline.transcode.TranscoderProvider;
import io.videopipeline.transcode.TranscoderSettings;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code pipeline.transcoder=noop} (test classpath only, via META-INF/services): records each job in
 * {@link JobRecorder#INSTANCE} and returns at once, so what remains of transcode-video is event routing.
 */
public final class NoopTranscoderProvider implements TranscoderProvider {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public Transcoder create(S3Client s3, TranscoderSettings settings) {
        return job -> record(job);
    }

    static TranscodeResult record(TranscodeJob job) {
        JobRecorder.INSTANCE.record(job);
        return new TranscodeResult("noop", "noop-" + job.inputKey(), List.of(), false);
    }
}
