package com.chaojiyuyan.kernel.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One operation of the served OpenAPI document, as much as the fuzzer needs: where it is (the path
 * template under its server: {@code /api/v1} or the root), its query parameters, whether it reads a body
 * (JSON or a form), who may call it ({@code x-access}), and the top-level members of that body's schema.
 */
record Operation(String method, String prefix, String template, String access, List<String> queryParams, boolean hasBody,
                 boolean form, List<String> bodyMembers) {

    static List<Operation> all(JsonNode doc) {
        List<Operation> ops = new ArrayList<>();
        for (var path : doc.get("paths").properties()) {
            JsonNode item = path.getValue();
            String prefix = item.has("servers") ? item.get("servers").get(0).get("url").asString().replaceAll("/$", "") : "/api/v1";
            for (var op : item.properties()) {
                String method = op.getKey();
                if (!Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                    continue;
                }
                List<String> query = new ArrayList<>();
                for (JsonNode p : op.getValue().path("parameters")) {
                    JsonNode param = resolve(doc, p);
                    if ("query".equals(param.path("in").asString(""))) {
                        query.add(param.get("name").asString());
                    }
                }
                JsonNode content = op.getValue().path("requestBody").path("content");
                boolean hasBody = !content.isMissingNode() && !content.isEmpty();
                boolean form = content.has("application/x-www-form-urlencoded") && !content.has("application/json");
                Set<String> members = new LinkedHashSet<>();
                for (var media : content.properties()) {
                    collectMembers(doc, media.getValue().path("schema"), members, 0);
                }
                ops.add(new Operation(method.toUpperCase(java.util.Locale.ROOT), prefix, path.getKey(),
                        op.getValue().path("x-access").asString("public"), query, hasBody, form, List.copyOf(members)));
            }
        }
        return ops;
    }

    private static void collectMembers(JsonNode doc, JsonNode schema, Set<String> members, int depth) {
        JsonNode s = resolve(doc, schema);
        if (depth > 4 || s.isMissingNode()) {
            return;
        }
        s.path("properties").propertyNames().forEach(members::add);
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            for (JsonNode part : s.path(combinator)) {
                collectMembers(doc, part, members, depth + 1);
            }
        }
    }

    private static JsonNode resolve(JsonNode doc, JsonNode node) {
        JsonNode n = node;
        for (int i = 0; i < 10 && n.has("$ref"); i++) {
            String ref = n.get("$ref").asString();
            n = doc.at(ref.substring(1));
        }
        return n;
    }

    /** The template's path parameters, in order. */
    List<String> pathParams() {
        List<String> names = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Override
    public String toString() {
        return method + " " + prefix + template;
    }
}
