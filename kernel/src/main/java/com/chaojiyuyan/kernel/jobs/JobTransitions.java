package com.chaojiyuyan.kernel.jobs;

import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.signals.Signals;
import com.chaojiyuyan.kernel.storage.Ids;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/**
 * The job state machine. Every change of a job's status goes through here, inside a transaction that
 * has already locked the job row, so the event log, the wake-up signals and the settlement hook always
 * accompany the change they describe, and commit or roll back with it.
 */
public final class JobTransitions {
    private final JobStore store;
    private final Signals signals;
    private final SettlementHooks settlement;
    private final JobMetrics metrics;

    public JobTransitions(JobStore store, Signals signals, SettlementHooks settlement, JobMetrics metrics) {
        this.store = store;
        this.signals = signals;
        this.settlement = settlement;
        this.metrics = metrics;
    }

    /** Records a newly inserted job: its first event, its credit hold, and a wake-up for one worker. */
    public void created(Handle h, Job job) {
        ObjectNode data = Json.object();
        data.put("capability_key", job.capabilityKey());
        data.put("max_budget_nc", job.maxBudgetNc());
        event(h, job.id(), "created", data, job.createdAt());
        settlement.onCreated(h, job);
        signals.workAvailable(h, job.capabilityKey());
        h.afterCommit(() -> metrics.jobCreated(job.capabilityKey()));
    }

    /** queued → running: a bid won. Returns the new run holding the lease. */
    public TaskRun start(Handle h, Job job, String workerAgentId, int leaseSeconds, int maxSubmitAttempts, long now) {
        TaskRun run = new TaskRun(Ids.newId("tr", now), job.id(), workerAgentId, job.attempt() + 1, TaskRun.ACTIVE,
                now + leaseSeconds * 1000L, maxSubmitAttempts, null, now, null);
        if (store.markRunning(h, job.id(), run.id(), now) != 1) {
            throw new IllegalStateException("job " + job.id() + " was not queued under its row lock");
        }
        store.insertRun(h, run);
        ObjectNode data = Json.object();
        data.put("task_run_id", run.id());
        data.put("worker_agent_id", workerAgentId);
        data.put("attempt", run.attempt());
        data.put("lease_expires_at", Json.time(run.leaseExpiresAt()));
        event(h, job.id(), "bid_accepted", data, now);
        h.afterCommit(() -> metrics.pickedUp(job.capabilityKey(), now - job.queuedAt()));
        return run;
    }

    /**
     * A run ended without a result (lease expired, worker reported failure, submits exhausted). The job
     * goes back to the queue when it may be retried and has attempts and time left; otherwise it fails.
     * Returns the job as it is afterwards.
     */
    public Job runEnded(Handle h, Job job, TaskRun run, String runStatus, String eventType, ObjectNode eventData,
                        boolean retryable, String errorCode, String errorMessage, long now) {
        store.endRun(h, run.id(), runStatus, null, now);
        boolean current = job.status() == JobStatus.RUNNING && run.id().equals(job.currentRunId());
        if (!current) {
            event(h, job.id(), eventType, eventData.put("requeued", false), now);
            return job;
        }
        if (now >= job.expiresAt()) {
            event(h, job.id(), eventType, eventData.put("requeued", false), now);
            return finish(h, job, JobStatus.EXPIRED, null, "expired", "the job's time to live ran out", now);
        }
        if (retryable && job.attempt() < job.maxAttempts()) {
            store.markQueued(h, job.id(), now);
            event(h, job.id(), eventType, eventData.put("requeued", true), now);
            signals.workAvailable(h, job.capabilityKey());
            return store.find(h, job.id()).orElseThrow();
        }
        event(h, job.id(), eventType, eventData.put("requeued", false), now);
        if (retryable) {
            return finish(h, job, JobStatus.FAILED, null, "attempts_exhausted",
                    "all " + job.maxAttempts() + " attempts ended without a result; last: " + errorCode + ": " + errorMessage, now);
        }
        return finish(h, job, JobStatus.FAILED, null, errorCode, errorMessage, now);
    }

    /** A run's output was accepted: the run succeeds and the job settles as succeeded. */
    public Job succeeded(Handle h, Job job, TaskRun run, String output, String outputHash, long now) {
        store.endRun(h, run.id(), TaskRun.SUCCEEDED, outputHash, now);
        ObjectNode data = Json.object();
        data.put("task_run_id", run.id());
        data.put("worker_agent_id", run.workerAgentId());
        event(h, job.id(), "submitted", data, now);
        return settle(h, job, JobStatus.SUCCEEDED, output, null, null, job.priceNc(), run.workerAgentId(), now);
    }

    /**
     * Makes an open job terminal without an accepted output (failed, cancelled, expired), ending the run
     * that holds it, if any.
     */
    public Job finish(Handle h, Job job, JobStatus status, String output, String errorCode, String errorMessage, long now) {
        if (status == JobStatus.SUCCEEDED || !status.isTerminal()) {
            throw new IllegalArgumentException("finish() is for unsuccessful ends, not " + status);
        }
        if (job.status() == JobStatus.RUNNING && job.currentRunId() != null) {
            store.endRun(h, job.currentRunId(), status == JobStatus.CANCELLED ? TaskRun.CANCELLED
                    : status == JobStatus.EXPIRED ? TaskRun.EXPIRED : TaskRun.FAILED, null, now);
        }
        ObjectNode data = Json.object();
        ObjectNode error = data.putObject("error");
        error.put("code", errorCode);
        error.put("message", errorMessage);
        event(h, job.id(), status.wire(), data, now);
        return settle(h, job, status, output, errorCode, errorMessage, 0, null, now);
    }

    private Job settle(Handle h, Job job, JobStatus status, String output, String errorCode, String errorMessage,
                       long costNc, String workerAgentId, long now) {
        if (store.markTerminal(h, job.id(), status, output, errorCode, errorMessage, costNc, workerAgentId, now) != 1) {
            throw new IllegalStateException("job " + job.id() + " was not open under its row lock");
        }
        Job settled = store.find(h, job.id()).orElseThrow();
        settlement.onSettled(h, settled);
        ObjectNode data = Json.object();
        data.put("status", status.wire());
        data.put("cost_nc", costNc);
        event(h, job.id(), JobEvent.SETTLED, data, now);
        h.afterCommit(() -> metrics.settled(job.capabilityKey(), status));
        return settled;
    }

    /** Appends an event and wakes whoever watches the job. */
    public void event(Handle h, String jobId, String type, ObjectNode data, long now) {
        store.appendEvent(h, jobId, type, Json.write(data), now);
        signals.jobChanged(h, jobId);
    }
}
