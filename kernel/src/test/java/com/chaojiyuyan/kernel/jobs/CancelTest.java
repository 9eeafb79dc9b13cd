package com.chaojiyuyan.kernel.jobs;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The caller cancels an open job: a queued one is withdrawn from bidding, a running one is taken from
 * its worker, whose next heartbeat or submit is told the job is over. A finished job cannot be cancelled.
 */
class CancelTest extends ContractTest {

    @Test
    void aCancelledQueuedJobTakesNoBids() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "never mind").get("id").asString();

        HttpApi.Response cancelled = cancel(caller.key(), jobId);

        assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(cancelled.json().get("finished_at").isNull()).isFalse();
        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("cancelled");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "cancelled", "settled");
        assertProblem(bid(worker, jobId), 410, "job_terminal");
        assertThat(kernel.api().get("/kernel-jobs/available?capability_key=" + capability, worker.key())
                .json().get("jobs").isEmpty()).isTrue();
    }

    @Test
    void theWorkerOfACancelledRunningJobIsToldTheJobIsOver() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "stop").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response cancelled = cancel(caller.key(), jobId);

        assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        assertProblem(kernel.heartbeat(worker, jobId, run), 410, "job_terminal");
        assertProblem(kernel.submit(worker, jobId, run, Map.of("echo", "stop")), 410, "job_terminal");
        assertProblem(kernel.api().post("/kernel-jobs/" + jobId + "/fail", worker.key(),
                Map.of("task_run_id", run, "error", Map.of("code", "x", "message", "x"))), 410, "job_terminal");
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("cancelled");
        assertThat(job.get("output").isNull()).isTrue();
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "cancelled", "settled");
    }

    @Test
    void cancellingTwiceAnswersTheCancelledJobUnchanged() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        String jobId = kernel.createJob(caller, capability, "twice").get("id").asString();

        HttpApi.Response first = cancel(caller.key(), jobId);
        HttpApi.Response second = cancel(caller.key(), jobId);

        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(second.status()).as("%s", second).isEqualTo(200);
        assertThat(second.json()).isEqualTo(first.json());
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "cancelled", "settled");
    }

    @Test
    void aSucceededJobCannotBeCancelled() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "done").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "done")).status()).isEqualTo(200);

        assertProblem(cancel(caller.key(), jobId), 410, "job_terminal");

        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("succeeded");
        assertThat(job.get("output").get("echo").asString()).isEqualTo("done");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
    }

    @Test
    void theOwnerMayCancelItsAgentsJobButNobodyElseMay() {
        String capability = kernel.newCapability();
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent caller = kernel.newAgent(owner, "caller");
        String jobId = kernel.createJob(caller, capability, "mine").get("id").asString();

        assertProblem(cancel(kernel.newAgent().key(), jobId), 404, "not_found");
        assertProblem(cancel(kernel.newOwner().token(), jobId), 404, "not_found");
        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("queued");

        HttpApi.Response byOwner = cancel(owner.token(), jobId);
        assertThat(byOwner.status()).as("%s", byOwner).isEqualTo(200);
        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("cancelled");
    }

    private static HttpApi.Response cancel(String token, String jobId) {
        return kernel.api().post("/kernel-jobs/" + jobId + "/cancel", token, null);
    }

    private static HttpApi.Response bid(TestKernel.Agent worker, String jobId) {
        return kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null);
    }
}
