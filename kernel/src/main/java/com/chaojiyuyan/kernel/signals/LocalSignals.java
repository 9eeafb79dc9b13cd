package com.chaojiyuyan.kernel.signals;

import org.jdbi.v3.core.Handle;

/** Signals for a single node: delivered in-process right after the transaction commits. */
final class LocalSignals implements Signals {
    private final WorkWaiters work = new WorkWaiters();
    private final JobWatchers jobs = new JobWatchers();

    @Override
    public void workAvailable(Handle tx, String capabilityKey) {
        tx.afterCommit(() -> work.wakeOne(capabilityKey));
    }

    @Override
    public void jobChanged(Handle tx, String jobId) {
        tx.afterCommit(() -> jobs.changed(jobId));
    }

    @Override
    public WorkWaiters workWaiters() {
        return work;
    }

    @Override
    public JobWatchers jobWatchers() {
        return jobs;
    }

    @Override
    public void close() {
    }
}
