package io.videopipeline.console;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Who may call the console API. With a token ({@code PIPELINE_CONSOLE_TOKEN}), every call carries
 * {@code Authorization: Bearer <token>}, compared in constant time; a state-changing call (POST, DELETE) carries an
 * {@code Origin} that is the console's own or one of {@code pipeline.cors.allowed-origins}, so another site's page
 * cannot make the browser act for its user (no CSRF token needed: browsers always send Origin on such requests).
 * Bound to a loopback address, the {@code Host} must name this server too: a page on a domain that re-resolves to
 * 127.0.0.1 (DNS rebinding) would otherwise be "same origin" with the console.
 */
public final class ConsoleGuard {

    private final ConsoleSettings settings;
    private final byte[] token;
    private volatile int port;

    public ConsoleGuard(ConsoleSettings settings) {
        this.settings = settings;
        this.token = settings.token() == null ? null : settings.token().getBytes(StandardCharsets.UTF_8);
        this.port = settings.port();
    }

    /** The port the server bound (the setting may be 0). */
    public void bound(int boundPort) {
        this.port = boundPort;
    }

    public int port() {
        return port;
    }

    /**
     * @param authorization the {@code Authorization} header (null if none)
     * @param origin        the {@code Origin} header (null if none)
     * @param requestUrl    the request's absolute URL as the server rebuilt it from the {@code Host} header
     * @throws ConsoleError 401 without the token, 403 for a foreign origin or host
     */
    public void check(String method, String authorization, String origin, String requestUrl) {
        if (token != null && !tokenMatches(authorization)) {
            throw new ConsoleError(401, "unauthorized");
        }
        if (loopback() && !ownHosts().contains(authority(requestUrl))) {
            throw new ConsoleError(403, "host not allowed");
        }
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        if (!m.equals("GET") && !m.equals("HEAD") && !allowedOrigins().contains(lower(origin))) {
            throw new ConsoleError(403, "origin not allowed");
        }
    }

    private boolean tokenMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token); // constant time for equal lengths; the length is no secret
    }

    /** The console's own origins (its host, and localhost/127.0.0.1 for a loopback bind) plus the allowed ones. */
    Set<String> allowedOrigins() {
        Set<String> origins = new LinkedHashSet<>();
        for (String h : ownHosts()) {
            origins.add("http://" + h);
        }
        for (String o : settings.allowedOrigins()) {
            origins.add(lower(o.strip()));
        }
        return origins;
    }

    private Set<String> ownHosts() {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add(lower(settings.host()) + ":" + port);
        if (loopback()) {
            hosts.add("127.0.0.1:" + port);
            hosts.add("localhost:" + port);
            hosts.add("[::1]:" + port);
        }
        for (String o : settings.allowedOrigins()) { // a reverse proxy's name, when the operator lists it
            try {
                URI uri = URI.create(o.strip());
                if (uri.getHost() != null) {
                    hosts.add(lower(uri.getHost()) + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
                }
            } catch (IllegalArgumentException e) {
                // not an origin: it allows nothing
            }
        }
        return hosts;
    }

    private static String authority(String url) {
        try {
            String a = url == null ? null : URI.create(url).getRawAuthority();
            return lower(a);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private boolean loopback() {
        return ConsoleSettings.isLoopback(settings.host());
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
