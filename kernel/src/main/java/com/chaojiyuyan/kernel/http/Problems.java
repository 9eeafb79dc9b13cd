package com.chaojiyuyan.kernel.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renders every error as RFC 9457 {@code application/problem+json} with a stable {@code code}. */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    public static final String REQUEST_ID = "request_id";

    private Problems() {
    }

    public static void render(Context ctx, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title(e.status()));
        body.put("status", e.status());
        body.put("code", e.code());
        body.put("detail", e.detail());
        body.putAll(e.extra());
        body.put("request_id", ctx.attribute(REQUEST_ID));
        e.headers().forEach(ctx::header);
        ctx.status(e.status()).contentType(CONTENT_TYPE).result(Json.write(body));
    }

    /** The code for a status Javalin or Jetty produced on its own (unknown route, wrong method...). */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limited";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "invalid_request";
        };
    }

    private static String title(int status) {
        HttpStatus s = HttpStatus.forStatus(status);
        return s == HttpStatus.UNKNOWN ? "Error" : s.getMessage();
    }
}
