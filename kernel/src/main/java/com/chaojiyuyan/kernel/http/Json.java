package com.chaojiyuyan.kernel.http;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the kernel (snake_case records, nulls written) and small JSON helpers. */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            // {"name":"a","name":"b"} is ambiguous, not "the last one wins": refuse it as malformed.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** Parses JSON stored by the kernel itself; a failure here is a bug, not bad input. */
    public static JsonNode parseStored(String text) {
        return text == null ? null : MAPPER.readTree(text);
    }

    public static JsonNode parse(String text) throws JacksonException {
        return MAPPER.readTree(text);
    }

    /** RFC 3339 UTC, or null. */
    public static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    /**
     * A canonical text of a JSON value (object keys sorted, no insignificant whitespace), so two
     * requests that differ only in key order hash alike.
     */
    public static String canonical(JsonNode node) {
        return write(sortKeys(node));
    }

    private static Object sortKeys(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                sorted.put(e.getKey(), sortKeys(e.getValue()));
            }
            return sorted;
        }
        if (node.isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>(node.size());
            for (Iterator<JsonNode> it = node.values().iterator(); it.hasNext(); ) {
                items.add(sortKeys(it.next()));
            }
            return items;
        }
        return node;
    }
}
