package io.videopipeline.localcloud.et;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reading ET's JSON requests the way ET does: its validation messages, its paging. */
final class EtRequests {

    static final int PAGE_SIZE = 50;

    private EtRequests() {
    }

    /**
     * ET pages lists by 50 (fixed; the API has no page-size parameter); {@code PageToken} is the id of the first
     * item of the page, {@code Ascending=false} reverses the order (oldest first by default).
     */
    static String page(List<String> ids, Map<String, String> query, ArrayNode into,
                        Function<String, JsonNode> item) {
        List<String> ordered = new ArrayList<>(ids);
        if ("false".equalsIgnoreCase(query.get("Ascending"))) {
            Collections.reverse(ordered);
        }
        int start = 0;
        String token = query.get("PageToken");
        if (token != null && !token.isEmpty()) {
            start = ordered.indexOf(token);
            if (start < 0) {
                throw EtApiException.validation("The PageToken " + token + " is not valid.");
            }
        }
        int end = Math.min(ordered.size(), start + PAGE_SIZE);
        for (String id : ordered.subList(start, end)) {
            into.add(item.apply(id));
        }
        return end < ordered.size() ? ordered.get(end) : null;
    }

    static void putNext(ObjectNode res, String next) {
        if (next != null) {
            res.put("NextPageToken", next);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    static String requiredText(JsonNode node, String field, String memberName) {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw EtApiException.validation("1 validation error detected: Value null at '" + memberName
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    static JsonNode body(ObjectMapper json, byte[] body) {
        if (body == null || body.length == 0) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw EtApiException.validation("The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw EtApiException.validation("The request body is not valid JSON: " + e.getMessage());
        }
    }
}
