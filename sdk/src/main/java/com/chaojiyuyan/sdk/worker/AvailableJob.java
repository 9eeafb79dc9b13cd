package com.chaojiyuyan.sdk.worker;

import com.chaojiyuyan.sdk.internal.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A queued job offered to this worker by {@link Worker#available}.
 *
 * @param jobId         the job
 * @param capabilityKey its capability
 * @param inputEnvelope {@code {"input": ..., "capability_key": ..., "attempt": n}}
 * @param maxBudgetNc   the credits its caller holds for it
 * @param attempt       runs started so far
 * @param maxAttempts   runs allowed
 * @param createdAt     when it was created
 * @param expiresAt     when its bid window closes
 * @param raw           the whole JSON document
 */
public record AvailableJob(String jobId, String capabilityKey, JsonNode inputEnvelope, long maxBudgetNc, int attempt,
                           int maxAttempts, Instant createdAt, Instant expiresAt, JsonNode raw) {

    static AvailableJob fromJson(JsonNode n) {
        Long budget = Json.longOrNull(n, "max_budget_nc");
        return new AvailableJob(Json.text(n, "job_id"), Json.text(n, "capability_key"), Json.member(n, "input_envelope"),
                budget == null ? 0 : budget, Json.intOr(n, "attempt", 0), Json.intOr(n, "max_attempts", 0),
                Json.time(n, "created_at"), Json.time(n, "expires_at"), n);
    }
}
