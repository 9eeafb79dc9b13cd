package com.chaojiyuyan.kernel.signals;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Workers long-polling for work, queued per capability. A "work available" signal wakes exactly one
 * waiter (the longest waiting), not all of them: N idle workers do not stampede the database for one job.
 *
 * <p>Protocol, which is what makes wake-ups impossible to lose:
 * <ol>
 *   <li>The long-poll {@link #register registers} before it queries the database, so a job committed
 *       after the query is still signalled to a registered waiter.</li>
 *   <li>A waiter is woken at most once (a CAS from WAITING), and a woken waiter leaves every queue.</li>
 *   <li>A waiter that leaves without using its wake-up ({@link #cancel} returns the capability it was
 *       woken for) must hand it on with {@link #wakeOne}, so the signal reaches another worker.</li>
 * </ol>
 * One lock guards the queues: every operation under it is O(1) per capability and never blocks.
 */
public final class WorkWaiters {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, LinkedHashSet<Waiter>> queues = new HashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /** One waiting long-poll. */
    public static final class Waiter {
        private static final int WAITING = 0, WOKEN = 1, CANCELLED = 2;
        private final List<String> capabilities;
        private final CountDownLatch latch = new CountDownLatch(1);
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile String wokenFor;

        private Waiter(List<String> capabilities) {
            this.capabilities = capabilities;
        }

        /** Waits until woken or until {@code nanos} pass; true when woken. */
        public boolean await(long nanos) throws InterruptedException {
            return latch.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }

        private boolean tryWake(String capability) {
            if (state.compareAndSet(WAITING, WOKEN)) {
                wokenFor = capability;
                latch.countDown();
                return true;
            }
            return false;
        }
    }

    public Waiter register(Collection<String> capabilities) {
        Waiter waiter = new Waiter(List.copyOf(capabilities));
        lock.lock();
        try {
            for (String capability : waiter.capabilities) {
                queues.computeIfAbsent(capability, c -> new LinkedHashSet<>()).add(waiter);
            }
        } finally {
            lock.unlock();
        }
        waiting.incrementAndGet();
        return waiter;
    }

    /**
     * Ends a wait. Returns the capability the waiter had been woken for and did not use (the caller
     * hands it on), or null when it was never woken.
     */
    public String cancel(Waiter waiter) {
        boolean wasWaiting = waiter.state.compareAndSet(Waiter.WAITING, Waiter.CANCELLED);
        lock.lock();
        try {
            unlink(waiter);
        } finally {
            lock.unlock();
        }
        // The waiting count drops once per waiter: here if we cancelled it, in wakeOne if it was woken.
        if (wasWaiting) {
            waiting.decrementAndGet();
            return null;
        }
        return waiter.wokenFor;
    }

    /** Wakes the longest-waiting worker for {@code capability}, if any. */
    public void wakeOne(String capability) {
        lock.lock();
        try {
            LinkedHashSet<Waiter> queue = queues.get(capability);
            while (queue != null && !queue.isEmpty()) {
                Waiter first = queue.removeFirst();
                if (first.tryWake(capability)) {
                    unlink(first);
                    waiting.decrementAndGet();
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter: after a lost connection to the notification channel, when signals may have been missed. */
    public void wakeAll() {
        lock.lock();
        try {
            for (var entry : queues.entrySet()) {
                for (Waiter w : entry.getValue()) {
                    if (w.tryWake(entry.getKey())) {
                        waiting.decrementAndGet();
                    }
                }
            }
            queues.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Long-polls currently waiting (a gauge). */
    public int waitingCount() {
        return waiting.get();
    }

    private void unlink(Waiter waiter) {
        for (String capability : waiter.capabilities) {
            LinkedHashSet<Waiter> queue = queues.get(capability);
            if (queue != null) {
                queue.remove(waiter);
                if (queue.isEmpty()) {
                    queues.remove(capability);
                }
            }
        }
    }
}
