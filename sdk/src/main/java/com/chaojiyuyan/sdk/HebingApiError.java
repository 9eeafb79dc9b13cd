package com.chaojiyuyan.sdk;

import tools.jackson.databind.JsonNode;

/**
 * The kernel answered with a non-2xx status. Its RFC 9457 problem document is kept whole in
 * {@link #body()}; {@link #code()} is the stable machine-readable code ({@code unknown_capability},
 * {@code insufficient_balance}, {@code not_found}, ...).
 */
public class HebingApiError extends HebingError {
    private final int status;
    private final String code;
    private final String detail;
    private final String requestId;
    private final transient JsonNode body;
    private final String rawBody;

    /**
     * An API error.
     *
     * @param status    the HTTP status
     * @param code      the problem's {@code code}, or a code derived from the status when the body had none
     * @param detail    the problem's {@code detail}, or null
     * @param requestId the problem's {@code request_id} (or the {@code X-Request-Id} header), or null
     * @param body      the parsed problem document, or null when the body was not JSON
     * @param rawBody   the body as text
     */
    public HebingApiError(int status, String code, String detail, String requestId, JsonNode body, String rawBody) {
        super(status + " " + code + (detail == null ? "" : ": " + detail) + (requestId == null ? "" : " [" + requestId + "]"));
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.requestId = requestId;
        this.body = body;
        this.rawBody = rawBody;
    }

    /** The HTTP status (the Python SDK's {@code status_code}). */
    public int status() {
        return status;
    }

    /** The stable error code, e.g. {@code unknown_capability}. */
    public String code() {
        return code;
    }

    /** The human-readable detail, or null. */
    public String detail() {
        return detail;
    }

    /** The request id to quote when reporting a problem, or null. */
    public String requestId() {
        return requestId;
    }

    /** The parsed problem document (with any extra members), or null when the body was not JSON. */
    public JsonNode body() {
        return body;
    }

    /** The response body as text. */
    public String rawBody() {
        return rawBody;
    }
}
