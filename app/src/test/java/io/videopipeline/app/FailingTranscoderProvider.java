package io.videopipeline.app;

import io.videopipeline.transcode.Transcoder;
import io.videopipeline.transcode.TranscoderProvider;
import io.videopipeline.transcode.TranscoderSettings;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code pipeline.transcoder=failing} (test classpath only): a backend with a bug, thrown while the beans are wired,
 * so the tests can tell a bug from a setting the user has to fix. {@code pipeline.failing.required} is read first:
 * unset, it is the user's to fix.
 */
public final class FailingTranscoderProvider implements TranscoderProvider {
    static final String BUG = "a bug in the failing backend";

    @Override
    public String name() {
        return "failing";
    }

    @Override
    public Transcoder create(S3Client s3, TranscoderSettings settings) {
        settings.require("required");
        throw new IllegalStateException(BUG);
    }
}
