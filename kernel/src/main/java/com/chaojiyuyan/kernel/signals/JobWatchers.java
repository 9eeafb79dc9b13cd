package com.chaojiyuyan.kernel.signals;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Requests waiting for a particular job to change ({@code GET /kernel-jobs/{id}?wait_seconds=},
 * the events stream). Unlike work signals, a job change wakes every watcher of that job.
 * Watchers register before reading the job, so a change committed after the read is not missed.
 */
public final class JobWatchers {
    private final Map<String, Set<Watch>> byJob = new ConcurrentHashMap<>();

    /** One waiting request. */
    public static final class Watch {
        private final String jobId;
        private final CountDownLatch latch = new CountDownLatch(1);

        private Watch(String jobId) {
            this.jobId = jobId;
        }

        /** Waits until the job changes or {@code nanos} pass; true when it changed. */
        public boolean await(long nanos) throws InterruptedException {
            return latch.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }

    public Watch register(String jobId) {
        Watch watch = new Watch(jobId);
        byJob.compute(jobId, (id, set) -> {
            Set<Watch> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(watch);
            return s;
        });
        return watch;
    }

    public void cancel(Watch watch) {
        byJob.computeIfPresent(watch.jobId, (id, set) -> {
            set.remove(watch);
            return set.isEmpty() ? null : set;
        });
    }

    public void changed(String jobId) {
        Set<Watch> watches = byJob.remove(jobId);
        if (watches != null) {
            watches.forEach(w -> w.latch.countDown());
        }
    }

    /** Wakes every watcher, which then re-reads its job: used when signals may have been missed. */
    public void changedAll() {
        for (String jobId : Set.copyOf(byJob.keySet())) {
            changed(jobId);
        }
    }
}
