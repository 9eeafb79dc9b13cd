package com.chaojiyuyan.kernel.deviceflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/** A program using the device flow the way RFC 8628 clients do: form-encoded requests. */
final class DeviceClient {
    static final String GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    private final HttpApi api;

    DeviceClient(HttpApi api) {
        this.api = api;
    }

    /** Asks for a code pair and checks it was given. */
    JsonNode authorize(String clientName) {
        HttpApi.Response r = postForm("/oauth/device/authorize", Map.of("client_name", clientName));
        assertThat(r.status()).as("authorize: %s", r).isEqualTo(200);
        return r.json();
    }

    HttpApi.Response token(String deviceCode) {
        return postForm("/oauth/device/token", Map.of("grant_type", GRANT, "device_code", deviceCode));
    }

    HttpApi.Response postForm(String path, Map<String, String> params) {
        return api.send("POST", path, null, form(params), Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }

    static String form(Map<String, String> params) {
        return new LinkedHashMap<>(params).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Checks an OAuth error answer: status, error code, plain JSON, not cached, no challenge. */
    static void assertOAuthError(HttpApi.Response r, int status, String error) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.json().get("error").asString()).as("%s", r).isEqualTo(error);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("WWW-Authenticate")).as("no challenge on OAuth errors").isNull();
    }
}
