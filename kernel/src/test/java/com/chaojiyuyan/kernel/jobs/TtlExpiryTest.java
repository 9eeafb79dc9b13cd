package com.chaojiyuyan.kernel.jobs;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job not finished within its capability's job_ttl_seconds expires, whether it is still waiting for
 * a bid or a worker holds it. Time moves on the kernel's test clock, never by sleeping.
 */
class TtlExpiryTest extends ContractTest {
    private static final int TTL_SECONDS = 60;
    private static final Duration PAST_THE_TTL = Duration.ofSeconds(TTL_SECONDS + 1);

    @Test
    void aQueuedJobPastItsTtlExpiresAndClosesItsBidWindow() {
        String capability = kernel.newCapability(Map.of("job_ttl_seconds", TTL_SECONDS));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "nobody came").get("id").asString();

        kernel.clock().advance(PAST_THE_TTL);

        // Whether or not the sweeper has acted yet, the bid window is closed.
        assertProblem(bid(worker, jobId), 410, "bid_window_closed");
        JsonNode expired = awaitStatus(caller, jobId, "expired");
        assertThat(expired.get("error").get("code").asString()).isEqualTo("expired");
        assertThat(expired.get("finished_at").isNull()).isFalse();
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "expired", "settled");
        assertProblem(bid(worker, jobId), 410, "bid_window_closed");
        assertThat(kernel.api().get("/kernel-jobs/available?capability_key=" + capability, worker.key())
                .json().get("jobs").isEmpty()).isTrue();
    }

    @Test
    void aRunningJobPastItsTtlExpiresAndItsWorkerIsToldTheJobIsOver() {
        // The lease outlives the TTL, so it is the TTL, not a lost lease, that ends the job.
        String capability = kernel.newCapability(Map.of("job_ttl_seconds", TTL_SECONDS, "lease_seconds", 10 * TTL_SECONDS));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "too slow").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        kernel.clock().advance(PAST_THE_TTL);

        awaitStatus(caller, jobId, "expired");
        assertProblem(kernel.heartbeat(worker, jobId, run), 410, "job_terminal");
        assertProblem(kernel.submit(worker, jobId, run, Map.of("echo", "too slow")), 410, "job_terminal");
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("expired");
        assertThat(job.get("output").isNull()).isTrue();
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "expired", "settled");
    }

    @Test
    void aJobWithinItsTtlStaysOpen() {
        String capability = kernel.newCapability(Map.of("job_ttl_seconds", TTL_SECONDS));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "in time").get("id").asString();

        kernel.clock().advance(Duration.ofSeconds(TTL_SECONDS - 10));

        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "in time")).status()).isEqualTo(200);
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
    }

    private static JsonNode awaitStatus(TestKernel.Agent caller, String jobId, String status) {
        return await().atMost(Duration.ofSeconds(20))
                .until(() -> kernel.job(caller, jobId), job -> status.equals(job.get("status").asString()));
    }

    private static HttpApi.Response bid(TestKernel.Agent worker, String jobId) {
        return kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null);
    }
}
