package io.videopipeline.cli;

import io.videopipeline.config.PipelineConfig;

import java.io.FileFilter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The route files of features that are off, which are not loaded at all (route id = file name): building a route
 * that never starts cost start-up time (issue 20; route building is the largest share of it), and a route that is
 * not there cannot be started by mistake. Live reload leaves them out too ({@link #reloadFilter()}).
 */
final class OffRoutes {
    /** The console's route file, loaded only when the console is on. */
    static final String CONSOLE = "console-api";
    /** Uploads files dropped into pipeline.inbox.dir (the local profile's convenience). */
    static final String INBOX = "inbox-upload";
    /** Reports the job event stream and the backends' own job messages (pipeline.job-events.enabled). */
    static final String JOB_EVENTS = "report-job-state";

    /** Route id -> why it is off, in a fixed order. */
    private final Map<String, String> off;
    private final Path routesDir;

    private OffRoutes(Map<String, String> off, Path routesDir) {
        this.off = Collections.unmodifiableMap(off);
        this.routesDir = routesDir;
    }

    /** @param consoleOn whether the web console runs (its setting and, outside the local profile, its token) */
    static OffRoutes of(PipelineConfig config, boolean consoleOn, Path routesDir) {
        Map<String, String> off = new LinkedHashMap<>();
        if (!consoleOn) {
            off.put(CONSOLE, "web console off");
        }
        if (!config.getBoolean("pipeline.inbox.enabled", false)) {
            off.put(INBOX, "pipeline.inbox.enabled=false");
        }
        if (!config.getBoolean("pipeline.job-events.enabled", false)) {
            off.put(JOB_EVENTS, "pipeline.job-events.enabled=false");
        }
        return new OffRoutes(off, routesDir);
    }

    Map<String, String> reasons() {
        return off;
    }

    /** For Camel Main's routesExcludePattern (comma-separated); empty when every feature is on. */
    String excludePattern() {
        return off.keySet().stream().map(id -> "file:" + file(id)).collect(Collectors.joining(","));
    }

    /**
     * Which changed files live reload may load: the route files ({@code *.yaml}, as pipeline.routes.live-reload
     * always watched) but these, so saving an off route's file does not bring it back.
     */
    FileFilter reloadFilter() {
        // the watch is on the routes directory alone (not recursive): a file's name is its route id
        return f -> f.getName().endsWith(".yaml") && !off.containsKey(f.getName().replaceFirst("\\.yaml$", ""));
    }

    /** For the start-up summary: {@code inbox-upload (pipeline.inbox.enabled=false), ...}. */
    String describe() {
        return off.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    private Path file(String routeId) {
        return routesDir.resolve(routeId + ".yaml");
    }
}
