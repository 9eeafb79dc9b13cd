package com.chaojiyuyan.sdk.worker;

import com.chaojiyuyan.sdk.internal.Json;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a {@link TaskHandler} gets: the job it works on and the lease it works under. The worker keeps the
 * lease alive in the background; if the lease is lost anyway (the kernel re-routed the job, or it was
 * cancelled) {@link #isCancelled()} turns true and the handler's thread is interrupted: its result would
 * be refused, so it may stop early.
 */
public final class TaskContext {
    private final Lease lease;
    private final JsonNode inputEnvelope;
    private final long maxBudgetNc;
    private volatile Instant leaseExpiresAt;
    private volatile List<String> validationErrors = List.of();
    private volatile WorkerError cancelledBy;

    TaskContext(Lease lease, JsonNode inputEnvelope, long maxBudgetNc) {
        this.lease = lease;
        this.inputEnvelope = inputEnvelope;
        this.maxBudgetNc = maxBudgetNc;
        this.leaseExpiresAt = lease.leaseExpiresAt();
    }

    /** The job ({@code job_...}). */
    public String jobId() {
        return lease.jobId();
    }

    /** The capability the job calls. */
    public String capabilityKey() {
        return lease.job().capabilityKey();
    }

    /** The job's input: {@code inputEnvelope().get("input")}. */
    public JsonNode input() {
        return inputEnvelope.get("input");
    }

    /** The job's input read as {@code type} (a record, a {@code Map}, ...). */
    public <T> T inputAs(Class<T> type) {
        return Json.MAPPER.treeToValue(input(), type);
    }

    /** The whole input envelope: {@code {"input": ..., "capability_key": ..., "attempt": n}}. */
    public JsonNode inputEnvelope() {
        return inputEnvelope;
    }

    /** The credits the caller holds for the job. */
    public long maxBudgetNc() {
        return maxBudgetNc;
    }

    /** This worker's task run. */
    public String taskRunId() {
        return lease.taskRunId();
    }

    /** When the lease passes unless renewed; moves on with every heartbeat. */
    public Instant leaseExpiresAt() {
        return leaseExpiresAt;
    }

    /** Which attempt this run is: 1 for the first, 2 after one re-route, ... */
    public int attempt() {
        return Json.intOr(inputEnvelope, "attempt", lease.job().attempt());
    }

    /** The lease this task runs under. */
    public Lease lease() {
        return lease;
    }

    /**
     * Empty on the first call; when the kernel rejected this handler's previous output for this run
     * ({@code submit_validation_failed}) and the worker calls the handler again, what was wrong with it.
     */
    public List<String> validationErrors() {
        return validationErrors;
    }

    /** Whether the run lost its lease or the worker is shutting down: a result would no longer be accepted. */
    public boolean isCancelled() {
        return cancelledBy != null;
    }

    void leaseRenewed(Instant expiresAt) {
        this.leaseExpiresAt = expiresAt;
    }

    void rejected(List<String> errors) {
        this.validationErrors = List.copyOf(errors);
    }

    void cancel(WorkerError why) {
        if (cancelledBy == null) {
            cancelledBy = why;
        }
    }

    WorkerError cancelledBy() {
        return cancelledBy;
    }
}
