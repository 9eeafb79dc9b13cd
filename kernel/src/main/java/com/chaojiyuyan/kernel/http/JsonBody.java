package com.chaojiyuyan.kernel.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A request's JSON object body, read within the size limit, with typed accessors that answer a
 * precise 400 naming the offending member instead of a generic parse error.
 */
public final class JsonBody {
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /** Reads the body as a JSON object. An empty body reads as {@code {}}. */
    public static JsonBody read(Context ctx, long maxBytes) {
        requireJsonContentType(ctx);
        String text = readText(ctx, maxBytes);
        if (text.isBlank()) {
            return new JsonBody(Json.object());
        }
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (JacksonException e) {
            throw ApiException.badRequest("malformed_json", "request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalidRequest("request body must be a JSON object");
        }
        return new JsonBody(node);
    }

    public static JsonBody of(JsonNode object) {
        return new JsonBody(object);
    }

    static void requireJsonContentType(Context ctx) {
        String type = ctx.contentType();
        if (type == null || type.isBlank()) {
            return;
        }
        String mime = type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals("application/json") && !mime.endsWith("+json")) {
            throw new ApiException(415, "unsupported_media_type",
                    "expected Content-Type application/json, got " + mime);
        }
    }

    /** Reads at most {@code maxBytes} of the body; more is a 413, whatever Content-Length claimed. */
    public static byte[] readBytes(Context ctx, long maxBytes) {
        long declared = ctx.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_request", "could not read the request body");
        }
    }

    /** JSON is UTF-8 (RFC 8259); bytes that are not are refused, not silently replaced with U+FFFD. */
    private static String readText(Context ctx, long maxBytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(readBytes(ctx, maxBytes))).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("malformed_json", "request body is not valid UTF-8");
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "payload_too_large", "request body exceeds " + maxBytes + " bytes");
    }

    public JsonNode root() {
        return root;
    }

    public boolean has(String name) {
        JsonNode v = root.get(name);
        return v != null && !v.isNull();
    }

    /** Rejects members outside {@code allowed}: a typo in a strict request is an error, not a silent default. */
    public JsonBody allowOnly(Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!allowed.contains(e.getKey())) {
                unknown.add(e.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.invalidRequest("unknown member(s) " + unknown + "; allowed: " + new java.util.TreeSet<>(allowed));
        }
        return this;
    }

    public String requiredString(String name) {
        String v = optionalString(name);
        if (v == null) {
            throw ApiException.invalidRequest("'" + name + "' is required (a string)");
        }
        return v;
    }

    public String optionalString(String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw ApiException.invalidRequest("'" + name + "' must be a string, got " + typeOf(v));
        }
        return noNul(name, v.asString());
    }

    /** PostgreSQL text cannot hold NUL; refusing it here keeps both databases storing the same strings. */
    private static String noNul(String name, String value) {
        if (value.indexOf('\u0000') >= 0) {
            throw ApiException.invalidRequest("'" + name + "' must not contain NUL characters");
        }
        return value;
    }

    public Long optionalLong(String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalidRequest("'" + name + "' must be an integer, got " + typeOf(v));
        }
        return v.asLong();
    }

    public Integer optionalInt(String name, int min, int max) {
        Long v = optionalLong(name);
        if (v == null) {
            return null;
        }
        if (v < min || v > max) {
            throw ApiException.invalidRequest("'" + name + "' must be between " + min + " and " + max);
        }
        return v.intValue();
    }

    public Boolean optionalBoolean(String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalidRequest("'" + name + "' must be a boolean, got " + typeOf(v));
        }
        return v.asBoolean();
    }

    /** A member that must be a JSON object, or null when absent. */
    public JsonNode optionalObject(String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw ApiException.invalidRequest("'" + name + "' must be a JSON object, got " + typeOf(v));
        }
        return v;
    }

    public List<String> requiredStringList(String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            throw ApiException.invalidRequest("'" + name + "' is required (an array of strings)");
        }
        if (!v.isArray()) {
            throw ApiException.invalidRequest("'" + name + "' must be an array of strings, got " + typeOf(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v.values()) {
            if (!item.isString()) {
                throw ApiException.invalidRequest("'" + name + "' must contain only strings, found " + typeOf(item));
            }
            out.add(noNul(name, item.asString()));
        }
        return out;
    }

    static String typeOf(JsonNode v) {
        if (v.isObject()) return "an object";
        if (v.isArray()) return "an array";
        if (v.isString()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isIntegralNumber()) return "an integer";
        if (v.isNumber()) return "a number";
        return "null";
    }
}
