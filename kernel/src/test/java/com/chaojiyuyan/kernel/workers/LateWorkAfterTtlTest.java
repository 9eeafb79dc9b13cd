package com.chaojiyuyan.kernel.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.KernelSettings;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The moment a job's time to live passes it is over for its worker too, not only once a sweeper has
 * marked it expired: a heartbeat, submit or fail then gets 410 job_terminal, just as a bid gets
 * bid_window_closed. This kernel's sweeper waits a minute, so every answer here comes before it.
 */
@KernelSettings("CHAOJIYUYAN_SWEEP_INTERVAL_MS=60000")
class LateWorkAfterTtlTest extends ContractTest {

    @Test
    void aWorkerHoldingAJobPastItsTtlCanNoLongerFinishIt() {
        String capability = kernel.newCapability(Map.of("job_ttl_seconds", 60, "lease_seconds", 600));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "late").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        kernel.clock().advance(Duration.ofSeconds(61));

        for (HttpApi.Response r : new HttpApi.Response[] {
                kernel.heartbeat(worker, jobId, run),
                kernel.submit(worker, jobId, run, Map.of("echo", "late")),
                kernel.api().post("/kernel-jobs/" + jobId + "/fail", worker.key(), Map.of("task_run_id", run))}) {
            assertThat(r.status()).as(r.toString()).isEqualTo(410);
            assertThat(r.code()).isEqualTo("job_terminal");
        }
        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("running");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted");
    }
}
