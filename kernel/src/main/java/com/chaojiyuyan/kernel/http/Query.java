package com.chaojiyuyan.kernel.http;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Query-parameter parsing with precise 400 {@code invalid_parameter} answers. */
public final class Query {
    private Query() {
    }

    public static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
        String raw = single(ctx, name);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(name, "must be an integer between " + min + " and " + max + ", got '" + clip(raw) + "'");
        }
        if (value < min || value > max) {
            throw invalid(name, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public static String string(Context ctx, String name) {
        String raw = single(ctx, name);
        return raw == null || raw.isEmpty() ? null : raw;
    }

    public static List<String> strings(Context ctx, String name) {
        return ctx.queryParams(name).stream()
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    private static String single(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw invalid(name, "must be given at most once");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    /**
     * The answer of a listing read with one row more than {@code limit}: {@code items} rendered, and
     * {@code next_cursor} encoding the last item's key when that extra row says another page exists.
     */
    public static <T> ObjectNode page(List<T> fetched, int limit, Function<List<T>, List<? extends JsonNode>> render,
                                      Function<T, String> cursorKey) {
        boolean more = fetched.size() > limit;
        List<T> items = more ? fetched.subList(0, limit) : fetched;
        ObjectNode out = Json.object();
        out.putArray("items").addAll(render.apply(items));
        out.put("next_cursor", more ? encodeCursor(cursorKey.apply(items.get(items.size() - 1))) : null);
        return out;
    }

    /** Cursors are opaque to clients: base64url of the last id of the previous page. */
    public static String encodeCursor(String lastId) {
        return lastId == null ? null
                : Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
    }

    public static String cursor(Context ctx, String idPrefix) {
        String raw = string(ctx, "cursor");
        if (raw == null) {
            return null;
        }
        try {
            String id = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
            if (!id.startsWith(idPrefix + "_")) {
                throw invalid("cursor", "is not a cursor from this listing");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw invalid("cursor", "is not a cursor from this listing");
        }
    }

    public static ApiException invalid(String name, String why) {
        return ApiException.badRequest("invalid_parameter", "query parameter '" + name + "' " + why);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
