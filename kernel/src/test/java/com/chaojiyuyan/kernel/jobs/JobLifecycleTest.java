package com.chaojiyuyan.kernel.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The seed's happy path: create → long-poll → bid → heartbeat → submit → the caller sees the output. */
class JobLifecycleTest extends ContractTest {

    @Test
    void callerSeesTheWorkersOutput() {
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker("test.echo.v1");
        JsonNode job = kernel.createJob(caller, "test.echo.v1", "hello");
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("view_url").asString()).endsWith("/console/jobs/" + job.get("id").asString());

        HttpApi.Response available = kernel.api().get("/kernel-jobs/available?capability_key=test.echo.v1&wait_seconds=5", worker.key());
        assertThat(available.status()).isEqualTo(200);
        assertThat(available.json().get("jobs").valueStream().map(j -> j.get("job_id").asString()))
                .contains(job.get("id").asString());

        String jobId = job.get("id").asString();
        JsonNode bid = kernel.bidAccepted(worker, jobId);
        String run = bid.get("task_run_id").asString();
        assertThat(bid.get("job").get("input_envelope").get("input").get("text").asString()).isEqualTo("hello");
        assertThat(kernel.heartbeat(worker, jobId, run).status()).isEqualTo(200);

        HttpApi.Response submitted = kernel.submit(worker, jobId, run, Map.of("echo", "hello"));
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(200);
        assertThat(submitted.json().get("status").asString()).isEqualTo("succeeded");

        JsonNode done = kernel.job(caller, jobId);
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(done.get("output").get("echo").asString()).isEqualTo("hello");
        assertThat(done.get("finished_at").isNull()).isFalse();
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
    }

    @Test
    void aWorkerSeesTheAttemptItsRunWouldBeBeforeAndAfterItsBid() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "x").get("id").asString();

        JsonNode queued = kernel.api().get("/kernel-jobs/" + jobId, worker.key()).json();
        assertThat(queued.get("attempt").asInt()).isZero();
        assertThat(queued.get("input_envelope").get("attempt").asInt()).isEqualTo(1);
        assertThat(queued.has("idempotency_key")).as("the worker view hides the caller's details").isFalse();

        JsonNode bid = kernel.bidAccepted(worker, jobId);
        assertThat(bid.get("job").get("attempt").asInt()).isEqualTo(1);
        assertThat(bid.get("job").get("input_envelope").get("attempt").asInt()).isEqualTo(1);
    }
}
