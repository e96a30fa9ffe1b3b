package io.videopipeline.browser;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves test pages on 127.0.0.1 at a random port: an origin of its own, so what a page fetches from the local
 * cloud is cross-origin and the browser applies CORS exactly as it would to a site. Pages are HTML strings added
 * by path; any other path is 404.
 */
public final class PageServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> pages = new ConcurrentHashMap<>();

    private PageServer(HttpServer server) {
        this.server = server;
    }

    public static PageServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        PageServer pages = new PageServer(server);
        server.createContext("/", pages::answer);
        server.start();
        return pages;
    }

    /** {@code http://127.0.0.1:PORT}, as a browser writes it in an Origin header. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves the HTML at the path and returns its URL. */
    public URI page(String path, String html) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a page path starts with /: " + path);
        }
        pages.put(path, html.getBytes(StandardCharsets.UTF_8));
        return URI.create(origin() + path);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] page = pages.get(exchange.getRequestURI().getPath());
            if (page == null || !"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
