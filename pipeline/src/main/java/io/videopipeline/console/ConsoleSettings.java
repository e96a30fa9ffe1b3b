package io.videopipeline.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The console's settings ({@code pipeline.console.*} in config/application.properties).
 *
 * @param enabled        whether the runner serves the console at all (decided by {@link #decide})
 * @param host           address the HTTP server binds
 * @param port           its port (0: any free port, for tests)
 * @param staticDir      a directory replacing the page shipped in the jar; null: the jar's {@code console/}
 * @param token          the bearer token every {@code /api} call must carry; null: none (the local profile only)
 * @param allowedOrigins origins besides the console's own that may make state-changing calls
 * @param presignLifetime lifetime of presigned URLs handed to the page (downloads, upload parts)
 * @param partSizeBytes  the part size of browser uploads (at least 5 MiB, raised so no upload needs > 10,000 parts)
 * @param maxUploadBytes largest upload the console starts (the transcoder's own limit)
 * @param eventsQueue    the queue this runner's console creates on the job event topic, and deletes at stop
 * @param heartbeat      how often an idle event stream gets a comment line, so proxies keep it open
 */
public record ConsoleSettings(boolean enabled, String host, int port, Path staticDir, String token,
                              List<String> allowedOrigins, Duration presignLifetime, long partSizeBytes,
                              long maxUploadBytes, String eventsQueue, Duration heartbeat) {

    public static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    public static final int MAX_PARTS = 10_000;

    public ConsoleSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        if (partSizeBytes < MIN_PART_BYTES) {
            throw new IllegalArgumentException("pipeline.console.part-size-mib must be at least 5 (S3's smallest part)");
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (enabled && token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("pipeline.console.host=" + host + " without " + "PIPELINE_CONSOLE_TOKEN"
                    + " would open the console to the network without auth: bind 127.0.0.1 or set the token");
        }
    }

    /** 127.0.0.1, ::1 or localhost: reachable from this machine only. */
    public static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]");
    }

    /**
     * Whether the console runs: in the local profile when {@code pipeline.console.enabled}; in any other profile only
     * when it is enabled and a token came from the environment, so a deployed runner never serves an open console.
     */
    public static boolean decide(boolean enabledSetting, String profile, String token) {
        if (!enabledSetting) {
            return false;
        }
        return "local".equals(profile) || (token != null && !token.isBlank());
    }

    /** The origin the page is served from, as a browser sends it in {@code Origin}. */
    public String ownOrigin() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port;
    }

    /** Same settings, on the port the server actually bound (port 0 in tests). */
    public ConsoleSettings onPort(int boundPort) {
        return new ConsoleSettings(enabled, host, boundPort, staticDir, token, allowedOrigins, presignLifetime,
                partSizeBytes, maxUploadBytes, eventsQueue, heartbeat);
    }

    @Override
    public String toString() { // never the token
        return "ConsoleSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", staticDir=" + staticDir
                + ", token=" + (token == null ? "none" : "set") + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
