package io.videopipeline.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The console's HTTP API as a browser calls it: plain HTTP, JSON, the page's Origin on POST and DELETE. */
final class ConsoleClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A response: its status and JSON body (null when empty). */
    record Answer(int status, JsonNode json, String text, java.net.http.HttpHeaders headers) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String origin;
    private final String token;

    ConsoleClient(String base) {
        this(base, base, null);
    }

    ConsoleClient(String base, String origin, String token) {
        this.base = base;
        this.origin = origin;
        this.token = token;
    }

    ConsoleClient withOrigin(String otherOrigin) {
        return new ConsoleClient(base, otherOrigin, token);
    }

    ConsoleClient withToken(String otherToken) {
        return new ConsoleClient(base, origin, otherToken);
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    Answer post(String path, Object body) throws IOException, InterruptedException {
        String json = body == null ? "" : body instanceof String s ? s : JSON.writeValueAsString(body);
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpClient http() {
        return http;
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode json = r.body() == null || r.body().isEmpty() ? null : parse(r.body());
        return new Answer(r.statusCode(), json, r.body(), r.headers());
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
