package io.videopipeline.localcloud.sns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * SNS subscription filter policies, the documented operators: exact string/number, {@code prefix},
 * {@code suffix}, {@code equals-ignore-case}, {@code anything-but} (value, list or {@code prefix}),
 * {@code numeric} ranges, {@code exists}, and {@code $or}. Scope {@code MessageAttributes} (default) matches
 * attributes; {@code MessageBody} matches the (JSON) message, nesting objects like the body does.
 */
final class FilterPolicy {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FilterPolicy() {
    }

    static JsonNode parse(String policy) {
        try {
            JsonNode node = JSON.readTree(policy);
            if (node == null || !node.isObject()) {
                throw SnsException.invalidParameter("Invalid parameter: FilterPolicy: filter policy must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw SnsException.invalidParameter("Invalid parameter: FilterPolicy: failed to parse JSON. "
                    + e.getOriginalMessage());
        }
    }

    static boolean matchesAttributes(String policy, Map<String, MessageAttribute> attributes) {
        JsonNode root = parse(policy);
        return matchesObject(root, key -> attributeValues(attributes.get(key)));
    }

    static boolean matchesBody(String policy, String message) {
        JsonNode root = parse(policy);
        JsonNode body;
        try {
            body = JSON.readTree(message);
        } catch (JsonProcessingException e) {
            return false; // AWS: a body that is not JSON never matches a MessageBody policy
        }
        return body != null && body.isObject() && matchesBodyObject(root, body);
    }

    private interface Lookup {
        List<Object> values(String key); // null = absent
    }

    private static boolean matchesObject(JsonNode policy, Lookup lookup) {
        for (Iterator<Map.Entry<String, JsonNode>> it = policy.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("$or".equals(e.getKey())) {
                boolean any = false;
                for (JsonNode alternative : e.getValue()) {
                    any |= matchesObject(alternative, lookup);
                }
                if (!any) {
                    return false;
                }
            } else if (!matchesConditions(e.getValue(), lookup.values(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesBodyObject(JsonNode policy, JsonNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = policy.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if ("$or".equals(e.getKey())) {
                boolean any = false;
                for (JsonNode alternative : e.getValue()) {
                    any |= matchesBodyObject(alternative, body);
                }
                if (!any) {
                    return false;
                }
                continue;
            }
            JsonNode value = body.get(e.getKey());
            if (e.getValue().isObject()) {
                if (value == null || !value.isObject() || !matchesBodyObject(e.getValue(), value)) {
                    return false;
                }
            } else if (!matchesConditions(e.getValue(), jsonValues(value))) {
                return false;
            }
        }
        return true;
    }

    private static List<Object> attributeValues(MessageAttribute attribute) {
        if (attribute == null) {
            return null;
        }
        List<Object> values = new ArrayList<>();
        switch (attribute.baseType()) {
            case "String" -> values.add(attribute.stringValue());
            case "Number" -> values.add(number(attribute.stringValue()));
            case "String.Array" -> {
                try {
                    JsonNode array = JSON.readTree(attribute.stringValue());
                    List<Object> fromJson = jsonValues(array);
                    if (fromJson != null) {
                        values.addAll(fromJson);
                    }
                } catch (JsonProcessingException e) {
                    values.add(attribute.stringValue());
                }
            }
            default -> {
                // Binary attributes are never matched by SNS filter policies.
            }
        }
        return values;
    }

    private static List<Object> jsonValues(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return null;
        }
        List<Object> values = new ArrayList<>();
        if (node.isArray()) {
            for (JsonNode element : node) {
                values.add(scalar(element));
            }
        } else {
            values.add(scalar(node));
        }
        return values;
    }

    private static Object scalar(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.textValue() : node.toString();
    }

    private static Object number(String text) {
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException | NullPointerException e) {
            return text;
        }
    }

    /** The conditions of one key are ORed; {@code values} is null when the key is absent. */
    private static boolean matchesConditions(JsonNode conditions, List<Object> values) {
        if (!conditions.isArray()) {
            throw SnsException.invalidParameter("Invalid parameter: FilterPolicy: \"" + conditions
                    + "\" must be an object or an array");
        }
        for (JsonNode condition : conditions) {
            if (matchesCondition(condition, values)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesCondition(JsonNode condition, List<Object> values) {
        if (condition.isObject()) {
            Map.Entry<String, JsonNode> op = condition.fields().next();
            JsonNode arg = op.getValue();
            switch (op.getKey()) {
                case "exists":
                    return arg.asBoolean() == (values != null);
                case "prefix":
                    return values != null && values.stream().anyMatch(v -> v instanceof String s && s.startsWith(arg.asText()));
                case "suffix":
                    return values != null && values.stream().anyMatch(v -> v instanceof String s && s.endsWith(arg.asText()));
                case "equals-ignore-case":
                    return values != null && values.stream().anyMatch(v -> v instanceof String s && s.equalsIgnoreCase(arg.asText()));
                case "anything-but":
                    return values != null && values.stream().noneMatch(v -> anythingButExcludes(arg, v));
                case "numeric":
                    return values != null && values.stream().anyMatch(v -> v instanceof BigDecimal n && numericMatches(arg, n));
                default:
                    throw SnsException.invalidParameter("Invalid parameter: FilterPolicy: Unrecognized match type "
                            + op.getKey());
            }
        }
        if (values == null) {
            return false;
        }
        Object expected = scalar(condition);
        return values.stream().anyMatch(v -> equal(expected, v));
    }

    private static boolean anythingButExcludes(JsonNode arg, Object value) {
        if (arg.isArray()) {
            for (JsonNode excluded : arg) {
                if (equal(scalar(excluded), value)) {
                    return true;
                }
            }
            return false;
        }
        if (arg.isObject() && arg.has("prefix")) {
            return value instanceof String s && s.startsWith(arg.get("prefix").asText());
        }
        return equal(scalar(arg), value);
    }

    private static boolean numericMatches(JsonNode arg, BigDecimal n) {
        for (int i = 0; i + 1 < arg.size(); i += 2) {
            String operator = arg.get(i).asText();
            int cmp = n.compareTo(arg.get(i + 1).decimalValue());
            boolean ok = switch (operator) {
                case "=" -> cmp == 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                default -> throw SnsException.invalidParameter("Invalid parameter: FilterPolicy: Unrecognized numeric range operator: "
                        + operator);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean equal(Object expected, Object actual) {
        if (expected instanceof BigDecimal e && actual instanceof BigDecimal a) {
            return e.compareTo(a) == 0;
        }
        return expected != null && expected.equals(actual);
    }
}
