package com.chaojiyuyan.kernel.deviceflow;

import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.JsonBody;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The parameters of an OAuth request or an HTML form: {@code application/x-www-form-urlencoded} (what
 * OAuth clients and browsers send) or a JSON object of strings (what scripts find easiest). A parameter
 * given twice is refused (RFC 6749 3.1); parameters nobody asked for are ignored, as OAuth requires.
 */
final class FormParams {
    private final Map<String, String> values;

    private FormParams(Map<String, String> values) {
        this.values = values;
    }

    /** Thrown for a body that is neither a form nor a JSON object of strings. */
    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    static boolean isForm(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("application/x-www-form-urlencoded");
    }

    /** Reads a form body only; {@code allowJson} also takes a JSON object. The size limit is a 413 either way. */
    static FormParams read(Context ctx, long maxBytes, boolean allowJson) {
        if (isForm(ctx)) {
            return parseForm(bytes(ctx, maxBytes));
        }
        if (!allowJson) {
            throw new Malformed("expected a form (Content-Type application/x-www-form-urlencoded)");
        }
        JsonBody body;
        try {
            body = JsonBody.read(ctx, maxBytes);
        } catch (ApiException e) {
            if (e.status() == 413) {
                throw e;
            }
            throw new Malformed("expected application/x-www-form-urlencoded or a JSON object: " + e.detail());
        }
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> member : body.root().properties()) {
            JsonNode v = member.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!v.isString()) {
                throw new Malformed("'" + member.getKey() + "' must be a string");
            }
            out.put(member.getKey(), v.asString());
        }
        return checked(out);
    }

    private static byte[] bytes(Context ctx, long maxBytes) {
        return JsonBody.readBytes(ctx, maxBytes);
    }

    private static FormParams parseForm(byte[] raw) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("the form is not valid UTF-8");
        }
        Map<String, String> out = new HashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Malformed("the form is not valid application/x-www-form-urlencoded");
            }
            if (out.putIfAbsent(name, value) != null) {
                throw new Malformed("'" + name + "' is given more than once");
            }
        }
        return checked(out);
    }

    private static FormParams checked(Map<String, String> values) {
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getValue().indexOf('\u0000') >= 0) {
                throw new Malformed("'" + e.getKey() + "' must not contain NUL characters");
            }
        }
        return new FormParams(values);
    }

    /** The value, or null when absent or empty (RFC 6749 3.1: empty parameters are as if omitted). */
    String get(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }
}
