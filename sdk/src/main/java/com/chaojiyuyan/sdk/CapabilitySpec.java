package com.chaojiyuyan.sdk;

import com.chaojiyuyan.sdk.internal.Json;
import tools.jackson.databind.JsonNode;

/**
 * A capability in the kernel's catalog.
 *
 * @param capabilityKey    dotted lowercase, e.g. {@code test.echo.v1}
 * @param name             a short human name
 * @param description      what it does, or null
 * @param inputSchema      JSON Schema of a job's input
 * @param outputSchema     JSON Schema of a worker's output
 * @param priceNc          credits a successful job costs
 * @param leaseSeconds     how long a worker's lease lasts without a heartbeat
 * @param heartbeatSeconds how often a worker should heartbeat
 * @param maxAttempts      task runs a job may take
 * @param jobTtlSeconds    how long a job may wait and run before it expires
 * @param status           {@code active} or {@code deprecated}
 * @param raw              the whole JSON document
 */
public record CapabilitySpec(String capabilityKey, String name, String description, JsonNode inputSchema,
                             JsonNode outputSchema, long priceNc, int leaseSeconds, int heartbeatSeconds,
                             int maxAttempts, long jobTtlSeconds, String status, JsonNode raw) {

    /** Reads a capability spec document. */
    public static CapabilitySpec fromJson(JsonNode n) {
        Long price = Json.longOrNull(n, "price_nc");
        Long ttl = Json.longOrNull(n, "job_ttl_seconds");
        return new CapabilitySpec(Json.text(n, "capability_key"), Json.text(n, "name"), Json.text(n, "description"),
                Json.member(n, "input_schema"), Json.member(n, "output_schema"), price == null ? 0 : price,
                Json.intOr(n, "lease_seconds", 0), Json.intOr(n, "heartbeat_seconds", 0), Json.intOr(n, "max_attempts", 0),
                ttl == null ? 0 : ttl, Json.text(n, "status"), n);
    }
}
