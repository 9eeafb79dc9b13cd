package com.chaojiyuyan.sdk.internal;

import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.Transport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Sends the kernel's JSON requests with the agent key and turns every non-2xx answer into a
 * {@link HebingApiError}. Shared by the client and the worker. Not public API.
 *
 * <p>Network failures pass through as {@link UncheckedIOException} around the JDK's exception; an
 * interrupted call restores the thread's interrupt flag and throws {@link UncheckedIOException} around an
 * {@link InterruptedIOException}, so blocking SDK calls stay cancellable by interrupting their thread.
 */
public final class KernelHttp {
    private final String baseUrl;
    private final String apiKey;
    private final String userAgent;
    private final Duration timeout;
    private final Transport transport;

    public KernelHttp(String baseUrl, String apiKey, String userAgent, Duration timeout, Transport transport) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        this.userAgent = userAgent;
        this.timeout = timeout;
        this.transport = transport;
    }

    /** A 2xx answer: its status and parsed body (null when empty). */
    public record Reply(int status, JsonNode body) {
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String apiKey() {
        return apiKey;
    }

    public Reply get(String path, Map<String, ?> query, Duration extraTime) {
        return send("GET", path + queryString(query), null, extraTime);
    }

    public Reply post(String path, Object body) {
        return send("POST", path, body, Duration.ZERO);
    }

    /** Sends; {@code extraTime} lengthens the timeout for requests the server holds (long-polls). */
    public Reply send(String method, String path, Object body, Duration extraTime) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("User-Agent", userAgent);
        if (apiKey != null) {
            headers.put("Authorization", "Bearer " + apiKey);
        }
        byte[] bytes = null;
        if (body != null) {
            headers.put("Content-Type", "application/json");
            bytes = Json.MAPPER.writeValueAsBytes(body);
        }
        Transport.Response r = exchange(new Transport.Request(method, URI.create(baseUrl + path), headers, bytes,
                timeout.plus(extraTime)));
        JsonNode parsed = parse(r.body());
        if (r.status() / 100 != 2) {
            throw apiError(r, parsed);
        }
        return new Reply(r.status(), parsed);
    }

    /** One raw exchange through the transport, network failures unchecked. */
    public Transport.Response exchange(Transport.Request request) {
        try {
            return transport.send(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException io = new InterruptedIOException("interrupted while waiting for " + request.uri());
            io.initCause(e);
            throw new UncheckedIOException(io);
        }
    }

    public static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JacksonException notJson) {
            return null;
        }
    }

    public static HebingApiError apiError(Transport.Response r, JsonNode problem) {
        String code = Json.text(problem, "code");
        if (code == null) {
            code = Json.text(problem, "error"); // OAuth endpoints answer {"error": "..."}
        }
        if (code == null) {
            code = "http_" + r.status();
        }
        String detail = Json.text(problem, "detail");
        if (detail == null) {
            detail = Json.text(problem, "error_description");
        }
        String requestId = Json.text(problem, "request_id");
        if (requestId == null) {
            requestId = r.header("X-Request-Id");
        }
        return new HebingApiError(r.status(), code, detail, requestId, problem, new String(r.body(), StandardCharsets.UTF_8));
    }

    /** {@code ?a=1&b=x&b=y} from a map whose values may be lists; null values are left out. */
    public static String queryString(Map<String, ?> query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        query.forEach((name, value) -> {
            List<?> values = value instanceof List<?> l ? l : value == null ? List.of() : List.of(value);
            for (Object v : values) {
                sb.append(sb.isEmpty() ? '?' : '&').append(encode(name)).append('=').append(encode(String.valueOf(v)));
            }
        });
        return sb.toString();
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A path segment (job ids are opaque: encode them). */
    public static String segment(String s) {
        return encode(s).replace("+", "%20");
    }
}
