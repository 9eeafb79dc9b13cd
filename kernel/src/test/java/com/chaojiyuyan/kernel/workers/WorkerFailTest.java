package com.chaojiyuyan.kernel.workers;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A worker giving up on its run: a retryable failure sends the job back to the queue while attempts
 * remain; a non-retryable one fails the job with the worker's error; a retryable one on the last attempt
 * fails it with attempts_exhausted.
 */
class WorkerFailTest extends ContractTest {

    @Test
    void aRetryableFailureRequeuesTheJobWithTheNextAttempt() {
        String capability = kernel.newCapability(Map.of("max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "flaky").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response failed = fail(worker, jobId, run, "upstream_timeout", true);

        assertThat(failed.status()).as("%s", failed).isEqualTo(200);
        assertThat(failed.json().get("status").asString()).isEqualTo("queued");
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("error").isNull()).isTrue();
        List<JsonNode> events = events(caller, jobId);
        assertThat(events).extracting(e -> e.get("type").asString()).containsExactly("created", "bid_accepted", "run_failed");
        JsonNode data = events.get(2).get("data");
        assertThat(data.get("task_run_id").asString()).isEqualTo(run);
        assertThat(data.get("error").get("code").asString()).isEqualTo("upstream_timeout");
        assertThat(data.get("retryable").asBoolean()).isTrue();
        assertThat(data.get("requeued").asBoolean()).isTrue();
        assertThat(kernel.bidAccepted(worker, jobId).get("job").get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void aFailureIsRetryableUnlessTheWorkerSaysOtherwise() {
        String capability = kernel.newCapability(Map.of("max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "flaky").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response failed = fail(worker, jobId, run, "upstream_timeout", null);

        assertThat(failed.status()).as("%s", failed).isEqualTo(200);
        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void aNonRetryableFailureFailsTheJobWithTheWorkersError() {
        String capability = kernel.newCapability(Map.of("max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "impossible").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response failed = fail(worker, jobId, run, "unsupported_input", false);

        assertThat(failed.status()).as("%s", failed).isEqualTo(200);
        assertThat(failed.json().get("status").asString()).isEqualTo("failed");
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("failed");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        assertThat(job.get("error").get("code").asString()).isEqualTo("unsupported_input");
        assertThat(job.get("error").get("message").asString()).isEqualTo("the worker says: unsupported_input");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "run_failed", "failed", "settled");
        assertProblem(kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null), 410, "job_terminal");
    }

    @Test
    void aRetryableFailureOnTheLastAttemptFailsTheJobWithAttemptsExhausted() {
        String capability = kernel.newCapability(Map.of("max_attempts", 2));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "flaky").get("id").asString();
        String first = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(fail(worker, jobId, first, "upstream_timeout", true).status()).isEqualTo(200);
        String last = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response failed = fail(worker, jobId, last, "upstream_timeout", true);

        assertThat(failed.status()).as("%s", failed).isEqualTo(200);
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("failed");
        assertThat(job.get("attempt").asInt()).isEqualTo(2);
        assertThat(job.get("error").get("code").asString()).isEqualTo("attempts_exhausted");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly(
                "created", "bid_accepted", "run_failed", "bid_accepted", "run_failed", "failed", "settled");
        assertProblem(kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null), 410, "attempts_exhausted");
    }

    private static HttpApi.Response fail(TestKernel.Agent worker, String jobId, String run, String code, Boolean retryable) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("task_run_id", run);
        body.put("error", Map.of("code", code, "message", "the worker says: " + code));
        if (retryable != null) {
            body.put("retryable", retryable);
        }
        return kernel.api().post("/kernel-jobs/" + jobId + "/fail", worker.key(), body);
    }

    private static List<JsonNode> events(TestKernel.Agent caller, String jobId) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/" + jobId + "/events", caller.key());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("items").valueStream().toList();
    }
}
