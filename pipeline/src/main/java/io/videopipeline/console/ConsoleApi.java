package io.videopipeline.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.videopipeline.logging.LogText;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP API (console-contract.md), one method per endpoint of routes/console-api.yaml, behind
 * {@link ConsoleGuard}. Every answer is JSON written by Jackson; a refusal is {@code {"error": "..."}} with its status,
 * and an unexpected failure a 500 whose details go to the log (with keys made safe), not to the browser.
 *
 * <p>Query strings are parsed here, from the raw query, rather than taken from HTTP-server headers: a parameter can
 * then never pose as a header ({@code ?Origin=...}), and a key keeps every character it was sent with.
 */
public final class ConsoleApi {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleApi.class);

    private final ConsoleGuard guard;
    private final UploadLibrary library;
    private final BrowserUploads uploads;
    private final JobFixes fixes;

    public ConsoleApi(ConsoleGuard guard, UploadLibrary library, BrowserUploads uploads, JobFixes fixes) {
        this.guard = guard;
        this.library = library;
        this.uploads = uploads;
        this.fixes = fixes;
    }

    public ConsoleGuard guard() {
        return guard;
    }

    public UploadLibrary library() {
        return library;
    }

    /** {@code GET /api/uploads?state=&q=&page=&size=} */
    public ConsoleResponse list(String rawQuery) {
        return answer(() -> {
            Map<String, String> q = query(rawQuery);
            return library.list(q.get("state"), q.get("q"), number(q, "page", 0), number(q, "size", 20));
        });
    }

    /** {@code GET /api/uploads/detail?key=} */
    public ConsoleResponse detail(String rawQuery) {
        return answer(() -> library.detail(query(rawQuery).get("key")));
    }

    /** {@code POST /api/uploads} */
    public ConsoleResponse start(String body) {
        return answer(() -> uploads.start(json(body)));
    }

    /** {@code POST /api/uploads/complete} */
    public ConsoleResponse complete(String body) {
        return answer(() -> uploads.complete(json(body)));
    }

    /** {@code POST /api/uploads/abort} */
    public ConsoleResponse abort(String body) {
        return answer(() -> {
            uploads.abort(json(body));
            return null;
        });
    }

    /** {@code POST /api/uploads/retry?key=} */
    public ConsoleResponse retry(String rawQuery) {
        return answer(() -> fixes.retry(query(rawQuery).get("key")));
    }

    /** {@code DELETE /api/uploads?key=} */
    public ConsoleResponse delete(String rawQuery) {
        return answer(() -> fixes.delete(query(rawQuery).get("key")));
    }

    /** {@code GET /api/dlq} */
    public ConsoleResponse deadLetters() {
        return answer(fixes::deadLetters);
    }

    /**
     * The guard's verdict as a response: null if the call may go on. The HTTP server also hands query parameters over
     * as headers, so a query naming a header the guard reads ({@code ?Origin=}) or one of Camel's is refused first.
     */
    public ConsoleResponse refusal(String method, String authorization, String origin, String requestUrl,
                                   String rawQuery) {
        try {
            for (String name : query(rawQuery).keySet()) {
                String lower = name.toLowerCase(java.util.Locale.ROOT);
                if (lower.equals("origin") || lower.equals("authorization") || lower.equals("host")
                        || lower.startsWith("camel")) {
                    throw ConsoleError.badRequest("query parameter '" + name + "' is not one of the API's");
                }
            }
            guard.check(method, authorization, origin, requestUrl);
            return null;
        } catch (ConsoleError e) {
            return error(e.status(), e.getMessage());
        }
    }

    private ConsoleResponse answer(java.util.function.Supplier<ObjectNode> work) {
        try {
            ObjectNode json = work.get();
            return json == null ? new ConsoleResponse(204, "") : new ConsoleResponse(200, json.toString());
        } catch (ConsoleError e) {
            return error(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Console API call failed: {}", LogText.safe(e.toString()));
            return error(500, "the pipeline could not do that: " + e.getClass().getSimpleName()
                    + " (the runner's log has the details)");
        }
    }

    static ConsoleResponse error(int status, String message) {
        return new ConsoleResponse(status, JobView.JSON.createObjectNode().put("error", message).toString());
    }

    static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            throw ConsoleError.badRequest("the request body must be a JSON object");
        }
        try {
            JsonNode node = JobView.JSON.readTree(body);
            if (!node.isObject()) {
                throw ConsoleError.badRequest("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ConsoleError.badRequest("the request body is not JSON: " + e.getOriginalMessage());
        }
    }

    /** {@code a=1&b=x%20y} → {a: 1, b: "x y"}; a parameter given twice is refused (which one would be meant?). */
    static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ConsoleError.badRequest("the query string is not valid percent-encoding");
            }
            if (params.put(name, value) != null) {
                throw ConsoleError.badRequest("query parameter '" + name + "' is given more than once");
            }
        }
        return params;
    }

    private static int number(Map<String, String> q, String name, int otherwise) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ConsoleError.badRequest("query parameter '" + name + "' must be a whole number");
        }
    }
}
