package com.chaojiyuyan.sdk.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.JobStatus;
import com.chaojiyuyan.sdk.KernelClient;
import com.chaojiyuyan.sdk.SdkContractTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every worker exception, raised by the real kernel condition that causes it: no capability registered,
 * a job of a capability this worker does not serve, a lost bid race, a closed bid window, a lease that
 * passed, a run re-routed to another worker, a cancelled job, and an output that fails validation.
 */
class WorkerExceptionsTest extends SdkContractTest {
    private static final int LEASE_SECONDS = 10;
    private static final Duration PAST_THE_LEASE = Duration.ofSeconds(LEASE_SECONDS + 1);

    private Worker workerFor(TestKernel.Agent agent, String capability) {
        return track(worker(agent).handler(capability, task -> Map.of("echo", "x")).build());
    }

    private String capability() {
        return kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3, "max_submit_attempts", 3));
    }

    @Test
    void anAgentThatRegisteredNothingIsNotAWorker() {
        String capability = capability();
        Job job = client(kernel.newAgent()).call(capability, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newAgent(), capability);

        assertThatThrownBy(() -> worker.available(Duration.ZERO, 10))
                .isInstanceOfSatisfying(WorkerNotEnabled.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.code()).isEqualTo("worker_not_enabled");
                });
        assertThatThrownBy(() -> worker.bid(job.id())).isInstanceOf(WorkerNotEnabled.class);

        assertThat(worker.registerHandlers()).containsExactly(capability);
        assertThat(worker.available(Duration.ZERO, 10)).extracting(AvailableJob::jobId).containsExactly(job.id());
    }

    @Test
    void aJobOfAnotherCapabilityIsNotRegistered() {
        String served = capability();
        String other = capability();
        Job job = client(kernel.newAgent()).call(other, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newWorker(served), served);

        assertThatThrownBy(() -> worker.bid(job.id()))
                .isInstanceOfSatisfying(CapabilityNotRegistered.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.jobId()).isEqualTo(job.id());
                });
    }

    @Test
    void theSecondBidderLosesTheRace() {
        String capability = capability();
        Job job = client(kernel.newAgent()).call(capability, Map.of("text", "x"));
        Worker first = workerFor(kernel.newWorker(capability), capability);
        Worker second = workerFor(kernel.newWorker(capability), capability);

        Lease lease = first.bid(job.id());

        assertThat(lease.taskRunId()).startsWith("tr_");
        assertThat(lease.heartbeatSeconds()).isPositive();
        assertThatThrownBy(() -> second.bid(job.id()))
                .isInstanceOfSatisfying(BidRejected.class, e -> {
                    assertThat(e.reason()).isEqualTo("already_taken");
                    assertThat(e.status()).isEqualTo(200);
                });
    }

    @Test
    void aBidAfterTheBidWindowIsRejected() {
        String capability = kernel.newCapability(Map.of("job_ttl_seconds", 60));
        Job job = client(kernel.newAgent()).call(capability, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newWorker(capability), capability);

        kernel.clock().advance(Duration.ofSeconds(61));

        assertThatThrownBy(() -> worker.bid(job.id()))
                .isInstanceOfSatisfying(BidRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.reason()).isEqualTo("bid_window_closed");
                });
    }

    @Test
    void aHeartbeatOrSubmitAfterTheLeaseIsLeaseExpired() {
        String capability = capability();
        Job job = client(kernel.newAgent()).call(capability, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newWorker(capability), capability);
        Lease lease = worker.bid(job.id());
        assertThat(worker.heartbeat(lease)).isAfterOrEqualTo(lease.leaseExpiresAt());

        kernel.clock().advance(PAST_THE_LEASE);

        assertThatThrownBy(() -> worker.heartbeat(lease))
                .isInstanceOfSatisfying(LeaseExpired.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.code()).isEqualTo("lease_expired");
                });
        assertThatThrownBy(() -> worker.submit(lease, Map.of("echo", "late"))).isInstanceOf(LeaseExpired.class);
    }

    @Test
    void aRunWhoseJobWasReroutedIsNotFound() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "x"));
        Worker slow = workerFor(kernel.newWorker(capability), capability);
        Worker fast = workerFor(kernel.newWorker(capability), capability);
        Lease old = slow.bid(job.id());
        kernel.clock().advance(PAST_THE_LEASE);
        awaitStatus(caller, job.id(), JobStatus.QUEUED);
        Lease current = fast.bid(job.id());

        assertThatThrownBy(() -> slow.heartbeat(old))
                .isInstanceOfSatisfying(TaskRunNotFound.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> slow.submit(old, Map.of("echo", "too late"))).isInstanceOf(TaskRunNotFound.class);
        assertThat(fast.submit(current, Map.of("echo", "on time")).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void aCancelledJobEndsTheLeaseToo() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newWorker(capability), capability);
        Lease lease = worker.bid(job.id());

        caller.cancel(job.id());

        assertThatThrownBy(() -> worker.heartbeat(lease))
                .isInstanceOfSatisfying(LeaseExpired.class, e -> assertThat(e.code()).isEqualTo("job_terminal"));
    }

    @Test
    void anOutputThatFailsTheSchemaIsSubmitValidationFailed() {
        String capability = capability();
        Job job = client(kernel.newAgent()).call(capability, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newWorker(capability), capability);
        Lease lease = worker.bid(job.id());
        assertThat(lease.submitAttemptsLeft()).isEqualTo(3);

        assertThatThrownBy(() -> worker.submit(lease, Map.of("wrong", 1)))
                .isInstanceOfSatisfying(SubmitValidationFailed.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.errors()).isNotEmpty();
                    assertThat(e.submitAttemptsLeft()).isEqualTo(2);
                });
        assertThat(worker.submit(lease, Map.of("echo", "fixed")).status()).as("the run kept its lease").isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void failingARunRequeuesOrFailsTheJob() {
        String capability = capability();
        KernelClient caller = client(kernel.newAgent());
        Job job = caller.call(capability, Map.of("text", "x"));
        Worker worker = workerFor(kernel.newWorker(capability), capability);

        assertThat(worker.fail(worker.bid(job.id()), "busy", "try another worker", true).status()).isEqualTo(JobStatus.QUEUED);
        Job failed = worker.fail(worker.bid(job.id()), "bad_input", "cannot do this", false);

        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(caller.getJob(job.id()).error().code()).isEqualTo("bad_input");
    }
}
