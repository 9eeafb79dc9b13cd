package com.chaojiyuyan.kernel.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The wake-one registry on its own: who a signal wakes, what a cancelled waiter hands back, and that the
 * waiting count stays exact under concurrent register, wake and cancel.
 */
@Timeout(60)
class WorkWaitersTest {
    private final WorkWaiters waiters = new WorkWaiters();

    /** True when the waiter has been woken; never blocks. */
    private static boolean woken(WorkWaiters.Waiter w) throws InterruptedException {
        return w.await(0);
    }

    @Test
    void wakeOneWakesTheLongestWaitingFirst() throws Exception {
        WorkWaiters.Waiter first = waiters.register(List.of("a"));
        WorkWaiters.Waiter second = waiters.register(List.of("a"));
        WorkWaiters.Waiter third = waiters.register(List.of("a"));
        assertThat(waiters.waitingCount()).isEqualTo(3);

        waiters.wakeOne("a");
        assertThat(woken(first)).isTrue();
        assertThat(woken(second)).isFalse();
        assertThat(woken(third)).isFalse();
        assertThat(waiters.waitingCount()).isEqualTo(2);

        waiters.wakeOne("a");
        assertThat(woken(second)).isTrue();
        assertThat(woken(third)).isFalse();
        assertThat(waiters.waitingCount()).isEqualTo(1);

        waiters.wakeOne("a");
        assertThat(woken(third)).isTrue();
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void wakeOneOnlyWakesWaitersOfThatCapability() throws Exception {
        WorkWaiters.Waiter onA = waiters.register(List.of("a"));
        WorkWaiters.Waiter onB = waiters.register(List.of("b"));

        waiters.wakeOne("b");
        assertThat(woken(onB)).isTrue();
        assertThat(woken(onA)).isFalse();
        assertThat(waiters.waitingCount()).isEqualTo(1);
    }

    @Test
    void aSignalWithNobodyWaitingIsNotKeptForLaterWaiters() throws Exception {
        waiters.wakeOne("a");
        WorkWaiters.Waiter late = waiters.register(List.of("a"));
        // Not woken: a later long-poll finds the job by querying after it registered, not through the signal.
        assertThat(woken(late)).isFalse();
        assertThat(waiters.waitingCount()).isEqualTo(1);
    }

    @Test
    void aWaiterOfTwoCapabilitiesIsWokenOnceAndLeavesBothQueues() throws Exception {
        WorkWaiters.Waiter both = waiters.register(List.of("a", "b"));
        WorkWaiters.Waiter onB = waiters.register(List.of("b"));
        assertThat(waiters.waitingCount()).isEqualTo(2);

        waiters.wakeOne("a");
        assertThat(woken(both)).isTrue();
        assertThat(waiters.waitingCount()).isEqualTo(1);

        // The signal for b goes to the next waiter on b, not again to the one already woken.
        waiters.wakeOne("b");
        assertThat(woken(onB)).isTrue();
        assertThat(waiters.waitingCount()).isZero();
        assertThat(waiters.cancel(both)).isEqualTo("a");
        assertThat(waiters.cancel(onB)).isEqualTo("b");
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void cancellingAnUnwokenWaiterReturnsNothingAndRemovesIt() throws Exception {
        WorkWaiters.Waiter gone = waiters.register(List.of("a"));
        WorkWaiters.Waiter stays = waiters.register(List.of("a"));

        assertThat(waiters.cancel(gone)).isNull();
        assertThat(waiters.waitingCount()).isEqualTo(1);

        waiters.wakeOne("a");
        assertThat(woken(gone)).isFalse();
        assertThat(woken(stays)).isTrue();
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void cancellingAWokenWaiterReturnsTheCapabilityItWasWokenFor() throws Exception {
        WorkWaiters.Waiter waiter = waiters.register(List.of("a", "b"));
        waiters.wakeOne("b");

        assertThat(waiters.cancel(waiter)).isEqualTo("b");
        // Counted down once, by the wake-up; the cancel does not count it again.
        assertThat(waiters.waitingCount()).isZero();
        // Cancelling twice is harmless and still reports the unused wake-up.
        assertThat(waiters.cancel(waiter)).isEqualTo("b");
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void anUnusedWakeUpHandedOnReachesTheNextWaiter() throws Exception {
        WorkWaiters.Waiter leaving = waiters.register(List.of("a"));
        WorkWaiters.Waiter next = waiters.register(List.of("a"));
        waiters.wakeOne("a");
        assertThat(woken(next)).isFalse();

        // What AvailableJobs does when a woken request leaves without using its wake-up.
        waiters.wakeOne(waiters.cancel(leaving));
        assertThat(woken(next)).isTrue();
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void wakeAllWakesEveryWaiterOnEveryCapability() throws Exception {
        WorkWaiters.Waiter onA = waiters.register(List.of("a"));
        WorkWaiters.Waiter onB = waiters.register(List.of("b"));
        WorkWaiters.Waiter onBoth = waiters.register(List.of("a", "b"));
        WorkWaiters.Waiter cancelled = waiters.register(List.of("a"));
        assertThat(waiters.cancel(cancelled)).isNull();

        waiters.wakeAll();
        assertThat(woken(onA)).isTrue();
        assertThat(woken(onB)).isTrue();
        assertThat(woken(onBoth)).isTrue();
        assertThat(woken(cancelled)).isFalse();
        assertThat(waiters.waitingCount()).isZero();
        assertThat(waiters.cancel(onA)).isEqualTo("a");
        assertThat(waiters.cancel(onB)).isEqualTo("b");
        assertThat(waiters.cancel(onBoth)).isIn("a", "b");
        assertThat(waiters.waitingCount()).isZero();

        // The registry still works afterwards.
        WorkWaiters.Waiter later = waiters.register(List.of("a"));
        assertThat(waiters.waitingCount()).isEqualTo(1);
        waiters.wakeOne("a");
        assertThat(woken(later)).isTrue();
        assertThat(waiters.waitingCount()).isZero();
    }

    @Test
    void awaitReturnsAsSoonAsAnotherThreadWakesTheWaiter() throws Exception {
        WorkWaiters.Waiter waiter = waiters.register(List.of("a"));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Boolean> awaited = threads.submit(() -> waiter.await(TimeUnit.MINUTES.toNanos(5)));
            waiters.wakeOne("a");
            assertThat(awaited.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * 1000 waiters, then 600 wake-ups racing 200 cancels. There are always enough waiters left for every
     * wake-up, so exactly 600 are woken; a waiter is either woken or cancelled, never both; and the count
     * is exact at every quiet point.
     */
    @Test
    void wakeUpsAreNeitherLostNorDoubledUnderConcurrentCancels() throws Exception {
        int total = 1000;
        int wakes = 600;
        int cancels = 200;
        List<WorkWaiters.Waiter> all = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> registering = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                registering.add(threads.submit(() -> all.add(waiters.register(List.of("a")))));
            }
            for (Future<?> f : registering) {
                f.get();
            }
        }
        assertThat(waiters.waitingCount()).isEqualTo(total);

        List<WorkWaiters.Waiter> toCancel = new ArrayList<>(all);
        Collections.shuffle(toCancel);
        toCancel = toCancel.subList(0, cancels);
        ConcurrentLinkedQueue<String> cancelResults = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> racing = new ArrayList<>();
            for (int i = 0; i < wakes; i++) {
                racing.add(threads.submit(() -> {
                    start.await();
                    waiters.wakeOne("a");
                    return null;
                }));
            }
            for (WorkWaiters.Waiter w : toCancel) {
                racing.add(threads.submit(() -> {
                    start.await();
                    String unused = waiters.cancel(w);
                    cancelResults.add(unused == null ? "" : unused);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : racing) {
                f.get();
            }
        }

        long wokenCount = 0;
        for (WorkWaiters.Waiter w : all) {
            wokenCount += woken(w) ? 1 : 0;
        }
        assertThat(wokenCount).isEqualTo(wakes);
        long cancelledUnwoken = cancelResults.stream().filter(String::isEmpty).count();
        long cancelledAfterWake = cancelResults.stream().filter("a"::equals).count();
        assertThat(cancelledUnwoken + cancelledAfterWake).isEqualTo(cancels);
        // Every waiter still registered is counted once; woken and cancelled ones not at all.
        assertThat(waiters.waitingCount()).isEqualTo(total - wakes - (int) cancelledUnwoken);

        for (WorkWaiters.Waiter w : all) {
            waiters.cancel(w);
        }
        assertThat(waiters.waitingCount()).isZero();
    }

    /**
     * Churn: many virtual threads register on random capability sets and cancel, while others wake. A
     * waiter's cancel reports an unused wake-up exactly when it was woken, and the count ends at zero.
     */
    @Test
    void waitingCountStaysExactUnderChurn() throws Exception {
        List<String> capabilities = List.of("a", "b", "c", "d");
        int workers = 2000;
        int wakers = 200;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<AssertionError> violations = new ConcurrentLinkedQueue<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(threads.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int round = 0; round < 5; round++) {
                        List<String> mine = new ArrayList<>(capabilities);
                        Collections.shuffle(mine, random);
                        List<String> registered = List.copyOf(mine.subList(0, 1 + random.nextInt(capabilities.size())));
                        WorkWaiters.Waiter w = waiters.register(registered);
                        if (random.nextBoolean()) {
                            Thread.yield();
                        }
                        String unused = waiters.cancel(w);
                        boolean wasWoken = w.await(0);
                        if ((unused != null) != wasWoken || (unused != null && !registered.contains(unused))) {
                            violations.add(new AssertionError("cancel returned " + unused + " but woken=" + wasWoken));
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < wakers; i++) {
                running.add(threads.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int round = 0; round < 20; round++) {
                        if (random.nextInt(50) == 0) {
                            waiters.wakeAll();
                        } else {
                            waiters.wakeOne(capabilities.get(random.nextInt(capabilities.size())));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get();
            }
        }
        assertThat(violations).isEmpty();
        assertThat(waiters.waitingCount()).isZero();
        // The registry still hands a signal to a new waiter.
        WorkWaiters.Waiter fresh = waiters.register(List.of("a"));
        waiters.wakeOne("a");
        assertThat(fresh.await(0)).isTrue();
        assertThat(waiters.waitingCount()).isZero();
    }
}
