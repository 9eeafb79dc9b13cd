package com.chaojiyuyan.kernel.catalog;

import tools.jackson.databind.JsonNode;

/** One entry of the capability catalog: what a job of this kind takes, returns, costs, and how long it may run. */
public record CapabilitySpec(
        String capabilityKey,
        String name,
        String description,
        JsonNode inputSchema,
        JsonNode outputSchema,
        long priceNc,
        int leaseSeconds,
        int heartbeatSeconds,
        int maxAttempts,
        int jobTtlSeconds,
        int maxSubmitAttempts,
        String status,
        long createdAt,
        long updatedAt) {

    public static final String ACTIVE = "active";
    public static final String DEPRECATED = "deprecated";

    public static final int DEFAULT_LEASE_SECONDS = 30;
    public static final int DEFAULT_HEARTBEAT_SECONDS = 10;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int DEFAULT_JOB_TTL_SECONDS = 3600;
    public static final int DEFAULT_MAX_SUBMIT_ATTEMPTS = 3;

    public boolean isActive() {
        return ACTIVE.equals(status);
    }
}
