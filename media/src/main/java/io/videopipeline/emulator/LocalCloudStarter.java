package io.videopipeline.emulator;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Starts the embedded local cloud. The app finds it through {@link ServiceLoader} rather than a compile-time
 * dependency, so the worker jar for the aws profile can leave the emulators (and S3Proxy, ElasticMQ,
 * GreenMail) out entirely.
 */
public interface LocalCloudStarter {

    EmulatedCloud start(LocalCloudRequest request);

    /** The starter on the classpath; empty in the worker jar. */
    static Optional<LocalCloudStarter> find() {
        return ServiceLoader.load(LocalCloudStarter.class).findFirst();
    }
}
