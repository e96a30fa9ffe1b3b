package io.videopipeline.cli;

import io.videopipeline.config.PipelineConfig;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
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

    StartupSummary(PipelineConfig config, long startedNanos) {
        this.config = config;
        this.startedNanos = startedNanos;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String files = config.filesRead().stream().map(Path::toString).collect(Collectors.joining(", "));
        String routes = context.getRoutes().stream().filter(r -> !r.isCreatedByKamelet())
                .sorted(Comparator.comparing(Route::getRouteId))
                .map(r -> r.getRouteId() + " (" + shortSource(r.getSourceLocation()) + ")")
                .collect(Collectors.joining(", "));
        // sanitizeUri masks password/secretKey/accessKey style parameters.
        String endpoints = context.getEndpoints().stream()
                .map(Endpoint::getEndpointUri).map(URISupport::sanitizeUri).sorted()
                .collect(Collectors.joining(", "));
        LOG.info("video-pipeline {} started in {} ms | profile {} | config {} | routes [{}] | endpoints [{}]{}",
                Version.current(), (System.nanoTime() - startedNanos) / 1_000_000, config.profile(),
                files, routes, endpoints, management(context));
        LOG.info("Routes started");
    }

    /**
     * Where health and metrics really are: the address the management server bound (camel.management.host, e.g.
     * 127.0.0.1) and its actual port. Camel's own "HTTP Management endpoints summary" always writes
     * http://0.0.0.0:PORT whatever the host, so logback.xml mutes it and this line says it instead.
     */
    static String management(CamelContext context) {
        if (context.hasService(ManagementHttpServer.class) == null) {
            return "";
        }
        List<String> bases = context.hasServices(VertxPlatformHttpServer.class).stream()
                .map(s -> "http://" + hostForUrl(s.getHost()) + ":" + s.getPort()).sorted().toList();
        if (bases.isEmpty()) {
            return " | management not listening";
        }
        List<String> paths = context.getComponent("platform-http", PlatformHttpComponent.class)
                .getHttpManagementEndpoints().stream().map(HttpEndpointModel::getUri).sorted().toList();
        return " | management " + bases.stream()
                .flatMap(base -> paths.isEmpty() ? java.util.stream.Stream.of(base) : paths.stream().map(p -> base + p))
                .collect(Collectors.joining(", "));
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
