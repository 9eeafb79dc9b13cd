package com.chaojiyuyan.cli.console;

import com.chaojiyuyan.cli.Version;
import com.chaojiyuyan.sdk.Transport;
import com.chaojiyuyan.sdk.internal.KernelHttp;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The kernel's HTTP API with any credential (an agent key or an owner session token), for the routes the
 * SDK's agent client does not cover: {@code /me}, the owner and admin routes. Built on the SDK's HTTP layer,
 * so errors are the same {@code HebingApiError}s (status, code, detail) and network failures the same
 * {@code UncheckedIOException}s.
 */
public final class KernelApi implements AutoCloseable {
    private final HttpClient client;
    private final KernelHttp http;

    private KernelApi(HttpClient client, KernelHttp http) {
        this.client = client;
        this.http = http;
    }

    /** A connection to {@code baseUrl} sending {@code token} as bearer (null for none). */
    public static KernelApi open(String baseUrl, String token) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new KernelApi(client, new KernelHttp(Endpoint.use(baseUrl), token, "chaojiyuyan-cli/" + Version.current(),
                Duration.ofSeconds(30), Transport.over(client)));
    }

    public JsonNode get(String path) {
        return get(path, Map.of());
    }

    public JsonNode get(String path, Map<String, ?> query) {
        return http.get(path, query, Duration.ZERO).body();
    }

    public JsonNode post(String path, Object body) {
        return http.post(path, body).body();
    }

    /** A PUT; answers the status too (201 created, 200 replaced). */
    public KernelHttp.Reply put(String path, Object body) {
        return http.send("PUT", path, body, Duration.ZERO);
    }

    public void delete(String path) {
        http.send("DELETE", path, null, Duration.ZERO);
    }

    /** A path segment, encoded (ids and keys come from the command line). */
    public static String segment(String s) {
        return KernelHttp.segment(s);
    }

    @Override
    public void close() {
        client.close();
    }
}
