package com.chaojiyuyan.sdk.worker;

import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.internal.Json;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A won bid: this worker's task run holds the job until {@link #leaseExpiresAt()} unless it heartbeats.
 *
 * @param jobId              the job
 * @param taskRunId          this worker's run ({@code tr_...}), named in heartbeat, submit and fail
 * @param leaseExpiresAt     when the lease passes without a heartbeat
 * @param leaseSeconds       how long each heartbeat extends it
 * @param heartbeatSeconds   how often to heartbeat
 * @param submitAttemptsLeft how many submits the run may make
 * @param job                the job in a worker's view (with {@code input_envelope} in {@code raw})
 * @param raw                the whole bid answer
 */
public record Lease(String jobId, String taskRunId, Instant leaseExpiresAt, int leaseSeconds, int heartbeatSeconds,
                    int submitAttemptsLeft, Job job, JsonNode raw) {

    static Lease fromJson(String jobId, JsonNode n) {
        return new Lease(jobId, Json.text(n, "task_run_id"), Json.time(n, "lease_expires_at"),
                Json.intOr(n, "lease_seconds", 30), Json.intOr(n, "heartbeat_seconds", 10),
                Json.intOr(n, "submit_attempts_left", 0), Job.fromJson(n.get("job")), n);
    }
}
