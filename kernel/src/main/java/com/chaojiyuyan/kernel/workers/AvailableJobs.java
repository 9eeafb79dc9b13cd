package com.chaojiyuyan.kernel.workers;

import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.JobStore;
import com.chaojiyuyan.kernel.signals.WorkWaiters;
import com.chaojiyuyan.kernel.storage.Database;
import java.time.Clock;
import java.util.List;

/**
 * {@code GET /kernel-jobs/available}: answers at once when queued work exists, otherwise holds the
 * request (a parked virtual thread, no database connection) until a signal wakes it or time runs out.
 * See {@link WorkWaiters} for why a wake-up is never lost and wakes only one worker.
 */
public final class AvailableJobs {
    private final Database db;
    private final JobStore store;
    private final WorkWaiters waiters;
    private final WorkerRegistry registry;
    private final Clock clock;

    public AvailableJobs(Database db, JobStore store, WorkWaiters waiters, WorkerRegistry registry, Clock clock) {
        this.db = db;
        this.store = store;
        this.waiters = waiters;
        this.registry = registry;
        this.clock = clock;
    }

    public List<Job> poll(String agentId, List<String> requested, int limit, int waitSeconds) throws InterruptedException {
        List<String> serves = registry.requireWorker(agentId);
        List<String> capabilities = requested.isEmpty() ? serves : requested;
        for (String capability : capabilities) {
            if (!serves.contains(capability)) {
                throw ApiException.forbidden("capability_not_registered",
                        "this agent does not serve '" + capability + "'; register it first");
            }
        }
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
            WorkWaiters.Waiter waiter = waiters.register(capabilities);
            List<Job> jobs;
            try {
                jobs = db.read(h -> store.available(h, capabilities, limit, clock.millis()));
            } catch (RuntimeException e) {
                handOn(waiters.cancel(waiter));
                throw e;
            }
            long remaining = deadline - System.nanoTime();
            if (!jobs.isEmpty() || remaining <= 0) {
                handOn(waiters.cancel(waiter));
                return jobs;
            }
            boolean woken;
            try {
                woken = waiter.await(remaining);
            } catch (InterruptedException e) {
                handOn(waiters.cancel(waiter));
                throw e;
            }
            if (!woken && waiters.cancel(waiter) == null) {
                return List.of();
            }
            // Woken (possibly just as the wait ran out): look again. If the job went to someone else, wait on.
        }
    }

    /** A wake-up this request received but will not use goes to the next waiting worker. */
    private void handOn(String capability) {
        if (capability != null) {
            waiters.wakeOne(capability);
        }
    }
}
