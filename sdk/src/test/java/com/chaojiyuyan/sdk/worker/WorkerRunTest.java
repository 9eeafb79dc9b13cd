package com.chaojiyuyan.sdk.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.JobEvent;
import com.chaojiyuyan.sdk.JobStatus;
import com.chaojiyuyan.sdk.KernelClient;
import com.chaojiyuyan.sdk.SdkContractTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Worker#run()} against a real kernel: the README's worker, heartbeats holding a lease, handler
 * failures, rejected outputs, a worker that stops mid-job, concurrency, and graceful shutdown.
 */
class WorkerRunTest extends SdkContractTest {
    private static final int LEASE_SECONDS = 10;

    private final List<Throwable> reported = new CopyOnWriteArrayList<>();

    private Worker.Builder workerOf(TestKernel.Agent agent) {
        return worker(agent).onError((jobId, error) -> reported.add(error));
    }

    private String capability() {
        return kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3, "max_submit_attempts", 3));
    }

    /** The README's worker example, as written there (between the markers); {@code worker} is made as it says. */
    static void readmeWorker(Worker worker) {
        // README: worker-example
        worker.handler("test.echo.v1", task -> Map.of("echo", task.input().get("text")));

        worker.run();
        // README: end
    }

    @Test
    void theReadmeWorkerServesEchoJobs() {
        Worker worker = track(worker(kernel.newAgent()).build());
        Thread.ofVirtual().start(() -> readmeWorker(worker));
        KernelClient caller = client(kernel.newAgent());

        Job done = caller.waitFor(caller.call("test.echo.v1", Map.of("text", "hello, worker")).id(), Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.output().get("echo").asString()).isEqualTo("hello, worker");
    }

    @Test
    void theHandlerSeesItsTaskAndTheHeartbeatHoldsTheLease() throws Exception {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "long work"));
        AtomicReference<TaskContext> seen = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        running(workerOf(kernel.newWorker(capability)).heartbeatInterval(Duration.ofMillis(100)).handler(capability, task -> {
            seen.set(task);
            release.await();
            return Map.of("echo", task.input().get("text").asString().toUpperCase());
        }).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.get() != null);
        TaskContext task = seen.get();
        assertThat(task.jobId()).isEqualTo(job.id());
        assertThat(task.capabilityKey()).isEqualTo(capability);
        assertThat(task.inputEnvelope().get("input").get("text").asString()).isEqualTo("long work");
        assertThat(task.taskRunId()).startsWith("tr_");
        assertThat(task.attempt()).isEqualTo(1);
        assertThat(task.maxBudgetNc()).isZero();

        // Three times past 60% of the lease: only heartbeats keep it alive through 18 s of kernel time.
        for (int i = 0; i < 3; i++) {
            Instant before = task.leaseExpiresAt();
            kernel.clock().advance(Duration.ofSeconds(6));
            await().atMost(Duration.ofSeconds(10)).until(() -> task.leaseExpiresAt().isAfter(before.plusSeconds(5)));
        }
        release.countDown();

        Job done = caller.waitFor(job.id(), Duration.ofSeconds(30));
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempt()).as("the first run finished it: the lease never lapsed").isEqualTo(1);
        assertThat(done.output().get("echo").asString()).isEqualTo("LONG WORK");
    }

    @Test
    void aThrowingHandlerFailsTheRunRetryably() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "flaky"));
        AtomicInteger calls = new AtomicInteger();
        running(workerOf(kernel.newWorker(capability)).handler(capability, task -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("temporary trouble");
            }
            return Map.of("echo", "attempt " + task.attempt());
        }).build());

        Job done = caller.waitFor(job.id(), Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.output().get("echo").asString()).isEqualTo("attempt 2");
        JobEvent runFailed = caller.events(job.id()).stream().filter(e -> e.type().equals("run_failed")).findFirst().orElseThrow();
        assertThat(runFailed.data().get("error").get("code").asString()).isEqualTo("handler_error");
        assertThat(runFailed.data().get("error").get("message").asString()).contains("temporary trouble");
        assertThat(reported).anyMatch(e -> e instanceof IllegalStateException);
    }

    @Test
    void aNonRetryableExceptionFailsTheJob() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "impossible"));
        running(workerOf(kernel.newWorker(capability)).handler(capability, task -> {
            throw new NonRetryableException("bad_input", "cannot echo that");
        }).build());

        Job done = caller.waitFor(job.id(), Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.attempt()).isEqualTo(1);
        assertThat(done.error().code()).isEqualTo("bad_input");
        assertThat(done.error().message()).isEqualTo("cannot echo that");
    }

    @Test
    void aRejectedOutputIsRetriedWithTheErrorsWhileSubmitsRemain() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "try again"));
        List<List<String>> errorsSeen = new CopyOnWriteArrayList<>();
        running(workerOf(kernel.newWorker(capability)).handler(capability, task -> {
            errorsSeen.add(task.validationErrors());
            return task.validationErrors().isEmpty() ? Map.of("wrong", true) : Map.of("echo", "fixed");
        }).build());

        Job done = caller.waitFor(job.id(), Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.output().get("echo").asString()).isEqualTo("fixed");
        assertThat(errorsSeen).hasSize(2);
        assertThat(errorsSeen.get(0)).isEmpty();
        assertThat(errorsSeen.get(1)).isNotEmpty();
        assertThat(reported).anyMatch(e -> e instanceof SubmitValidationFailed s && s.submitAttemptsLeft() == 2);
    }

    @Test
    void aWorkerStoppedMidJobLeavesItToBeReroutedAndAnotherWorkerFinishesIt() throws Exception {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "orphan"));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(1);
        // The first worker's handler hangs and it sends no heartbeats: as if its process had stopped.
        running(workerOf(kernel.newWorker(capability)).heartbeatInterval(Duration.ZERO).handler(capability, task -> {
            started.countDown();
            stuck.await();
            return Map.of("echo", "from the stopped worker");
        }).build());
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        kernel.clock().advance(Duration.ofSeconds(LEASE_SECONDS + 1));
        awaitStatus(caller, job.id(), JobStatus.QUEUED);
        running(workerOf(kernel.newWorker(capability)).handler(capability, task -> Map.of("echo", "from the second worker")).build());

        Job done = caller.waitFor(job.id(), Duration.ofSeconds(30));
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.output().get("echo").asString()).isEqualTo("from the second worker");
        assertThat(caller.events(job.id())).extracting(JobEvent::type).contains("lease_expired");

        stuck.countDown(); // the first worker comes back: its late submit is refused, the result stands
        await().atMost(Duration.ofSeconds(10)).until(() -> reported.stream().anyMatch(e -> e instanceof TaskRunNotFound));
        assertThat(caller.getJob(job.id()).output().get("echo").asString()).isEqualTo("from the second worker");
    }

    @Test
    void concurrencyNRunsNJobsAtOnceAndNoMore() throws Exception {
        int n = 3;
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        List<String> ids = new CopyOnWriteArrayList<>();
        for (int i = 0; i < n + 1; i++) {
            ids.add(caller.call(capability, Map.of("text", "job " + i)).id());
        }
        CountDownLatch arrived = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        running(workerOf(kernel.newWorker(capability)).concurrency(n).handler(capability, task -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            arrived.countDown();
            try {
                release.await();
            } finally {
                running.decrementAndGet();
            }
            return Map.of("echo", task.input().get("text").asString());
        }).build());

        assertThat(arrived.await(20, TimeUnit.SECONDS)).as("%d handlers run at the same time", n).isTrue();
        assertThat(ids.stream().map(caller::getJob).filter(j -> j.status() == JobStatus.QUEUED).count())
                .as("with every slot busy, the worker takes no more").isEqualTo(1);
        release.countDown();

        for (String id : ids) {
            assertThat(caller.waitFor(id, Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.SUCCEEDED);
        }
        assertThat(mostAtOnce.get()).isEqualTo(n);
    }

    @Test
    void closeLetsARunningHandlerFinishThenStopsTakingJobs() throws Exception {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "finish me"));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Worker worker = workerOf(kernel.newWorker(capability)).shutdownGrace(Duration.ofSeconds(30)).handler(capability, task -> {
            started.countDown();
            release.await();
            return Map.of("echo", "finished during shutdown");
        }).build();
        Thread loop = running(worker);
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        Thread closing = Thread.ofVirtual().start(worker::close);
        Thread.sleep(300);
        assertThat(closing.isAlive()).as("close waits for the running handler").isTrue();
        release.countDown();
        closing.join(Duration.ofSeconds(20));
        loop.join(Duration.ofSeconds(20));

        assertThat(closing.isAlive()).isFalse();
        assertThat(loop.isAlive()).as("run() returned").isFalse();
        assertThat(caller.getJob(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        Job later = caller.call(capability, Map.of("text", "after close"));
        Thread.sleep(500);
        assertThat(caller.getJob(later.id()).status()).as("a closed worker takes nothing").isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void closeReleasesAJobWhoseHandlerOutlastsTheGracePeriod() throws Exception {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "too slow"));
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Boolean> interrupted = new AtomicReference<>(false);
        AtomicReference<TaskContext> seen = new AtomicReference<>();
        Worker worker = workerOf(kernel.newWorker(capability)).shutdownGrace(Duration.ofMillis(200)).handler(capability, task -> {
            seen.set(task);
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
            return Map.of("echo", "too late");
        }).build();
        running(worker);
        assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

        worker.close();

        Job released = caller.getJob(job.id());
        assertThat(released.status()).as("handed back at once, not after the lease").isEqualTo(JobStatus.QUEUED);
        JobEvent runFailed = caller.events(job.id()).stream().filter(e -> e.type().equals("run_failed")).findFirst().orElseThrow();
        assertThat(runFailed.data().get("error").get("code").asString()).isEqualTo("worker_shutdown");
        assertThat(interrupted.get()).isTrue();
        assertThat(seen.get().isCancelled()).isTrue();
    }

    @Test
    void closingAnIdleWorkerEndsItsLongPollAtOnce() throws Exception {
        String capability = capability();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Worker worker = workerOf(kernel.newWorker(capability)).pollWait(Duration.ofSeconds(50))
                .handler(capability, task -> Map.of("echo", "x")).build();
        Thread loop = Thread.ofVirtual().start(() -> {
            try {
                worker.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Thread.sleep(500); // let it register and park in the 50 s long-poll

        long started = System.nanoTime();
        worker.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        loop.join(Duration.ofSeconds(5));
        assertThat(loop.isAlive()).isFalse();
        assertThat(failure.get()).as("run() returns normally after close()").isNull();
        assertThat(reported).isEmpty();
    }

    @Test
    void runOnceTakesWhatOnePollOffersAndFinishesIt() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "once"));
        Worker worker = track(workerOf(kernel.newWorker(capability)).handler(capability, task -> Map.of("echo", "done once")).build());

        assertThat(worker.runOnce()).isEqualTo(1);

        assertThat(caller.getJob(job.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(worker.runOnce()).as("nothing left: the poll times out empty").isZero();
    }
}
