package com.chaojiyuyan.kernel.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: JSON in, JSON out, status and headers kept for assertions. */
public final class HttpApi {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String apiUrl;

    public HttpApi(String apiUrl) {
        this.apiUrl = apiUrl;
    }

    /** An answer: status, body (parsed when JSON), headers. */
    public record Response(int status, String text, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            return text == null || text.isEmpty() ? null : JSON.readTree(text);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        /** The problem+json code of an error answer. */
        public String code() {
            JsonNode body = json();
            return body == null || body.get("code") == null ? null : body.get("code").asString();
        }

        public JsonNode get(String member) {
            return json().get(member);
        }

        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, Map.of());
    }

    public Response post(String path, String token, Object body) {
        return send("POST", path, token, body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body), Map.of());
    }

    public Response put(String path, String token, Object body) {
        return send("PUT", path, token, body instanceof String s ? s : JSON.writeValueAsString(body), Map.of());
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null, Map.of());
    }

    /** Sends anything, raw: for malformed requests. {@code path} may be absolute (starting with http). */
    public Response send(String method, String path, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : apiUrl + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String apiUrl() {
        return apiUrl;
    }
}
