package com.chaojiyuyan.kernel.catalog;

import com.chaojiyuyan.kernel.http.Json;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The catalog a fresh server ships, so the quick start works out of the box: two echo capabilities
 * (input {@code {"text": string}}, output {@code {"echo": string}}). Inserted only when missing, so an
 * admin's edits survive restarts.
 */
public final class DefaultCatalog {
    private DefaultCatalog() {
    }

    public static List<CapabilitySpec> specs(long now) {
        return List.of(
                echo("test.echo.v1", "Test echo", "Echoes the input text back. For trying the platform and for tests.", now),
                echo("media.echo.v1", "Media echo", "Echoes the input text back: the demo capability of the CLI's echo worker.", now));
    }

    private static CapabilitySpec echo(String key, String name, String description, long now) {
        JsonNode input = Json.parseStored("""
                {"type":"object","properties":{"text":{"type":"string","maxLength":100000}},
                 "required":["text"],"additionalProperties":false}""");
        JsonNode output = Json.parseStored("""
                {"type":"object","properties":{"echo":{"type":"string"}},"required":["echo"]}""");
        return new CapabilitySpec(key, name, description, input, output, 0,
                CapabilitySpec.DEFAULT_LEASE_SECONDS, CapabilitySpec.DEFAULT_HEARTBEAT_SECONDS,
                CapabilitySpec.DEFAULT_MAX_ATTEMPTS, CapabilitySpec.DEFAULT_JOB_TTL_SECONDS,
                CapabilitySpec.DEFAULT_MAX_SUBMIT_ATTEMPTS, CapabilitySpec.ACTIVE, now, now);
    }

    public static void install(CatalogStore store, long now) {
        specs(now).forEach(store::insert);
    }
}
