package io.videopipeline.routing;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.videopipeline.aws.AwsRetryCounter;
import io.videopipeline.media.ProgressListener;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline's own meters, added to the registry Camel's Prometheus endpoint serves ({@code /observe/metrics})
 * once it exists: SDK retries per service and the speed of the running ffmpeg job. Per-route counts and times
 * (received, completed, failed; {@code camel_exchanges_*}, {@code camel_route_policy_seconds}) come from Camel's
 * route policy; dead letters ({@code pipeline_dead_lettered_total}) from routes/dead-letter.yaml.
 */
public final class PipelineMetrics extends MainListenerSupport implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineMetrics.class);

    /** Last reported ffmpeg speed (x realtime); 0 when no job runs. */
    private final AtomicReference<Double> ffmpegSpeed = new AtomicReference<>(0.0);
    private final AtomicLong transcodedMediaMillis = new AtomicLong();

    @Override
    public void onProgress(Progress progress) {
        ffmpegSpeed.set(progress.done() || progress.speed() < 0 ? 0.0 : progress.speed());
        if (progress.done()) {
            transcodedMediaMillis.addAndGet(progress.encoded().toMillis());
        }
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        WhenStarted.run(main.getCamelContext(), this::register);
    }

    private void register(CamelContext context) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            LOG.debug("No meter registry (camel.metrics.enabled=false): pipeline meters not registered");
            return;
        }
        for (String service : List.of("S3", "Sqs", "Sns")) {
            FunctionCounter.builder("pipeline.aws.retries", AwsRetryCounter.INSTANCE.counter(service), AtomicLong::get)
                    .description("AWS SDK retries (throttling, 5xx, I/O errors) absorbed before a route saw a failure")
                    .tag("service", service).register(registry);
        }
        Gauge.builder("pipeline.ffmpeg.speed", ffmpegSpeed, AtomicReference::get)
                .description("speed of the running ffmpeg job, x realtime (0 when idle)").register(registry);
        FunctionCounter.builder("pipeline.transcoded.media.seconds", transcodedMediaMillis, m -> m.get() / 1000.0)
                .description("seconds of video transcoded").register(registry);
    }
}
