package io.videopipeline.localcloud.et;

import io.videopipeline.localcloud.gateway.AwsResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The tiny HTTP front a test puts before {@link EtApiService} (the local cloud mounts it on its single endpoint
 * instead): 127.0.0.1, random port. {@link #override} lets a test answer instead of the service (throttling,
 * 5xx, a front end that drops headers).
 */
public final class EtHttpServer implements AutoCloseable {

    /** Answers a request instead of the service, or returns null to let the service answer. */
    public interface Answer {
        AwsResponse answer(String method, String path);
    }

    private final HttpServer server;
    private volatile Answer override = (m, p) -> null;
    private volatile boolean dropHeaders;

    public EtHttpServer(EtApiService service) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "et-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> handle(service, exchange));
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void override(Answer answer) {
        this.override = answer == null ? (m, p) -> null : answer;
    }

    /** Simulates a front end that forwards only status, content type and body. */
    public void dropHeaders(boolean drop) {
        this.dropHeaders = drop;
    }

    private void handle(EtApiService service, HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            AwsResponse response = override.answer(method, path);
            if (response == null) {
                response = service.handle(method, URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8),
                        query(exchange.getRequestURI().getRawQuery()), body);
            }
            byte[] out = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            if (!dropHeaders) {
                response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            }
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
