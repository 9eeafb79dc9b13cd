package com.chaojiyuyan.kernel.workers;

import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.JobMetrics;
import com.chaojiyuyan.kernel.jobs.JobStatus;
import com.chaojiyuyan.kernel.jobs.JobStore;
import com.chaojiyuyan.kernel.jobs.JobTransitions;
import com.chaojiyuyan.kernel.jobs.TaskRun;
import com.chaojiyuyan.kernel.storage.Database;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs on every node: ends runs whose lease passed without a heartbeat (the job is retried or fails
 * with attempts_exhausted) and jobs whose time to live ran out (expired). Safe on many nodes at once:
 * each candidate is re-judged under its job's row lock, so a run that heartbeated or completed in the
 * meantime is left alone, and two sweepers cannot both act on one job.
 */
public final class LeaseSweeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);
    private static final int BATCH = 200;

    private final Database db;
    private final JobStore store;
    private final JobTransitions transitions;
    private final JobMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;

    public LeaseSweeper(Database db, JobStore store, JobTransitions transitions, JobMetrics metrics, Clock clock) {
        this.db = db;
        this.store = store;
        this.transitions = transitions;
        this.metrics = metrics;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("lease-sweeper").unstarted(r));
    }

    public void start(long intervalMillis) {
        scheduler.scheduleWithFixedDelay(this::sweepSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            if (Database.isConnectionFailure(e)) {
                log.warn("sweep skipped: database unreachable ({}); retrying on the next tick", e.getMessage());
            } else {
                log.warn("sweep failed; retrying on the next tick", e);
            }
        }
    }

    /** One pass over expired leases and overdue jobs; returns how many jobs it changed. */
    public int sweep() {
        int changed = 0;
        long now = clock.millis();
        List<String[]> leases;
        do {
            leases = db.read(h -> store.expiredLeases(h, now, BATCH));
            for (String[] candidate : leases) {
                changed += expireLease(candidate[0], candidate[1], now) ? 1 : 0;
            }
        } while (leases.size() == BATCH);
        List<String> overdue;
        do {
            overdue = db.read(h -> store.overdueJobIds(h, now, BATCH));
            for (String jobId : overdue) {
                changed += expireJob(jobId, now) ? 1 : 0;
            }
        } while (overdue.size() == BATCH);
        return changed;
    }

    private boolean expireLease(String runId, String jobId, long now) {
        return db.transaction(h -> {
            Optional<Job> job = store.lock(h, jobId);
            Optional<TaskRun> run = store.findRun(h, runId);
            if (job.isEmpty() || run.isEmpty() || !TaskRun.ACTIVE.equals(run.get().status())
                    || run.get().leaseExpiresAt() > now) {
                return false; // heartbeated, submitted or swept by another node meanwhile
            }
            ObjectNode data = Json.object();
            data.put("task_run_id", runId);
            data.put("attempt", run.get().attempt());
            String capability = job.get().capabilityKey();
            h.afterCommit(() -> metrics.leaseExpired(capability));
            transitions.runEnded(h, job.get(), run.get(), TaskRun.EXPIRED, "lease_expired", data, true,
                    "lease_expired", "the worker stopped heartbeating", now);
            return true;
        });
    }

    private boolean expireJob(String jobId, long now) {
        return db.transaction(h -> {
            Optional<Job> job = store.lock(h, jobId);
            if (job.isEmpty() || job.get().status().isTerminal() || job.get().expiresAt() > now) {
                return false;
            }
            transitions.finish(h, job.get(), JobStatus.EXPIRED, null, "expired",
                    "the job was not finished within its time to live", now);
            return true;
        });
    }

    /** Stops sweeping; a pass under way finishes first, so it never runs into a closed database. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
