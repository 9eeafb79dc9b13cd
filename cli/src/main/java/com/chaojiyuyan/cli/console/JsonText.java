package com.chaojiyuyan.cli.console;

import java.util.Map;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON as the CLI reads and writes it. Reading keeps what a config file means: member order, numbers as
 * written ({@code 1.50} stays {@code 1.50}, big integers stay exact), and refuses trailing garbage. Writing
 * is {@code JSON.stringify(value, null, 2)}'s layout, the one Claude Code and most tools use for their
 * config files, so a rewritten file differs from the original only where its content changed.
 */
public final class JsonText {
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonText() {
    }

    /** Parses one JSON document; throws Jackson's exception when it is not one. */
    public static JsonNode parse(String text) {
        return MAPPER.readTree(text);
    }

    /** Two-space indented, {@code "name": value}, empty containers as {@code {}} and {@code []}. */
    public static String pretty(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(node, sb, "");
        return sb.toString();
    }

    /** One line, no spaces. */
    public static String compact(JsonNode node) {
        return node == null ? "null" : MAPPER.writeValueAsString(node);
    }

    /** Any value Jackson can write, as a tree. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    private static void write(JsonNode node, StringBuilder sb, String indent) {
        if (node == null) {
            sb.append("null");
        } else if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            String inner = indent + "  ";
            sb.append("{\n");
            boolean first = true;
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (!first) {
                    sb.append(",\n");
                }
                first = false;
                sb.append(inner).append(MAPPER.writeValueAsString(e.getKey())).append(": ");
                write(e.getValue(), sb, inner);
            }
            sb.append('\n').append(indent).append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            String inner = indent + "  ";
            sb.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(",\n");
                }
                sb.append(inner);
                write(node.get(i), sb, inner);
            }
            sb.append('\n').append(indent).append(']');
        } else {
            sb.append(MAPPER.writeValueAsString(node));
        }
    }
}
