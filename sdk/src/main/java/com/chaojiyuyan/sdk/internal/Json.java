package com.chaojiyuyan.sdk.internal;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The SDK's one JSON mapper and null-tolerant readers for the kernel's documents. Not public API. */
public final class Json {
    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    /** The member as a string; null when absent or JSON null. */
    public static String text(JsonNode node, String member) {
        JsonNode v = node == null ? null : node.get(member);
        return v == null || v.isNull() ? null : v.asString();
    }

    public static Long longOrNull(JsonNode node, String member) {
        JsonNode v = node == null ? null : node.get(member);
        return v == null || v.isNull() ? null : v.asLong();
    }

    public static int intOr(JsonNode node, String member, int fallback) {
        JsonNode v = node == null ? null : node.get(member);
        return v == null || v.isNull() ? fallback : v.asInt();
    }

    public static Instant time(JsonNode node, String member) {
        String s = text(node, member);
        return s == null ? null : Instant.parse(s);
    }

    /** The member itself; null when absent or JSON null. */
    public static JsonNode member(JsonNode node, String member) {
        JsonNode v = node == null ? null : node.get(member);
        return v == null || v.isNull() ? null : v;
    }
}
