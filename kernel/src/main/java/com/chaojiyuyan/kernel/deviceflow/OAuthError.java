package com.chaojiyuyan.kernel.deviceflow;

import com.chaojiyuyan.kernel.http.Json;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error of the OAuth endpoints, answered the way RFC 6749 (section 5.2) and RFC 8628 (section 3.5)
 * say OAuth clients expect it: {@code {"error":..., "error_description":...}} as plain JSON, not
 * problem+json, never cached, and without a {@code WWW-Authenticate} challenge (standard clients stop
 * polling when they see one).
 */
final class OAuthError extends RuntimeException {
    private final int status;
    private final String error;

    OAuthError(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }

    static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description);
    }

    String error() {
        return error;
    }

    int status() {
        return status;
    }

    void render(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        noStore(ctx);
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    /** RFC 6749 5.1: answers carrying tokens, and their errors, must not be cached. */
    static void noStore(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
    }
}
