package io.videopipeline.cli;

import io.videopipeline.app.ConsoleConfig;
import io.videopipeline.app.FfmpegConfig;
import io.videopipeline.app.PipelineBeans;
import io.videopipeline.console.ConsoleSettings;
import io.videopipeline.aws.AwsClients;
import io.videopipeline.aws.AwsSettings;
import io.videopipeline.config.PipelineConfig;
import io.videopipeline.config.SettingsCheck;
import io.videopipeline.emulator.EmulatedCloud;
import io.videopipeline.media.FfmpegTools;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the YAML routes on Camel Main: routes come from files on disk (so editing them needs no
 * rebuild), configuration from {@link PipelineConfig}, beans from {@link PipelineBeans}.
 */
public final class PipelineRunner {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
    /** The local cloud's stop waits at most 6 s for SQS persistence and 10 s for its actor system, then the rest. */
    private static final long CLOSE_TIMEOUT_SECONDS = 30;
    private PipelineConfig config;
    private final Path routesDir;
    private final java.util.Map<String, String> env;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Main main;
    private EmulatedCloud localCloud;
    /** presets.yaml as the local cloud read it, handed to the beans; null: the beans read it themselves. */
    private io.videopipeline.media.PresetCatalog presets;

    public PipelineRunner(PipelineConfig config, Path routesDir) {
        this(config, routesDir, System.getenv());
    }

    /** @param env the environment the console's token is read from ({@code PIPELINE_CONSOLE_TOKEN}) */
    public PipelineRunner(PipelineConfig config, Path routesDir, java.util.Map<String, String> env) {
        this.config = config;
        this.routesDir = routesDir.toAbsolutePath().normalize();
        this.env = java.util.Map.copyOf(env);
    }

    /**
     * Starts everything and blocks until the JVM is asked to stop; then stops the routes and, after them, the local
     * cloud, before the JVM exits.
     */
    public void run() {
        long started = System.nanoTime();
        CountDownLatch closed = new CountDownLatch(1);
        // On SIGTERM Camel stops the routes in a shutdown hook, run() returns on this thread and closes the
        // resources; the JVM exits once its hooks are done, which would cut that close short (the local cloud's
        // queues and objects not closed). This hook keeps it waiting for the close, as long as a close may take.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!closed.await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.warn("Still closing after {} s; exiting anyway", CLOSE_TIMEOUT_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pipeline-close-wait"));
        try {
            prepare();
            main = createMain(started);
            main.run();
        } catch (Exception e) {
            throw StartupErrors.explain(e);
        } finally {
            closeResources();
            closed.countDown();
        }
    }

    /**
     * In the local profile: starts the local cloud before any route (aws2-s3 checks its bucket when a
     * route starts), provisions it, and points every client at it.
     */
    public PipelineConfig prepare() {
        // Main checks too; this covers embedders and tests that start the runner directly.
        SettingsCheck.check(config);
        if (config.getBoolean("pipeline.localcloud.enabled", false)) {
            presets = config.load("pipeline.presets.file", "presets.yaml", io.videopipeline.media.PresetCatalog::load);
            EmulatedCloud cloud = LocalCloudLauncher.start(config, presets);
            resources.add(cloud);
            localCloud = cloud;
            config = LocalCloudLauncher.pointAt(cloud, config);
        } else if (config.getBoolean("pipeline.provision.on-start", false)) {
            ProvisionCommand.run(config, AwsSettings.from(config), false);
        }
        return config;
    }

    /** The embedded local cloud {@link #prepare()} started, or null (not the local profile, or not prepared). */
    public EmulatedCloud localCloud() {
        return localCloud;
    }

    /** Stops what {@link #prepare()} started (for callers that do not {@link #run()}). */
    public void close() {
        closeResources();
    }

    public Main createMain(long startedNanos) {
        String include = routesIncludePattern();
        ConsoleSettings console = ConsoleConfig.settings(config, env);
        OffRoutes off = OffRoutes.of(config, console.enabled(), routesDir);
        AwsClients aws = new AwsClients(AwsSettings.from(config));
        resources.add(aws);
        startAhead(aws);
        Main m = new Main();
        m.setOverrideProperties(config.asProperties());
        // PipelineConfig has already applied environment variables in the documented order; Camel's
        // own lookup would let an environment variable beat --set.
        m.addOverrideProperty("camel.component.properties.environment-variable-mode", "0");
        m.configure().withRoutesIncludePattern(include);
        // features that are off: their route files are not loaded at all (not built, then left stopped)
        if (!off.reasons().isEmpty()) {
            m.configure().withRoutesExcludePattern(off.excludePattern());
        }
        // SIGTERM: stop consuming, give in-flight exchanges this long, then stop them; an unfinished message is
        // not deleted and comes back after its visibility timeout. ffmpeg children get the same grace
        // (pipeline.shutdown.grace-seconds is part of their FfmpegSettings).
        int grace = config.getInt("pipeline.shutdown.grace-seconds", 30);
        m.addOverrideProperty("camel.main.shutdown-timeout", String.valueOf(grace));
        if (config.getBoolean("pipeline.routes.live-reload", false)) {
            m.configure().withRoutesReloadEnabled(true)
                    .withRoutesReloadDirectory(routesDir.toString())
                    .withRoutesReloadPattern("*.yaml")
                    // Replace only the route whose file changed; the others keep running.
                    .withRoutesReloadRemoveAllRoutes(false);
            m.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport main) {
                    // before the watcher starts (with the context): its own filter would be the *.yaml pattern
                    RouteWatcherReloadStrategy reload = main.getCamelContext()
                            .hasService(RouteWatcherReloadStrategy.class);
                    if (reload != null) {
                        reload.setFileFilter(off.reloadFilter());
                    }
                }
            });
        }
        m.addMainListener(new StartupSummary(config, startedNanos, off));
        io.videopipeline.routing.PipelineMetrics metrics = new io.videopipeline.routing.PipelineMetrics();
        m.addMainListener(metrics);
        m.addMainListener(new io.videopipeline.routing.QueueMetrics(
                java.time.Duration.ofSeconds(config.getInt("pipeline.metrics.queue-depth-interval-seconds", 15))));
        serveConsole(m, console);
        m.configure().addConfiguration(new PipelineBeans(config, resources, metrics, presets, console, aws));
        return m;
    }

    /**
     * Work the beans and routes need, started now on threads of its own so that a second core does it while this
     * thread sets Camel up (issue 20, start-up; README, Performance): the S3 and SQS clients (loading the SDK's
     * classes), then the request the first aws2-sqs endpoint makes when the routes start, and the media tools'
     * {@code -version} checks (process starts). Whoever needs them waits for them; their failures are reported there.
     */
    private void startAhead(AwsClients aws) {
        aws.buildAhead(config.get("pipeline.queues.upload-events", null));
        if ("ffmpeg".equals(config.get("pipeline.transcoder", "ffmpeg"))) {
            FfmpegTools.checkAhead(FfmpegConfig.ffmpegPath(config));
        }
        // the metadata step's, whatever the transcoder
        FfmpegTools.checkAhead(FfmpegConfig.ffprobePath(config));
    }

    /**
     * The console on Camel Main's HTTP server ({@code camel.server.*}, apart from management's); when it is off, its
     * route file is not loaded at all ({@link OffRoutes}), so its REST endpoints cannot land on another server
     * (management's).
     */
    private void serveConsole(Main m, ConsoleSettings console) {
        if (!console.enabled()) {
            if (!"local".equals(config.profile()) && config.getBoolean("pipeline.console.enabled", true)) {
                LOG.info("Web console off: profile '{}' needs {} in the environment", config.profile(),
                        ConsoleConfig.TOKEN_ENV);
            }
            return;
        }
        m.addOverrideProperty("camel.server.enabled", "true");
        m.addOverrideProperty("camel.server.host", console.host());
        m.addOverrideProperty("camel.server.port", String.valueOf(console.port()));
        // the API takes small JSON documents; videos go from the browser to S3, never through here
        m.addOverrideProperty("camel.server.maxBodySize", String.valueOf(64 * 1024));
        m.addOverrideProperty("camel.server.fileUploadEnabled", "false");
        m.addOverrideProperty("camel.server.staticEnabled", "false");
        // every REST service of console-api.yaml hands over to its one route (the guard, then the endpoint's bean):
        // Camel's inlining would need a direct endpoint per service
        m.addOverrideProperty("camel.rest.inlineRoutes", "false");
    }

    /** One file per route; {@code pipeline.routes.enabled} picks which (route id = file name). */
    String routesIncludePattern() {
        if (!Files.isDirectory(routesDir)) {
            throw new UserError(UserError.CONFIG, "routes directory '" + routesDir
                    + "' does not exist: pass --routes DIR or set PIPELINE_ROUTES_DIR");
        }
        String enabled = config.get("pipeline.routes.enabled", "*").trim();
        if (enabled.equals("*")) {
            try (Stream<Path> files = Files.list(routesDir)) {
                if (files.noneMatch(p -> p.toString().endsWith(".yaml"))) {
                    throw new UserError(UserError.CONFIG, "routes directory '" + routesDir
                            + "' has no *.yaml route files");
                }
            } catch (IOException e) {
                throw new UserError(UserError.CONFIG, "cannot read routes directory '" + routesDir + "': "
                        + e.getMessage(), e);
            }
            return "file:" + routesDir + "/*.yaml";
        }
        List<String> patterns = new ArrayList<>();
        for (String id : config.getList("pipeline.routes.enabled")) {
            Path file = routesDir.resolve(id + ".yaml");
            if (!Files.isRegularFile(file)) {
                throw new UserError(UserError.CONFIG, "pipeline.routes.enabled names route '" + id
                        + "' but '" + file + "' does not exist");
            }
            patterns.add("file:" + file);
        }
        // What the chosen routes lean on comes along: route configurations (error handling) and the
        // helper routes they call through direct: endpoints.
        try (Stream<Path> files = Files.list(routesDir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml = Files.readString(file);
                // a file declaring REST services is an entry point of its own, not a helper of the chosen routes
                boolean support = !yaml.contains("- rest:") && (!yaml.contains("- route:")
                        || yaml.matches("(?s).*\\bfrom:\\s*\\n\\s*uri:\\s*\"?direct:.*"));
                if (support && !patterns.contains("file:" + file)) {
                    patterns.add("file:" + file);
                }
            }
        } catch (IOException e) {
            throw new UserError(UserError.CONFIG, "cannot read routes directory '" + routesDir + "': " + e.getMessage(), e);
        }
        LOG.info("Running only the routes {}", patterns);
        return String.join(",", patterns);
    }

    private void closeResources() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resources.get(i), e.getMessage());
            }
        }
        resources.clear();
        localCloud = null;
    }
}
