package com.chaojiyuyan.cli.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Table rows from the API's JSON lists. */
final class Views {
    private Views() {
    }

    static List<List<String>> rows(JsonNode items, Function<JsonNode, List<String>> row) {
        List<List<String>> rows = new ArrayList<>();
        if (items != null) {
            items.forEach(n -> rows.add(row.apply(n)));
        }
        return rows;
    }

    /** A member as text; empty when absent or null. */
    static String text(JsonNode node, String member) {
        JsonNode v = node.get(member);
        return v == null || v.isNull() ? "" : v.asString();
    }
}
