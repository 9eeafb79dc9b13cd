package com.chaojiyuyan.kernel.jobs;

import com.chaojiyuyan.kernel.http.Json;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.node.ObjectNode;

/** How a job looks on the wire: to its caller, and to a worker (no idempotency key, no callback URL). */
public final class JobViews {
    private final Supplier<String> publicUrl;
    private final JobArtifacts artifacts;

    /** {@code publicUrl} is resolved per call: with port 0 it is known only once the server listens. */
    public JobViews(Supplier<String> publicUrl, JobArtifacts artifacts) {
        this.publicUrl = publicUrl;
        this.artifacts = artifacts;
    }

    public ObjectNode caller(Job j) {
        return caller(j, artifacts.of(j));
    }

    /** Caller views of a page of jobs, their artifacts read together. */
    public List<ObjectNode> callers(List<Job> jobs) {
        Map<String, List<ObjectNode>> byJob = artifacts.ofAll(jobs);
        return jobs.stream().map(j -> caller(j, byJob.getOrDefault(j.id(), List.of()))).toList();
    }

    /** The caller view with artifacts read elsewhere (e.g. inside the transaction that wrote them). */
    public ObjectNode caller(Job j, List<ObjectNode> jobArtifacts) {
        ObjectNode out = common(j, jobArtifacts);
        out.put("cost_nc", j.costNc());
        out.put("idempotency_key", j.idempotencyKey());
        out.put("callback_url", j.callbackUrl());
        out.put("agent_id", j.agentId());
        out.put("view_url", publicUrl.get() + "/console/jobs/" + j.id());
        return out;
    }

    public ObjectNode worker(Job j) {
        ObjectNode out = common(j, artifacts.of(j));
        ObjectNode envelope = out.putObject("input_envelope");
        envelope.set("input", Json.parseStored(j.input()));
        envelope.put("capability_key", j.capabilityKey());
        envelope.put("attempt", runAttempt(j));
        return out;
    }

    /**
     * The attempt a worker's run is (or would be): {@code input_envelope.attempt} means this everywhere.
     * The job's own {@code attempt} counts runs started so far, so a queued job's next run is one more.
     */
    private static int runAttempt(Job j) {
        return j.status() == JobStatus.QUEUED ? j.attempt() + 1 : j.attempt();
    }

    /** The entry of a job in the worker's {@code available} listing. */
    public ObjectNode available(Job j) {
        ObjectNode out = Json.object();
        out.put("job_id", j.id());
        out.put("capability_key", j.capabilityKey());
        ObjectNode envelope = out.putObject("input_envelope");
        envelope.set("input", Json.parseStored(j.input()));
        envelope.put("capability_key", j.capabilityKey());
        envelope.put("attempt", runAttempt(j));
        out.put("max_budget_nc", j.maxBudgetNc());
        out.put("attempt", j.attempt());
        out.put("max_attempts", j.maxAttempts());
        out.put("created_at", Json.time(j.createdAt()));
        out.put("expires_at", Json.time(j.expiresAt()));
        return out;
    }

    private ObjectNode common(Job j, List<ObjectNode> jobArtifacts) {
        ObjectNode out = Json.object();
        out.put("id", j.id());
        out.put("capability_key", j.capabilityKey());
        out.put("status", j.status().wire());
        out.set("input", Json.parseStored(j.input()));
        out.set("output", j.output() == null ? null : Json.parseStored(j.output()));
        if (j.errorCode() == null) {
            out.putNull("error");
        } else {
            ObjectNode error = out.putObject("error");
            error.put("code", j.errorCode());
            error.put("message", j.errorMessage());
        }
        out.putArray("artifacts").addAll(jobArtifacts);
        out.put("attempt", j.attempt());
        out.put("max_attempts", j.maxAttempts());
        out.put("max_budget_nc", j.maxBudgetNc());
        out.put("created_at", Json.time(j.createdAt()));
        out.put("updated_at", Json.time(j.updatedAt()));
        out.put("expires_at", Json.time(j.expiresAt()));
        out.put("finished_at", Json.time(j.finishedAt()));
        return out;
    }

    public static ObjectNode event(JobEvent e) {
        ObjectNode out = Json.object();
        out.put("seq", e.seq());
        out.put("type", e.type());
        out.put("at", Json.time(e.at()));
        out.set("data", Json.parseStored(e.data()));
        return out;
    }
}
