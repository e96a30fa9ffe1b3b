package io.videopipeline.localcloud.sns;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the AWS Query protocol's flattened collections: lists as {@code Name.member.N.*} and maps as
 * {@code Name.entry.N.key/value} (SNS message attributes use {@code Name/Value} instead of {@code key/value}).
 * Indexes start at 1; they are sorted numerically, gaps are tolerated.
 */
final class QueryParams {
    private QueryParams() {
    }

    /** The sub-parameters of each {@code prefix.kind.N.}, in index order, with that prefix removed. */
    static List<Map<String, String>> indexed(Map<String, String> params, String prefix, String kind) {
        String start = prefix + "." + kind + ".";
        TreeMap<Integer, Map<String, String>> byIndex = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(start)) {
                continue;
            }
            String rest = key.substring(start.length());
            int dot = rest.indexOf('.');
            String indexText = dot < 0 ? rest : rest.substring(0, dot);
            int index;
            try {
                index = Integer.parseInt(indexText);
            } catch (NumberFormatException ex) {
                throw SnsException.invalidParameter("Invalid parameter: " + key);
            }
            String field = dot < 0 ? "" : rest.substring(dot + 1);
            byIndex.computeIfAbsent(index, i -> new LinkedHashMap<>()).put(field, e.getValue());
        }
        return new ArrayList<>(byIndex.values());
    }

    /** A map serialized as {@code prefix.entry.N.key} / {@code prefix.entry.N.value}. */
    static Map<String, String> map(Map<String, String> params, String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map<String, String> entry : indexed(params, prefix, "entry")) {
            String key = entry.get("key");
            if (key == null) {
                throw SnsException.invalidParameter("Invalid parameter: " + prefix + " (entry without a key)");
            }
            result.put(key, entry.getOrDefault("value", ""));
        }
        return result;
    }

    static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw SnsException.invalidParameter("Invalid parameter: " + name + " Reason: no value for required parameter");
        }
        return value;
    }
}
