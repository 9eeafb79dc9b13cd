package com.chaojiyuyan.kernel.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer: HTTP status, stable {@code code}, human {@code detail}, and optional extra members
 * (e.g. {@code submit_attempts_left}). Rendered as RFC 9457 problem+json by {@link Problems}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, Object> extra;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, Map.of(), Map.of());
    }

    public ApiException(int status, String code, String detail, Map<String, Object> extra, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.extra = new LinkedHashMap<>(extra);
        this.headers = Map.copyOf(headers);
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, detail);
    }

    public static ApiException invalidRequest(String detail) {
        return new ApiException(400, "invalid_request", detail);
    }

    /** 401, with the {@code WWW-Authenticate: Bearer} challenge every 401 must carry (RFC 9110). */
    public static ApiException unauthenticated(String detail) {
        return new ApiException(401, "unauthenticated", detail, Map.of(), Map.of("WWW-Authenticate", "Bearer"));
    }

    public static ApiException forbidden(String code, String detail) {
        return new ApiException(403, code, detail);
    }

    /** The one answer for "not yours" and "does not exist": indistinguishable on purpose. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException gone(String code, String detail) {
        return new ApiException(410, code, detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, detail);
    }

    public static ApiException unprocessable(String code, String detail) {
        return new ApiException(422, code, detail);
    }

    public ApiException with(String member, Object value) {
        extra.put(member, value);
        return this;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extra() {
        return extra;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
