package com.chaojiyuyan.kernel.workers;

import com.chaojiyuyan.kernel.artifacts.Artifacts;
import com.chaojiyuyan.kernel.artifacts.SubmittedArtifact;
import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.catalog.CapabilitySpec;
import com.chaojiyuyan.kernel.catalog.CatalogStore;
import com.chaojiyuyan.kernel.catalog.SchemaValidator;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.JobStatus;
import com.chaojiyuyan.kernel.jobs.JobStore;
import com.chaojiyuyan.kernel.jobs.JobTransitions;
import com.chaojiyuyan.kernel.jobs.TaskRun;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The worker's side of a job: bid, heartbeat, submit, fail. Each call is one transaction that locks the
 * job row first, then judges the caller's run against the job as it is now.
 *
 * <p>A run that no longer holds the job is answered by how it lost it: 410 {@code job_terminal} when the
 * job ended while the run held it (cancelled, expired), 404 {@code task_run_not_found} when another run
 * has taken the job over, 410 {@code lease_expired} when the lease passed and nobody took over yet.
 */
public final class Leases {

    /** A won bid: the run and the job it now holds. */
    public record Won(TaskRun run, Job job, int leaseSeconds, int heartbeatSeconds) {
    }

    /**
     * What a transaction decided. Some refusals must commit state first (a rejected submit uses up one
     * attempt), so they travel out of the transaction as values and are thrown after commit.
     */
    private record Outcome<T>(T value, ApiException error) {
        T getOrThrow() {
            if (error != null) {
                throw error;
            }
            return value;
        }
    }

    private final Database db;
    private final JobStore store;
    private final JobTransitions transitions;
    private final CatalogStore catalog;
    private final SchemaValidator schemas;
    private final WorkerRegistry registry;
    private final Artifacts artifacts;
    private final Clock clock;

    public Leases(Database db, JobStore store, JobTransitions transitions, CatalogStore catalog, SchemaValidator schemas,
                  WorkerRegistry registry, Artifacts artifacts, Clock clock) {
        this.db = db;
        this.store = store;
        this.transitions = transitions;
        this.catalog = catalog;
        this.schemas = schemas;
        this.registry = registry;
        this.artifacts = artifacts;
        this.clock = clock;
    }

    /** First come, first served: the first bid on a queued job wins; null when another worker holds it. */
    public Won bid(Principal.Agent worker, String jobId) {
        List<String> serves = registry.requireWorker(worker.agentId());
        long now = clock.millis();
        return db.transaction(h -> {
            Job job = lockJob(h, jobId);
            if (!serves.contains(job.capabilityKey())) {
                throw ApiException.forbidden("capability_not_registered",
                        "this agent does not serve '" + job.capabilityKey() + "'; register it first");
            }
            switch (job.status()) {
                case RUNNING -> {
                    return null;
                }
                case QUEUED -> {
                    if (now >= job.expiresAt()) {
                        throw ApiException.gone("bid_window_closed", "job " + jobId + " is past its bid window");
                    }
                    if (job.attempt() >= job.maxAttempts()) {
                        throw ApiException.gone("attempts_exhausted", "job " + jobId + " has used all its attempts");
                    }
                    CapabilitySpec spec = catalog.find(h, job.capabilityKey()).orElseThrow();
                    TaskRun run = transitions.start(h, job, worker.agentId(), spec.leaseSeconds(), spec.maxSubmitAttempts(), now);
                    return new Won(run, store.find(h, jobId).orElseThrow(), spec.leaseSeconds(), spec.heartbeatSeconds());
                }
                case EXPIRED -> throw ApiException.gone("bid_window_closed", "job " + jobId + " expired");
                default -> {
                    if ("attempts_exhausted".equals(job.errorCode())) {
                        throw ApiException.gone("attempts_exhausted", "job " + jobId + " failed after all its attempts");
                    }
                    throw ApiException.gone("job_terminal", "job " + jobId + " is already " + job.status().wire());
                }
            }
        });
    }

    /** Extends the lease of a run that still holds it; answers the new expiry. */
    public long heartbeat(Principal.Agent worker, String jobId, String runId) {
        registry.requireWorker(worker.agentId());
        long now = clock.millis();
        return db.transaction(h -> {
            Job job = lockJob(h, jobId);
            TaskRun run = holdingRun(h, worker, job, runId, now);
            int lease = catalog.find(h, job.capabilityKey()).map(CapabilitySpec::leaseSeconds)
                    .orElse(CapabilitySpec.DEFAULT_LEASE_SECONDS);
            long expires = now + lease * 1000L;
            store.extendLease(h, run.id(), expires, now);
            return expires;
        });
    }

    /**
     * Submits a run's output and artifacts. Valid: the job succeeds and settles in this transaction, with
     * its artifact rows. Invalid: 422 submit_validation_failed with the attempts left, the run keeps its
     * lease, and the last failed attempt ends the run as a failure. Repeating an accepted submit with the
     * same output and artifacts answers the same job.
     */
    public Job submit(Principal.Agent worker, String jobId, String runId, JsonNode output, List<SubmittedArtifact> submitted) {
        registry.requireWorker(worker.agentId());
        String outputText = Json.write(output);
        String submitHash = submitHash(output, submitted);
        long now = clock.millis();
        if (submitted.stream().anyMatch(SubmittedArtifact::inline) && likelyAccepted(worker, jobId, runId, output, now)) {
            // Before the transaction, so no lock waits on the disk; content addressing makes a retry write nothing.
            artifacts.storeBlobs(submitted);
        }
        return db.transaction(h -> {
            Job job = lockJob(h, jobId);
            TaskRun run = ownRun(h, worker, job, runId);
            if (TaskRun.SUCCEEDED.equals(run.status())) {
                if (submitHash.equals(run.outputHash())) {
                    return new Outcome<>(job, null);
                }
                return new Outcome<Job>(null, ApiException.conflict("already_submitted",
                        "this run's output was already accepted; a different output or artifacts cannot replace it"));
            }
            requireHolding(job, run, now);
            CapabilitySpec spec = catalog.find(h, job.capabilityKey()).orElseThrow();
            List<String> errors = schemas.validate(spec.outputSchema(), output);
            if (errors.isEmpty()) {
                // The rows before the success, so that whatever settlement does with the job sees them.
                artifacts.record(h, job, run, submitted, now);
                return new Outcome<>(transitions.succeeded(h, job, run, outputText, submitHash, now), null);
            }
            store.useSubmitAttempt(h, run.id());
            int left = run.submitAttemptsLeft() - 1;
            ObjectNode data = Json.object();
            data.put("task_run_id", run.id());
            data.set("errors", Json.MAPPER.valueToTree(errors));
            data.put("submit_attempts_left", left);
            transitions.event(h, job.id(), "submit_rejected", data, now);
            if (left <= 0) {
                ObjectNode failed = Json.object();
                failed.put("task_run_id", run.id());
                failed.put("reason", "submit_attempts_exhausted");
                transitions.runEnded(h, job, run, TaskRun.FAILED, "run_failed", failed, true,
                        "submit_validation_failed", "output failed the output_schema on every submit", now);
            }
            return new Outcome<Job>(null, ApiException.unprocessable("submit_validation_failed",
                            "output does not match the output_schema of '" + job.capabilityKey() + "'")
                    .with("errors", errors).with("submit_attempts_left", Math.max(0, left)));
        }).getOrThrow();
    }

    /**
     * The identity of a submit, for recognising a repeat: the output alone when it has no artifacts (as
     * before artifacts existed), else the output with each artifact's name, type and content hash or URL.
     */
    private static String submitHash(JsonNode output, List<SubmittedArtifact> submitted) {
        if (submitted.isEmpty()) {
            return Secrets.sha256Hex(Json.canonical(output));
        }
        ObjectNode identity = Json.object();
        identity.set("output", output);
        identity.set("artifacts", SubmittedArtifact.identity(submitted));
        return Secrets.sha256Hex(Json.canonical(identity));
    }

    /**
     * A look without locks at whether this submit would be accepted now, so that blobs are written only
     * for submits that will probably keep them. Refusals that change nothing (not found, lease gone) are
     * answered here already; the transaction judges again under the lock, and decides.
     */
    private boolean likelyAccepted(Principal.Agent worker, String jobId, String runId, JsonNode output, long now) {
        return db.read(h -> {
            if (!Ids.looksLike("job", jobId)) {
                throw ApiException.notFound("job");
            }
            Job job = store.find(h, jobId).orElseThrow(() -> ApiException.notFound("job"));
            TaskRun run = ownRun(h, worker, job, runId);
            if (TaskRun.SUCCEEDED.equals(run.status())) {
                return false; // a repeat: its blobs were stored with the first submit, or it is refused
            }
            requireHolding(job, run, now);
            CapabilitySpec spec = catalog.find(h, job.capabilityKey()).orElseThrow();
            return schemas.validate(spec.outputSchema(), output).isEmpty();
        });
    }

    /** The worker gives up on a run; the job is retried or fails (see JobTransitions.runEnded). */
    public Job fail(Principal.Agent worker, String jobId, String runId, String code, String message, boolean retryable) {
        registry.requireWorker(worker.agentId());
        long now = clock.millis();
        return db.transaction(h -> {
            Job job = lockJob(h, jobId);
            TaskRun run = holdingRun(h, worker, job, runId, now);
            ObjectNode data = Json.object();
            data.put("task_run_id", run.id());
            ObjectNode error = data.putObject("error");
            error.put("code", code);
            error.put("message", message);
            data.put("retryable", retryable);
            return transitions.runEnded(h, job, run, TaskRun.FAILED, "run_failed", data, retryable, code, message, now);
        });
    }

    private Job lockJob(Handle h, String jobId) {
        if (!Ids.looksLike("job", jobId)) {
            throw ApiException.notFound("job");
        }
        return store.lock(h, jobId).orElseThrow(() -> ApiException.notFound("job"));
    }

    /** The caller's run on this job, whatever its state; 404 task_run_not_found for anyone else's or none. */
    private TaskRun ownRun(Handle h, Principal.Agent worker, Job job, String runId) {
        if (runId == null || !Ids.looksLike("tr", runId)) {
            throw new ApiException(404, "task_run_not_found", "no task run '" + runId + "' of yours on job " + job.id());
        }
        return store.findRun(h, runId)
                .filter(r -> r.jobId().equals(job.id()) && r.workerAgentId().equals(worker.agentId()))
                .orElseThrow(() -> new ApiException(404, "task_run_not_found",
                        "no task run '" + runId + "' of yours on job " + job.id()));
    }

    /** The caller's run, provided it still holds the job with a live lease; otherwise the reason it does not. */
    private TaskRun holdingRun(Handle h, Principal.Agent worker, Job job, String runId, long now) {
        TaskRun run = ownRun(h, worker, job, runId);
        requireHolding(job, run, now);
        return run;
    }

    private static void requireHolding(Job job, TaskRun run, long now) {
        if (!run.id().equals(job.currentRunId())) {
            throw new ApiException(404, "task_run_not_found", "job " + job.id() + " was re-routed to another run");
        }
        if (job.status().isTerminal()) {
            throw ApiException.gone("job_terminal", "job " + job.id() + " is already " + job.status().wire());
        }
        // Past its time to live the job is over even before a sweeper marks it: the same moment closes bids.
        if (now >= job.expiresAt()) {
            throw ApiException.gone("job_terminal", "job " + job.id() + " ran out of its time to live");
        }
        if (!run.holdsLease(now) || job.status() != JobStatus.RUNNING) {
            throw ApiException.gone("lease_expired", "the lease of run " + run.id() + " has expired");
        }
    }
}
