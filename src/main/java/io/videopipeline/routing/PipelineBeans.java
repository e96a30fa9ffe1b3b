package io.videopipeline.routing;

import io.videopipeline.config.PipelineConfig;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.util.List;

/**
 * The one place where the pipeline's plain-Java beans are built from configuration and bound under
 * the names the YAML routes use.
 */
public final class PipelineBeans implements CamelConfiguration {
    private final PipelineConfig config;
    private final List<AutoCloseable> resources;

    public PipelineBeans(PipelineConfig config, List<AutoCloseable> resources) {
        this.config = config;
        this.resources = resources;
    }

    @Override
    public void configure(CamelContext camelContext) {
        // beans are added here as the pipeline's packages land
    }
}
