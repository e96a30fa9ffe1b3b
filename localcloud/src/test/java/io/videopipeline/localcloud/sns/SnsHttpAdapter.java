package io.videopipeline.localcloud.sns;

import io.videopipeline.localcloud.gateway.AwsResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stand-in for the local cloud gateway in tests: one HTTP port that hands every request's form (and query)
 * parameters to {@link SnsService#handle}, with the region taken from the SigV4 credential scope.
 */
public final class SnsHttpAdapter implements AutoCloseable {
    private static final Pattern REGION = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/");

    private final HttpServer server;
    volatile Map<String, String> lastParams = Map.of();

    public SnsHttpAdapter(SnsService sns) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> handle(sns, exchange));
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(SnsService sns, HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        parse(exchange.getRequestURI().getRawQuery(), params);
        parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), params);
        lastParams = params;
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String region = null;
        if (authorization != null) {
            Matcher m = REGION.matcher(authorization);
            if (m.find()) {
                region = m.group(1);
            }
        }
        AwsResponse response = sns.handle(params, region);
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void parse(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(key, value);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
