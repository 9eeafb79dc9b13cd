package com.chaojiyuyan.kernel.workers;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A lease lives as long as the worker heartbeats. When it passes, the job goes back to the queue with
 * its next attempt, or fails with attempts_exhausted after the last one; the worker that lost the lease
 * is told how it lost it. Time moves on the kernel's test clock, never by sleeping.
 */
class LeaseExpiryTest extends ContractTest {
    private static final int LEASE_SECONDS = 10;
    private static final Duration PAST_THE_LEASE = Duration.ofSeconds(LEASE_SECONDS + 1);

    @Test
    void anExpiredLeaseRequeuesTheJobWithTheNextAttempt() {
        String capability = kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "slow").get("id").asString();
        JsonNode first = kernel.bidAccepted(worker, jobId);
        assertThat(first.get("job").get("attempt").asInt()).isEqualTo(1);
        assertThat(first.get("job").get("input_envelope").get("attempt").asInt()).isEqualTo(1);

        kernel.clock().advance(PAST_THE_LEASE);

        JsonNode requeued = awaitStatus(caller, jobId, "queued");
        assertThat(requeued.get("attempt").asInt()).as("runs started so far").isEqualTo(1);
        JsonNode listed = available(worker, capability).stream()
                .filter(j -> j.get("job_id").asString().equals(jobId)).findFirst().orElseThrow();
        assertThat(listed.get("input_envelope").get("attempt").asInt()).as("the attempt a bid would start").isEqualTo(2);
        List<JsonNode> events = events(caller, jobId);
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("created", "bid_accepted", "lease_expired");
        JsonNode expired = events.get(2).get("data");
        assertThat(expired.get("task_run_id").asString()).isEqualTo(first.get("task_run_id").asString());
        assertThat(expired.get("attempt").asInt()).isEqualTo(1);
        assertThat(expired.get("requeued").asBoolean()).isTrue();

        JsonNode second = kernel.bidAccepted(kernel.newWorker(capability), jobId);
        assertThat(second.get("job").get("attempt").asInt()).isEqualTo(2);
        assertThat(second.get("job").get("input_envelope").get("attempt").asInt()).isEqualTo(2);
        assertThat(second.get("task_run_id").asString()).isNotEqualTo(first.get("task_run_id").asString());
        assertThat(kernel.job(caller, jobId).get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void theJobFailsWithAttemptsExhaustedWhenItsLastLeaseExpires() {
        String capability = kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 2));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "never done").get("id").asString();

        kernel.bidAccepted(worker, jobId);
        kernel.clock().advance(PAST_THE_LEASE);
        awaitStatus(caller, jobId, "queued");
        kernel.bidAccepted(worker, jobId);
        kernel.clock().advance(PAST_THE_LEASE);

        JsonNode failed = awaitStatus(caller, jobId, "failed");
        assertThat(failed.get("attempt").asInt()).isEqualTo(2);
        assertThat(failed.get("error").get("code").asString()).isEqualTo("attempts_exhausted");
        assertThat(failed.get("finished_at").isNull()).isFalse();
        List<JsonNode> events = events(caller, jobId);
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly(
                "created", "bid_accepted", "lease_expired", "bid_accepted", "lease_expired", "failed", "settled");
        assertThat(events.get(4).get("data").get("requeued").asBoolean()).isFalse();
        assertProblem(kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null), 410, "attempts_exhausted");
    }

    @Test
    void aLateHeartbeatOrSubmitIsToldTheLeaseExpired() {
        String capability = kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "late").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        kernel.clock().advance(PAST_THE_LEASE);

        // Whether or not the sweeper has acted yet, the lease is over.
        assertProblem(kernel.heartbeat(worker, jobId, run), 410, "lease_expired");
        awaitStatus(caller, jobId, "queued");
        assertProblem(kernel.heartbeat(worker, jobId, run), 410, "lease_expired");
        assertProblem(kernel.submit(worker, jobId, run, Map.of("echo", "late")), 410, "lease_expired");
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("output").isNull()).isTrue();
        assertThat(kernel.eventTypes(caller, jobId)).doesNotContain("submitted", "settled");
    }

    @Test
    void aRunWhoseJobWasReroutedToAnotherWorkerIsNotFound() {
        String capability = kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent slow = kernel.newWorker(capability);
        TestKernel.Agent fast = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "rerouted").get("id").asString();
        String oldRun = kernel.bidAccepted(slow, jobId).get("task_run_id").asString();
        kernel.clock().advance(PAST_THE_LEASE);
        awaitStatus(caller, jobId, "queued");

        String newRun = kernel.bidAccepted(fast, jobId).get("task_run_id").asString();

        assertProblem(kernel.heartbeat(slow, jobId, oldRun), 404, "task_run_not_found");
        assertProblem(kernel.submit(slow, jobId, oldRun, Map.of("echo", "too late")), 404, "task_run_not_found");
        HttpApi.Response submitted = kernel.submit(fast, jobId, newRun, Map.of("echo", "on time"));
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(200);
        assertThat(kernel.job(caller, jobId).get("output").get("echo").asString()).isEqualTo("on time");
    }

    @Test
    void heartbeatsKeepTheLeaseAliveAcrossClockAdvancesShorterThanTheLease() {
        String capability = kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "long task").get("id").asString();
        JsonNode bid = kernel.bidAccepted(worker, jobId);
        String run = bid.get("task_run_id").asString();
        Instant leaseExpires = Instant.parse(bid.get("lease_expires_at").asString());

        // Four advances of most of a lease: far past the first lease, never past the latest heartbeat's.
        for (int i = 0; i < 4; i++) {
            kernel.clock().advance(Duration.ofSeconds(LEASE_SECONDS - 3));
            HttpApi.Response beat = kernel.heartbeat(worker, jobId, run);
            assertThat(beat.status()).as("heartbeat %d: %s", i, beat).isEqualTo(200);
            Instant extended = Instant.parse(beat.json().get("lease_expires_at").asString());
            assertThat(extended).isAfter(leaseExpires).isAfter(kernel.clock().instant());
            leaseExpires = extended;
        }

        assertThat(Instant.parse(bid.get("lease_expires_at").asString())).isBefore(kernel.clock().instant());
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("running");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        HttpApi.Response submitted = kernel.submit(worker, jobId, run, Map.of("echo", "done"));
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(200);
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
    }

    @Test
    void withoutHeartbeatsTheSameClockAdvancesEndTheLease() {
        String capability = kernel.newCapability(Map.of("lease_seconds", LEASE_SECONDS, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "silent").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        kernel.clock().advance(Duration.ofSeconds(LEASE_SECONDS - 3));
        kernel.clock().advance(Duration.ofSeconds(LEASE_SECONDS - 3));

        awaitStatus(caller, jobId, "queued");
        assertProblem(kernel.heartbeat(worker, jobId, run), 410, "lease_expired");
    }

    private static JsonNode awaitStatus(TestKernel.Agent caller, String jobId, String status) {
        return await().atMost(Duration.ofSeconds(20))
                .until(() -> kernel.job(caller, jobId), job -> status.equals(job.get("status").asString()));
    }

    private static List<JsonNode> available(TestKernel.Agent worker, String capability) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/available?capability_key=" + capability, worker.key());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("jobs").valueStream().toList();
    }

    private static List<JsonNode> events(TestKernel.Agent caller, String jobId) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/" + jobId + "/events", caller.key());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("items").valueStream().toList();
    }
}
