package com.chaojiyuyan.sdk;

import com.chaojiyuyan.sdk.internal.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A kernel job as its caller sees it. Members the server adds later are in {@link #raw()}.
 *
 * @param id             {@code job_...}
 * @param capabilityKey  the capability it calls
 * @param status         where it is; {@link JobStatus#isTerminal()} tells whether it is over
 * @param input          the input it was created with
 * @param output         the worker's output once succeeded, else null
 * @param error          why it failed, else null
 * @param attempt        task runs started so far
 * @param maxAttempts    task runs allowed
 * @param maxBudgetNc    the credits held for it
 * @param costNc         the credits it cost once settled, else null
 * @param idempotencyKey the caller's idempotency key, or null
 * @param callbackUrl    where its settlement is posted, or null
 * @param agentId        the agent that created it, or null in a worker's view
 * @param createdAt      when it was created
 * @param updatedAt      when it last changed
 * @param expiresAt      when it expires unless finished
 * @param finishedAt     when it reached a terminal status, else null
 * @param viewUrl        its page in the console, or null
 * @param raw            the whole JSON document
 */
public record Job(String id, String capabilityKey, JobStatus status, JsonNode input, JsonNode output, JobError error,
                  int attempt, int maxAttempts, long maxBudgetNc, Long costNc, String idempotencyKey,
                  String callbackUrl, String agentId, Instant createdAt, Instant updatedAt, Instant expiresAt,
                  Instant finishedAt, String viewUrl, JsonNode raw) {

    /** Reads a job document. */
    public static Job fromJson(JsonNode n) {
        JsonNode e = Json.member(n, "error");
        return new Job(Json.text(n, "id"), Json.text(n, "capability_key"), JobStatus.parse(Json.text(n, "status")),
                Json.member(n, "input"), Json.member(n, "output"),
                e == null ? null : new JobError(Json.text(e, "code"), Json.text(e, "message")),
                Json.intOr(n, "attempt", 0), Json.intOr(n, "max_attempts", 0),
                Json.longOrNull(n, "max_budget_nc") == null ? 0 : Json.longOrNull(n, "max_budget_nc"),
                Json.longOrNull(n, "cost_nc"), Json.text(n, "idempotency_key"), Json.text(n, "callback_url"),
                Json.text(n, "agent_id"), Json.time(n, "created_at"), Json.time(n, "updated_at"),
                Json.time(n, "expires_at"), Json.time(n, "finished_at"), Json.text(n, "view_url"), n);
    }

    /** Whether the job is over (succeeded, failed, cancelled or expired). */
    public boolean isTerminal() {
        return status.isTerminal();
    }
}
