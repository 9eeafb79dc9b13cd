package com.chaojiyuyan.agents.kernel;

import com.chaojiyuyan.sdk.worker.Lease;
import com.chaojiyuyan.sdk.worker.LeaseExpired;
import com.chaojiyuyan.sdk.worker.TaskRunNotFound;
import com.chaojiyuyan.sdk.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs this process has claimed and not yet handed back: each lease is kept alive by a heartbeat
 * every {@code heartbeat_seconds} until its submit, or until its hold bound passes.
 *
 * <p>Why a bound: a model that claims a job and then forgets it (or a session that ends) must not keep
 * the job from other workers forever. When {@code max_hold_seconds} pass, the heartbeat stops and the run
 * is failed as retryable ({@code claim_released}), so the kernel offers the job again at once instead of
 * after the lease. The heartbeats run on <b>daemon</b> threads: a stdio server whose client has gone
 * (stdin closed) must be able to exit while claims are still held.
 */
final class ClaimedJobs {
    static final String RELEASE_CODE = "claim_released";
    private static final System.Logger LOG = System.getLogger(ClaimedJobs.class.getName());

    /** Where a claim stands. */
    enum State { HOLDING, SUBMITTED, RELEASED, LOST }

    /** One claimed job. Its state changes under its own lock, so a submit and the release never cross. */
    static final class Claim {
        final Lease lease;
        final Instant holdUntil;
        final long maxHoldSeconds;
        private State state = State.HOLDING;
        private String lostBecause;
        private ScheduledFuture<?> heartbeat;
        private ScheduledFuture<?> deadline;

        Claim(Lease lease, Instant holdUntil, long maxHoldSeconds) {
            this.lease = lease;
            this.holdUntil = holdUntil;
            this.maxHoldSeconds = maxHoldSeconds;
        }

        synchronized State state() {
            return state;
        }

        synchronized String lostBecause() {
            return lostBecause;
        }

        /** Moves from HOLDING to {@code next} and stops the timers; false when it was not holding any more. */
        synchronized boolean end(State next, String why) {
            if (state != State.HOLDING) {
                return false;
            }
            state = next;
            lostBecause = why;
            if (heartbeat != null) {
                heartbeat.cancel(false);
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            return true;
        }
    }

    private final Worker worker;
    private final ScheduledExecutorService timers;
    private final Map<String, Claim> byJob = new ConcurrentHashMap<>();

    ClaimedJobs(Worker worker) {
        this.worker = worker;
        AtomicInteger n = new AtomicInteger();
        this.timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "kernel-claim-heartbeat-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Holds a won lease: heartbeats every {@code interval} until submitted, lost, or {@code maxHold} passes. */
    Claim hold(Lease lease, Duration interval, Duration maxHold) {
        Claim claim = new Claim(lease, Instant.now().plus(maxHold), maxHold.toSeconds());
        byJob.put(lease.jobId(), claim);
        synchronized (claim) {
            long every = Math.max(1, interval.toMillis());
            claim.heartbeat = timers.scheduleWithFixedDelay(() -> heartbeat(claim), every, every, TimeUnit.MILLISECONDS);
            claim.deadline = timers.schedule(() -> release(claim, "held for max_hold_seconds ("
                    + maxHold.toSeconds() + " s) without a submit; released for another worker"), maxHold.toMillis(), TimeUnit.MILLISECONDS);
        }
        return claim;
    }

    Optional<Claim> get(String jobId) {
        return Optional.ofNullable(byJob.get(jobId));
    }

    /** The claims still holding their lease. */
    List<Claim> holding() {
        return byJob.values().stream().filter(c -> c.state() == State.HOLDING).toList();
    }

    /** Stops holding after an accepted submit (the record stays, so a repeated submit reaches the kernel again). */
    void submitted(Claim claim) {
        claim.end(State.SUBMITTED, null);
    }

    /** Stops holding because the kernel says the run is over (lease passed, job re-routed or cancelled). */
    void lost(Claim claim, String why) {
        claim.end(State.LOST, why);
    }

    /** Gives the job back to the kernel as a retryable failure, so another worker can take it at once. */
    void release(Claim claim, String why) {
        if (!claim.end(State.RELEASED, why)) {
            return;
        }
        try {
            worker.fail(claim.lease, RELEASE_CODE, why, true);
        } catch (RuntimeException e) {
            // The lease passes by itself anyway; the job is offered again then.
            LOG.log(System.Logger.Level.WARNING, () -> "releasing job " + claim.lease.jobId() + " failed: " + e);
        }
    }

    /** Releases every claim still held (the server is shutting down). */
    void releaseAll(String why) {
        holding().forEach(c -> release(c, why));
    }

    /** Stops the timers (the connection is closing); held leases then pass by themselves. */
    void shutdown() {
        timers.shutdownNow();
    }

    private void heartbeat(Claim claim) {
        if (claim.state() != State.HOLDING) {
            return;
        }
        try {
            worker.heartbeat(claim.lease);
        } catch (LeaseExpired | TaskRunNotFound over) {
            lost(claim, over.code() + ": " + over.getMessage());
        } catch (RuntimeException transientFailure) {
            // Network trouble or a 5xx: the lease has slack (a heartbeat is due well before it passes); try again next time.
            LOG.log(System.Logger.Level.WARNING, () -> "heartbeat for job " + claim.lease.jobId() + " failed: " + transientFailure);
        }
    }
}
