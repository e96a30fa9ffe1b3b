package io.videopipeline.transcode;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * An extra transcoder backend found on the classpath ({@link java.util.ServiceLoader}, file
 * {@code META-INF/services/io.videopipeline.transcode.TranscoderProvider}) and chosen by
 * {@code pipeline.transcoder=<name>}. The built-in backends do not use it; it exists so that a
 * backend can be added without touching the runner — the benchmarks plug in a no-op recorder this way
 * (test classpath only), which isolates the cost of event routing from the cost of transcoding.
 */
public interface TranscoderProvider {

    /** The value of {@code pipeline.transcoder} that selects this backend. */
    String name();

    /** @param settings the backend's own settings, {@code pipeline.<name>.*}, and no others */
    Transcoder create(S3Client s3, TranscoderSettings settings);
}
