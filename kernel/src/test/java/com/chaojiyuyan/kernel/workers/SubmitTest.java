package com.chaojiyuyan.kernel.workers;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Submitting a run's output: checked against the capability's output_schema, with a few tries per run;
 * accepted once (a repeat of the same output is harmless, a different one is a conflict); only the run
 * holding the job may submit.
 */
class SubmitTest extends ContractTest {

    @Test
    void anInvalidOutputIsRejectedWithTheSubmitsLeftAndACorrectedOneSucceeds() {
        String capability = kernel.newCapability(Map.of("max_submit_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "hi").get("id").asString();
        JsonNode bid = kernel.bidAccepted(worker, jobId);
        String run = bid.get("task_run_id").asString();
        assertThat(bid.get("submit_attempts_left").asInt()).isEqualTo(3);

        HttpApi.Response first = kernel.submit(worker, jobId, run, Map.of("wrong", "shape"));
        assertRejected(first, 2);
        HttpApi.Response second = kernel.submit(worker, jobId, run, Map.of("echo", 42));
        assertRejected(second, 1);
        assertThat(kernel.heartbeat(worker, jobId, run).status()).as("the run keeps its lease").isEqualTo(200);
        HttpApi.Response corrected = kernel.submit(worker, jobId, run, Map.of("echo", "hi"));

        assertThat(corrected.status()).as("%s", corrected).isEqualTo(200);
        assertThat(corrected.json().get("status").asString()).isEqualTo("succeeded");
        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("succeeded");
        assertThat(job.get("output").get("echo").asString()).isEqualTo("hi");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly(
                "created", "bid_accepted", "submit_rejected", "submit_rejected", "submitted", "settled");
    }

    @Test
    void exhaustingTheSubmitsEndsTheRunAndRequeuesTheJob() {
        String capability = kernel.newCapability(Map.of("max_submit_attempts", 2, "max_attempts", 3));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "hi").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        assertRejected(kernel.submit(worker, jobId, run, Map.of("wrong", 1)), 1);
        assertRejected(kernel.submit(worker, jobId, run, Map.of("wrong", 2)), 0);

        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("output").isNull()).isTrue();
        List<JsonNode> events = events(caller, jobId);
        assertThat(events).extracting(e -> e.get("type").asString())
                .containsExactly("created", "bid_accepted", "submit_rejected", "submit_rejected", "run_failed");
        JsonNode runFailed = events.get(4).get("data");
        assertThat(runFailed.get("task_run_id").asString()).isEqualTo(run);
        assertThat(runFailed.get("requeued").asBoolean()).isTrue();
        HttpApi.Response afterwards = kernel.submit(worker, jobId, run, Map.of("echo", "hi"));
        assertThat(afterwards.status()).as("the ended run may not submit again: %s", afterwards).isEqualTo(410);
        JsonNode retry = kernel.bidAccepted(kernel.newWorker(capability), jobId);
        assertThat(retry.get("job").get("attempt").asInt()).isEqualTo(2);
        assertThat(retry.get("submit_attempts_left").asInt()).as("a new run has its own submits").isEqualTo(2);
    }

    @Test
    void aRepeatedIdenticalSubmitAnswersTheSameJobAndSettlesOnce() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "once").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response first = kernel.submit(worker, jobId, run, Map.of("echo", "once"));
        HttpApi.Response repeated = kernel.submit(worker, jobId, run, Map.of("echo", "once"));

        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(repeated.status()).as("%s", repeated).isEqualTo(200);
        assertThat(repeated.json()).isEqualTo(first.json());
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
    }

    @Test
    void aDifferentOutputAfterAcceptanceIsAConflict() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "first").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "first")).status()).isEqualTo(200);

        HttpApi.Response different = kernel.submit(worker, jobId, run, Map.of("echo", "second"));

        assertProblem(different, 409, "already_submitted");
        assertThat(kernel.job(caller, jobId).get("output").get("echo").asString()).isEqualTo("first");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "submitted", "settled");
    }

    @Test
    void anotherWorkersRunIsNotFound() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent holder = kernel.newWorker(capability);
        TestKernel.Agent other = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "mine").get("id").asString();
        String holderRun = kernel.bidAccepted(holder, jobId).get("task_run_id").asString();
        String otherJob = kernel.createJob(caller, capability, "theirs").get("id").asString();
        String otherRun = kernel.bidAccepted(other, otherJob).get("task_run_id").asString();

        assertProblem(kernel.submit(other, jobId, holderRun, Map.of("echo", "stolen")), 404, "task_run_not_found");
        assertProblem(kernel.submit(other, jobId, otherRun, Map.of("echo", "wrong job")), 404, "task_run_not_found");
        assertProblem(kernel.submit(holder, jobId, "tr_doesnotexist", Map.of("echo", "made up")), 404, "task_run_not_found");

        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("running");
        assertThat(kernel.submit(holder, jobId, holderRun, Map.of("echo", "mine")).status()).isEqualTo(200);
        assertThat(kernel.job(caller, jobId).get("output").get("echo").asString()).isEqualTo("mine");
    }

    @Test
    void aSubmitWithoutOutputOrRunIsABadRequestAndCostsNoAttempt() {
        String capability = kernel.newCapability(Map.of("max_submit_attempts", 1));
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "hi").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        String path = "/kernel-jobs/" + jobId + "/submit";

        assertThat(kernel.api().post(path, worker.key(), Map.of("task_run_id", run)).status()).isEqualTo(400);
        assertThat(kernel.api().post(path, worker.key(), Map.of("output", Map.of("echo", "hi"))).status()).isEqualTo(400);

        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted");
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "hi")).status()).isEqualTo(200);
    }

    private static void assertRejected(HttpApi.Response r, int submitsLeft) {
        assertProblem(r, 422, "submit_validation_failed");
        assertThat(r.json().get("errors").isArray()).as("%s", r).isTrue();
        assertThat(r.json().get("errors").isEmpty()).as("%s", r).isFalse();
        assertThat(r.json().get("submit_attempts_left").asInt()).as("%s", r).isEqualTo(submitsLeft);
    }

    private static List<JsonNode> events(TestKernel.Agent caller, String jobId) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/" + jobId + "/events", caller.key());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("items").valueStream().toList();
    }
}
