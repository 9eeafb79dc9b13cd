package com.chaojiyuyan.agents;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool's arguments, checked against its input schema before the handler sees them: accessors need
 * not check types again, only presence of what is optional.
 */
public final class Arguments {
    private final ObjectNode values;

    private Arguments(ObjectNode values) {
        this.values = values;
    }

    /** Arguments that passed {@link #check}; null or absent arguments are an empty object. */
    static Arguments of(JsonNode values) {
        return new Arguments(values instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode());
    }

    /**
     * What is wrong with {@code values} for {@code schema}, one readable line each; empty when nothing.
     * Checks the subset of JSON Schema tool schemas use: an object's {@code type}, {@code required},
     * {@code properties} and {@code additionalProperties: false}; a value's {@code type} (one or several),
     * {@code enum}, {@code minimum} / {@code maximum}, {@code minLength}, {@code minItems} and {@code items};
     * {@code oneOf} of {@code required} lists.
     */
    public static List<String> check(JsonNode schema, JsonNode values) {
        List<String> problems = new ArrayList<>();
        JsonNode actual = values == null || values.isNull() || values.isMissingNode()
                ? JsonNodeFactory.instance.objectNode() : values;
        checkValue(schema, actual, "arguments", problems);
        return problems;
    }

    private static void checkValue(JsonNode schema, JsonNode value, String where, List<String> problems) {
        JsonNode type = schema.get("type");
        if (type != null && !typeMatches(type, value)) {
            problems.add(where + ": " + describe(value) + " found, " + expected(type) + " expected");
            return;
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && allowed.valueStream().noneMatch(value::equals)) {
            problems.add(where + ": must be one of " + allowed);
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
                problems.add(where + ": must be at least " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
                problems.add(where + ": must be at most " + schema.get("maximum"));
            }
        }
        if (value.isString() && schema.has("minLength") && value.asString().length() < schema.get("minLength").asInt()) {
            problems.add(where + ": must have at least " + schema.get("minLength").asInt() + " characters");
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                problems.add(where + ": must have at least " + schema.get("minItems").asInt() + " items");
            }
            JsonNode items = schema.get("items");
            if (items != null) {
                for (int i = 0; i < value.size(); i++) {
                    checkValue(items, value.get(i), where + "[" + i + "]", problems);
                }
            }
        }
        if (value.isObject()) {
            checkObject(schema, value, where, problems);
        }
    }

    private static void checkObject(JsonNode schema, JsonNode value, String where, List<String> problems) {
        JsonNode properties = schema.path("properties");
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asString()) || value.get(required.asString()).isNull()) {
                problems.add(where + ": '" + required.asString() + "' is required");
            }
        }
        JsonNode oneOf = schema.get("oneOf");
        if (oneOf != null) {
            long matching = oneOf.valueStream().filter(alternative -> alternative.path("required").valueStream()
                    .allMatch(name -> value.has(name.asString()))).count();
            if (matching != 1) {
                List<String> names = oneOf.valueStream().map(a -> a.path("required").toString()).toList();
                problems.add(where + ": exactly one of " + String.join(", ", names) + " must be given");
            }
        }
        boolean closed = schema.path("additionalProperties").isBoolean() && !schema.get("additionalProperties").asBoolean();
        for (String name : value.propertyNames()) {
            JsonNode property = properties.get(name);
            JsonNode member = value.get(name);
            if (property == null) {
                if (closed) {
                    problems.add(where + ": unknown argument '" + name + "'"
                            + (properties.isEmpty() ? "" : " (known: " + String.join(", ", properties.propertyNames()) + ")"));
                }
            } else if (!member.isNull()) {
                checkValue(property, member, where.equals("arguments") ? name : where + "." + name, problems);
            }
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            return type.valueStream().anyMatch(t -> typeMatches(t, value));
        }
        return switch (type.asString()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            default -> true;
        };
    }

    private static String expected(JsonNode type) {
        return type.isArray() ? String.join(" or ", type.valueStream().map(JsonNode::asString).toList()) : type.asString();
    }

    private static String describe(JsonNode value) {
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isString()) {
            return "string";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    /** The whole arguments object. */
    public ObjectNode values() {
        return values;
    }

    /** Whether {@code name} was given (and is not null). */
    public boolean has(String name) {
        JsonNode v = values.get(name);
        return v != null && !v.isNull();
    }

    /** A string argument, or null when absent. */
    public String string(String name) {
        return has(name) ? values.get(name).asString() : null;
    }

    /** An integer argument, or {@code fallback} when absent. */
    public long integer(String name, long fallback) {
        return has(name) ? values.get(name).asLong() : fallback;
    }

    /** Any JSON argument, or null when absent. */
    public JsonNode node(String name) {
        return has(name) ? values.get(name) : null;
    }

    /** A list-of-strings argument, or an empty list when absent. */
    public List<String> strings(String name) {
        return has(name) ? values.get(name).valueStream().map(JsonNode::asString).toList() : List.of();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
