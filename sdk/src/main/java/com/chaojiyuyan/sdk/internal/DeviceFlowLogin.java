package com.chaojiyuyan.sdk.internal;

import com.chaojiyuyan.sdk.DeviceFlowError;
import com.chaojiyuyan.sdk.DeviceFlowTimeout;
import com.chaojiyuyan.sdk.HebingApiError;
import com.chaojiyuyan.sdk.Transport;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * The device authorization grant (RFC 8628) against {@code /oauth/device/authorize} and
 * {@code /oauth/device/token}: show the user a URL and a code, then poll at the server's interval
 * ({@code slow_down} adds 5 seconds) until approved, denied, expired or out of time. Not public API.
 */
public final class DeviceFlowLogin {
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";
    private static final int DEFAULT_INTERVAL_SECONDS = 5;
    private static final int SLOW_DOWN_SECONDS = 5;

    /** How the poller waits between polls; tests pass one that does not really sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** An approved login: the agent key and the agent it belongs to. */
    public record Approved(String accessToken, String agentId) {
    }

    private final KernelHttp http;
    private final PrintStream out;
    private final Sleeper sleeper;

    public DeviceFlowLogin(KernelHttp http, PrintStream out, Sleeper sleeper) {
        this.http = http;
        this.out = out;
        this.sleeper = sleeper;
    }

    public Approved login(String clientName, Duration timeout) {
        JsonNode grant = form("/oauth/device/authorize", Map.of("client_name", clientName));
        String deviceCode = Json.text(grant, "device_code");
        String userCode = Json.text(grant, "user_code");
        String uri = Json.text(grant, "verification_uri_complete");
        if (uri == null) {
            uri = Json.text(grant, "verification_uri");
        }
        out.println("Connect to chaojiyuyan");
        out.println("----------------------------------------");
        out.println("1) Open: " + uri);
        out.println("2) Enter code: " + userCode);
        out.println();
        out.println("Waiting for approval in your browser...");
        out.flush();

        long lifetimeSeconds = Json.longOrNull(grant, "expires_in") == null ? 900 : Json.longOrNull(grant, "expires_in");
        Duration limit = timeout == null || timeout.toSeconds() > lifetimeSeconds ? Duration.ofSeconds(lifetimeSeconds) : timeout;
        long started = System.nanoTime();
        Duration slept = Duration.ZERO;
        int interval = Json.intOr(grant, "interval", DEFAULT_INTERVAL_SECONDS);
        while (true) {
            Duration wait = Duration.ofSeconds(interval);
            // Time spent so far: the clock's, or the sleeper's when it does not really sleep (tests).
            Duration spent = Duration.ofNanos(Math.max(System.nanoTime() - started, slept.toNanos()));
            if (spent.plus(wait).compareTo(limit) > 0) {
                throw new DeviceFlowTimeout("device-flow approval did not arrive within " + limit.toSeconds() + " s");
            }
            try {
                sleeper.sleep(wait);
                slept = slept.plus(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeviceFlowTimeout("interrupted while waiting for device-flow approval");
            }
            try {
                JsonNode token = form("/oauth/device/token", Map.of("grant_type", GRANT_TYPE, "device_code", deviceCode));
                return new Approved(Json.text(token, "access_token"), Json.text(token, "agent_id"));
            } catch (HebingApiError e) {
                switch (e.code()) {
                    case "authorization_pending" -> {
                    }
                    case "slow_down" -> interval += SLOW_DOWN_SECONDS;
                    case "access_denied" -> throw new DeviceFlowError(e.code(), "the device-flow login was denied");
                    case "expired_token" -> throw new DeviceFlowError(e.code(), "the device code expired before it was approved");
                    default -> {
                        if (e.status() == 410) {
                            throw new DeviceFlowError(e.code(), "the device-flow login failed: " + e.getMessage());
                        }
                        throw e;
                    }
                }
            }
        }
    }

    /** POSTs a form (RFC 8628 uses application/x-www-form-urlencoded) and answers the JSON of a 2xx. */
    private JsonNode form(String path, Map<String, String> fields) {
        String body = new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> KernelHttp.encode(e.getKey()) + "=" + KernelHttp.encode(e.getValue()))
                .collect(Collectors.joining("&"));
        Map<String, String> headers = Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json");
        Transport.Response r = http.exchange(new Transport.Request("POST", URI.create(http.baseUrl() + path), headers,
                body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)));
        JsonNode parsed = KernelHttp.parse(r.body());
        if (r.status() / 100 != 2) {
            throw KernelHttp.apiError(r, parsed);
        }
        return parsed;
    }
}
