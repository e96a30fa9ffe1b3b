package io.videopipeline.cli;

import io.videopipeline.config.PipelineConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Logs, once the routes run, what is running: version, profile, config files, routes, endpoints. */
final class StartupSummary extends MainListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger("io.videopipeline");

    private final PipelineConfig config;
    private final long startedNanos;
    private final OffRoutes off;

    /** @param off the routes of features that are off (not loaded): named, so the summary says they are off */
    StartupSummary(PipelineConfig config, long startedNanos, OffRoutes off) {
        this.config = config;
        this.startedNanos = startedNanos;
        this.off = off;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String files = config.filesRead().stream().map(Path::toString).collect(Collectors.joining(", "));
        // a REST service's route is part of its file's (console-api): its endpoints list it
        String routes = context.getRoutes().stream().filter(r -> !r.isCreatedByKamelet() && !r.isCreatedByRestDsl())
                .sorted(Comparator.comparing(Route::getRouteId))
                .map(r -> r.getRouteId() + " (" + shortSource(r.getSourceLocation()) + ")")
                .collect(Collectors.joining(", "));
        // sanitizeUri masks password/secretKey/accessKey style parameters.
        String endpoints = context.getEndpoints().stream()
                .map(Endpoint::getEndpointUri).map(URISupport::sanitizeUri).sorted()
                .collect(Collectors.joining(", "));
        LOG.info("video-pipeline {} started in {} ms | profile {} | config {} | routes [{}] | off [{}]"
                        + " | endpoints [{}]{}",
                Version.current(), (System.nanoTime() - startedNanos) / 1_000_000, config.profile(),
                files, routes, off.describe(), endpoints, management(context) + console(context));
        LOG.info("Routes started");
    }

    /**
     * Where health and metrics really are: the address the management server bound (camel.management.host, e.g.
     * 127.0.0.1) and its actual port. Camel's own "HTTP Management endpoints summary" always writes
     * http://0.0.0.0:PORT whatever the host, so logback.xml mutes it and this line says it instead.
     */
    static String management(CamelContext context) {
        ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
        if (management == null) {
            return "";
        }
        // its own server: with the console on, Camel Main's HTTP server (camel.server.*) is a second one
        VertxPlatformHttpServer server = management.getRouter() == null ? null : management.getRouter().getServer();
        if (server == null) {
            return " | management not listening";
        }
        String base = "http://" + hostForUrl(server.getHost()) + ":" + server.getPort();
        List<String> paths = context.getComponent("platform-http", PlatformHttpComponent.class)
                .getHttpManagementEndpoints().stream().map(HttpEndpointModel::getUri).sorted().toList();
        return " | management " + (paths.isEmpty() ? base
                : paths.stream().map(p -> base + p).collect(Collectors.joining(", ")));
    }

    /** Where the web console is (pipeline.console.*), if it runs. */
    static String console(CamelContext context) {
        MainHttpServer main = context.hasService(MainHttpServer.class);
        VertxPlatformHttpServer server = main == null || main.getRouter() == null ? null : main.getRouter().getServer();
        return server == null ? "" : " | console http://" + hostForUrl(server.getHost()) + ":" + server.getPort() + "/";
    }

    private static String hostForUrl(String host) {
        return host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String shortSource(String location) {
        if (location == null) {
            return "?";
        }
        return location.replaceFirst("^file:", "").replaceFirst(":\\d+$", "");
    }
}
