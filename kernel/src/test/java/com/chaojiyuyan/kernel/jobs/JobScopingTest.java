package com.chaojiyuyan.kernel.jobs;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.storage.Ids;
import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job belongs to the agent that created it and to that agent's owner. Anyone else gets 404
 * {@code not_found} on every caller route, exactly as for a job that does not exist.
 */
class JobScopingTest extends ContractTest {
    private TestKernel.Owner owner;
    private TestKernel.Agent creator;
    private TestKernel.Agent sibling;
    private TestKernel.Owner otherOwner;
    private TestKernel.Agent otherOwnersAgent;
    private String capability;

    @BeforeEach
    void accounts() {
        owner = kernel.newOwner();
        creator = kernel.newAgent(owner, "creator");
        sibling = kernel.newAgent(owner, "sibling");
        otherOwner = kernel.newOwner();
        otherOwnersAgent = kernel.newAgent(otherOwner, "other");
        capability = kernel.newCapability();
    }

    /** Every caller route for {@code jobId}, as {@code token} sees it. */
    private static List<HttpApi.Response> callerRoutes(String token, String jobId) {
        HttpApi api = kernel.api();
        return List.of(
                api.get("/kernel-jobs/" + jobId, token),
                api.get("/kernel-jobs/" + jobId + "?wait_seconds=1", token),
                api.get("/kernel-jobs/" + jobId + "/events", token),
                api.send("GET", "/kernel-jobs/" + jobId + "/events", token, null, Map.of("Accept", "text/event-stream")),
                api.post("/kernel-jobs/" + jobId + "/cancel", token, null));
    }

    private static List<String> listedIds(String token) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs?limit=200", token);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("items").valueStream().map(j -> j.get("id").asString()).toList();
    }

    @Test
    void anotherAgentOfTheSameOwnerCannotSeeTheJob() {
        String jobId = kernel.createJob(creator, capability, "mine").get("id").asString();

        for (HttpApi.Response r : callerRoutes(sibling.key(), jobId)) {
            assertProblem(r, 404, "not_found");
        }
        assertThat(listedIds(sibling.key())).doesNotContain(jobId);
        assertThat(kernel.job(creator, jobId).get("status").asString()).as("the refused cancel changed nothing").isEqualTo("queued");
    }

    @Test
    void anotherOwnersAgentAndTokenCannotSeeTheJob() {
        String jobId = kernel.createJob(creator, capability, "mine").get("id").asString();

        for (String token : List.of(otherOwnersAgent.key(), otherOwner.token())) {
            for (HttpApi.Response r : callerRoutes(token, jobId)) {
                assertProblem(r, 404, "not_found");
            }
            assertThat(listedIds(token)).doesNotContain(jobId);
        }
        assertThat(kernel.job(creator, jobId).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void someoneElsesJobIsIndistinguishableFromOneThatDoesNotExist() {
        String jobId = kernel.createJob(creator, capability, "mine").get("id").asString();
        String unknownId = Ids.newId("job", System.currentTimeMillis());

        List<HttpApi.Response> foreign = callerRoutes(sibling.key(), jobId);
        List<HttpApi.Response> unknown = callerRoutes(sibling.key(), unknownId);

        for (int i = 0; i < foreign.size(); i++) {
            JsonNode a = assertProblem(foreign.get(i), 404, "not_found");
            JsonNode b = assertProblem(unknown.get(i), 404, "not_found");
            assertThat(a.get("detail")).isEqualTo(b.get("detail"));
            assertThat(a.get("title")).isEqualTo(b.get("title"));
        }
    }

    @Test
    void garbageIdsAreNotFound() {
        for (String garbage : List.of("nope", "job_", "job_!!!!", "job_" + "Z".repeat(200), "tr_01JD3Q0000000000000000000",
                "%27%20OR%201%3D1--")) {
            for (HttpApi.Response r : callerRoutes(creator.key(), garbage)) {
                assertProblem(r, 404, "not_found");
            }
        }
    }

    @Test
    void anOwnerTokenSeesTheJobsOfAllItsAgents() {
        String byCreator = kernel.createJob(creator, capability, "one").get("id").asString();
        String bySibling = kernel.createJob(sibling, capability, "two").get("id").asString();
        String byStranger = kernel.createJob(otherOwnersAgent, capability, "three").get("id").asString();

        assertThat(listedIds(owner.token())).contains(byCreator, bySibling).doesNotContain(byStranger);
        assertThat(listedIds(creator.key())).contains(byCreator).doesNotContain(bySibling, byStranger);
        for (String jobId : List.of(byCreator, bySibling)) {
            HttpApi.Response job = kernel.api().get("/kernel-jobs/" + jobId, owner.token());
            assertThat(job.status()).as(job.toString()).isEqualTo(200);
            assertThat(job.get("id").asString()).isEqualTo(jobId);
            assertThat(kernel.api().get("/kernel-jobs/" + jobId + "/events", owner.token()).status()).isEqualTo(200);
        }
        assertThat(kernel.api().get("/kernel-jobs/" + bySibling, owner.token()).get("agent_id").asString()).isEqualTo(sibling.id());
        for (HttpApi.Response r : callerRoutes(owner.token(), byStranger)) {
            assertProblem(r, 404, "not_found");
        }
    }

    @Test
    void anOwnerMayCancelItsAgentsJobs() {
        String jobId = kernel.createJob(sibling, capability, "cancel me").get("id").asString();

        HttpApi.Response cancelled = kernel.api().post("/kernel-jobs/" + jobId + "/cancel", owner.token(), null);

        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
        assertThat(kernel.job(sibling, jobId).get("status").asString()).isEqualTo("cancelled");
    }
}
