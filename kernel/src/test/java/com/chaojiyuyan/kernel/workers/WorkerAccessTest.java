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
 * Who may act as a worker: an agent key (not an owner token) that has registered at least one
 * capability, and only for the capabilities it registered. Registration itself is idempotent.
 */
class WorkerAccessTest extends ContractTest {
    private static final String CAPABILITIES = "/kernel-agents/me/capabilities";

    @Test
    void anAgentThatRegisteredNothingIsNotEnabledAsAWorker() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String held = kernel.createJob(caller, capability, "held").get("id").asString();
        String run = kernel.bidAccepted(worker, held).get("task_run_id").asString();
        String queued = kernel.createJob(caller, capability, "queued").get("id").asString();
        TestKernel.Agent stranger = kernel.newAgent();

        for (HttpApi.Response r : workerCalls(stranger.key(), queued, held, run, capability)) {
            assertProblem(r, 403, "worker_not_enabled");
        }
        assertThat(kernel.job(caller, queued).get("status").asString()).isEqualTo("queued");
        assertThat(kernel.heartbeat(worker, held, run).status()).isEqualTo(200);
    }

    @Test
    void removingTheLastRegistrationDisablesTheWorker() {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = kernel.createJob(caller, capability, "x").get("id").asString();

        assertThat(kernel.api().delete(CAPABILITIES + "/" + capability, worker.key()).status()).isEqualTo(204);

        assertProblem(kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null), 403, "worker_not_enabled");
        assertProblem(kernel.api().get("/kernel-jobs/available", worker.key()), 403, "worker_not_enabled");
    }

    @Test
    void aWorkerMayNotBidOnACapabilityItDidNotRegister() {
        String served = kernel.newCapability();
        String other = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker(served);
        String jobId = kernel.createJob(caller, other, "not yours").get("id").asString();

        assertProblem(kernel.api().post("/kernel-jobs/" + jobId + "/bid", worker.key(), null), 403, "capability_not_registered");

        assertThat(kernel.job(caller, jobId).get("status").asString()).isEqualTo("queued");
        assertThat(kernel.eventTypes(caller, jobId)).containsExactly("created");
    }

    @Test
    void aWorkerMayNotLongPollForACapabilityItDidNotRegister() {
        String served = kernel.newCapability();
        String other = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(served);
        kernel.createJob(kernel.newAgent(), other, "not yours");

        assertProblem(kernel.api().get("/kernel-jobs/available?capability_key=" + other + "&wait_seconds=30", worker.key()),
                403, "capability_not_registered");
        assertProblem(kernel.api().get("/kernel-jobs/available?capability_key=" + served + "&capability_key=" + other
                + "&wait_seconds=30", worker.key()), 403, "capability_not_registered");
    }

    @Test
    void workerRoutesNeedAnAgentKeyNotAnOwnerToken() {
        String capability = kernel.newCapability();
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent caller = kernel.newAgent(owner, "caller");
        TestKernel.Agent worker = kernel.newWorker(capability);
        String held = kernel.createJob(caller, capability, "held").get("id").asString();
        String run = kernel.bidAccepted(worker, held).get("task_run_id").asString();
        String queued = kernel.createJob(caller, capability, "queued").get("id").asString();
        HttpApi api = kernel.api();

        assertProblem(api.post(CAPABILITIES, owner.token(), Map.of("capability_keys", List.of(capability))), 403, "agent_key_required");
        assertProblem(api.get(CAPABILITIES, owner.token()), 403, "agent_key_required");
        assertProblem(api.delete(CAPABILITIES + "/" + capability, owner.token()), 403, "agent_key_required");
        for (HttpApi.Response r : workerCalls(owner.token(), queued, held, run, capability)) {
            assertProblem(r, 403, "agent_key_required");
        }
        assertThat(kernel.job(caller, queued).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void registeringIsIdempotentAndListsTheCapabilities() {
        String first = kernel.newCapability();
        String second = kernel.newCapability();
        TestKernel.Agent agent = kernel.newAgent();
        HttpApi api = kernel.api();

        HttpApi.Response registered = api.post(CAPABILITIES, agent.key(), Map.of("capability_keys", List.of(first)));
        assertThat(registered.status()).as("%s", registered).isEqualTo(200);
        assertThat(keys(registered.json())).containsExactly(first);

        HttpApi.Response again = api.post(CAPABILITIES, agent.key(), Map.of("capability_keys", List.of(second, first, second)));
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(keys(again.json())).containsExactlyInAnyOrder(first, second);

        HttpApi.Response listed = api.get(CAPABILITIES, agent.key());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(keys(listed.json())).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void deletingARegistrationRemovesItAndDeletingOneNotRegisteredIsNotFound() {
        String kept = kernel.newCapability();
        String removed = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(kept, removed);
        HttpApi api = kernel.api();

        assertThat(api.delete(CAPABILITIES + "/" + removed, worker.key()).status()).isEqualTo(204);

        assertThat(keys(api.get(CAPABILITIES, worker.key()).json())).containsExactly(kept);
        assertProblem(api.delete(CAPABILITIES + "/" + removed, worker.key()), 404, "not_found");
        assertProblem(api.delete(CAPABILITIES + "/test.never.registered", worker.key()), 404, "not_found");
        String jobId = kernel.createJob(kernel.newAgent(), removed, "x").get("id").asString();
        assertProblem(api.post("/kernel-jobs/" + jobId + "/bid", worker.key(), null), 403, "capability_not_registered");
    }

    @Test
    void registeringAnUnknownCapabilityNamesTheUnknownKeysAndRegistersNothing() {
        String known = kernel.newCapability();
        TestKernel.Agent agent = kernel.newAgent();

        HttpApi.Response r = kernel.api().post(CAPABILITIES, agent.key(),
                Map.of("capability_keys", List.of("does.not.exist", known, "also.missing")));

        assertProblem(r, 400, "unknown_capability");
        assertThat(r.json().get("unknown").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder("does.not.exist", "also.missing");
        assertThat(r.json().get("detail").asString()).contains("does.not.exist", "also.missing").doesNotContain(known);
        assertThat(keys(kernel.api().get(CAPABILITIES, agent.key()).json())).isEmpty();
    }

    /** Every call of the worker protocol, made with {@code token}: long-poll, bid, heartbeat, submit, fail. */
    private static List<HttpApi.Response> workerCalls(String token, String queuedJob, String heldJob, String run,
                                                      String capability) {
        HttpApi api = kernel.api();
        return List.of(
                api.get("/kernel-jobs/available?capability_key=" + capability, token),
                api.get("/kernel-jobs/available", token),
                api.post("/kernel-jobs/" + queuedJob + "/bid", token, null),
                api.post("/kernel-jobs/" + heldJob + "/heartbeat", token, Map.of("task_run_id", run)),
                api.post("/kernel-jobs/" + heldJob + "/submit", token, Map.of("task_run_id", run, "output", Map.of("echo", "x"))),
                api.post("/kernel-jobs/" + heldJob + "/fail", token, Map.of("task_run_id", run,
                        "error", Map.of("code", "nope", "message", "not mine"))));
    }

    private static List<String> keys(JsonNode body) {
        return body.get("capability_keys").valueStream().map(JsonNode::asString).toList();
    }
}
