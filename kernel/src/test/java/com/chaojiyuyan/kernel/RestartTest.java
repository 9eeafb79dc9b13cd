package com.chaojiyuyan.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * A server stopped and started again on the same database loses nothing and duplicates nothing:
 * accounts, sessions and keys, the catalog (with an admin's edits), workers' registrations and jobs in
 * every state carry on where they were.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
class RestartTest {
    @Parameter
    Db db;

    private static final String OWNER_PASSWORD = "owner-password-kept";

    /** What the first server left behind, for the second to find. */
    private record Before(TestKernel.Owner owner, TestKernel.Agent caller, TestKernel.Agent worker, String capability,
                          String queuedJob, String runningJob, String runningRun, String succeededJob,
                          List<String> ownerIds, List<String> capabilityKeys) {
    }

    private static List<String> ownerIds(TestKernel kernel) {
        HttpApi.Response r = kernel.api().get("/admin/owners", kernel.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("items").valueStream().map(o -> o.get("id").asString()).sorted().toList();
    }

    private static List<String> capabilityKeys(TestKernel kernel) {
        HttpApi.Response r = kernel.api().get("/capability-specs?limit=500&include_deprecated=true", kernel.adminToken());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("next_cursor").isNull()).isTrue();
        return r.json().get("items").valueStream().map(s -> s.get("capability_key").asString()).sorted().toList();
    }

    private static Before populate(TestKernel kernel) {
        HttpApi.Response created = kernel.api().post("/admin/owners", kernel.adminToken(),
                Map.of("email", "kept@test.local", "password", OWNER_PASSWORD));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        TestKernel.Owner owner = new TestKernel.Owner(created.json().get("id").asString(), "kept@test.local",
                kernel.login("kept@test.local", OWNER_PASSWORD));
        TestKernel.Agent caller = kernel.newAgent(owner, "caller");
        String capability = kernel.newCapability(Map.of("description", "made before the restart", "lease_seconds", 120));
        TestKernel.Agent worker = kernel.newWorker(capability);

        // An admin's edit of a default capability, which the default catalog must not overwrite on start.
        JsonNode echo = kernel.api().get("/capability-specs/media.echo.v1", kernel.adminToken()).json();
        Map<String, Object> edited = new LinkedHashMap<>();
        edited.put("name", echo.get("name").asString());
        edited.put("description", "edited by the admin");
        edited.put("input_schema", echo.get("input_schema"));
        edited.put("output_schema", echo.get("output_schema"));
        HttpApi.Response put = kernel.api().put("/capability-specs/media.echo.v1", kernel.adminToken(), edited);
        assertThat(put.status()).as(put.toString()).isEqualTo(200);

        String succeeded = kernel.createJob(caller, capability, "done before").get("id").asString();
        String run = kernel.bidAccepted(worker, succeeded).get("task_run_id").asString();
        assertThat(kernel.submit(worker, succeeded, run, Map.of("echo", "done before")).status()).isEqualTo(200);
        String running = kernel.createJob(caller, capability, "running across").get("id").asString();
        String runningRun = kernel.bidAccepted(worker, running).get("task_run_id").asString();
        String queued = kernel.createJob(caller, capability, "queued across").get("id").asString();
        return new Before(owner, caller, worker, capability, queued, running, runningRun, succeeded,
                ownerIds(kernel), capabilityKeys(kernel));
    }

    @Test
    void aRestartKeepsAccountsKeysCatalogAndJobs() {
        String url = TestDatabases.fresh(db);
        TestClock clock = new TestClock();
        Before before;
        try (TestKernel first = TestKernel.startOn(url, clock, Map.of())) {
            assertThat(first.server().bootstrap().created()).isTrue();
            before = populate(first);
        }

        try (TestKernel second = TestKernel.startOn(url, clock, Map.of())) {
            assertThat(second.server().bootstrap().created()).as("no second admin bootstrap").isFalse();
            HttpApi api = second.api();

            // Accounts: the same owners (one admin), the owner's session and password, the agent's key.
            assertThat(ownerIds(second)).isEqualTo(before.ownerIds());
            HttpApi.Response me = api.get("/me", before.owner().token());
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
            assertThat(me.json().get("owner_id").asString()).isEqualTo(before.owner().id());
            second.login("kept@test.local", OWNER_PASSWORD);
            HttpApi.Response agentMe = api.get("/me", before.caller().key());
            assertThat(agentMe.status()).as(agentMe.toString()).isEqualTo(200);
            assertThat(agentMe.json().get("agent_id").asString()).isEqualTo(before.caller().id());
            HttpApi.Response agents = api.get("/agents", before.owner().token());
            assertThat(agents.json().get("items").valueStream().map(a -> a.get("id").asString())).containsExactly(before.caller().id());

            // Catalog: the same keys, the default ones once each, the admin's edit kept.
            assertThat(capabilityKeys(second)).isEqualTo(before.capabilityKeys())
                    .containsOnlyOnce("test.echo.v1", "media.echo.v1", before.capability());
            assertThat(api.get("/capability-specs/media.echo.v1", before.caller().key()).json().get("description").asString())
                    .isEqualTo("edited by the admin");
            JsonNode spec = api.get("/capability-specs/" + before.capability(), before.caller().key()).json();
            assertThat(spec.get("description").asString()).isEqualTo("made before the restart");
            assertThat(spec.get("lease_seconds").asInt()).isEqualTo(120);

            // Workers stay registered.
            HttpApi.Response caps = api.get("/kernel-agents/me/capabilities", before.worker().key());
            assertThat(caps.json().get("capability_keys").valueStream().map(JsonNode::asString)).containsExactly(before.capability());

            // The finished job is as it was.
            JsonNode succeeded = second.job(before.caller(), before.succeededJob());
            assertThat(succeeded.get("status").asString()).isEqualTo("succeeded");
            assertThat(succeeded.get("output").get("echo").asString()).isEqualTo("done before");

            // The running job's lease carries on: heartbeat and submit with the run from before.
            assertThat(second.job(before.caller(), before.runningJob()).get("status").asString()).isEqualTo("running");
            assertThat(second.heartbeat(before.worker(), before.runningJob(), before.runningRun()).status()).isEqualTo(200);
            HttpApi.Response submitted = second.submit(before.worker(), before.runningJob(), before.runningRun(),
                    Map.of("echo", "running across"));
            assertThat(submitted.status()).as(submitted.toString()).isEqualTo(200);
            assertThat(second.eventTypes(before.caller(), before.runningJob()))
                    .containsExactly("created", "bid_accepted", "submitted", "settled");

            // The queued job is offered, bid and finished after the restart.
            HttpApi.Response available = api.get("/kernel-jobs/available?capability_key=" + before.capability()
                    + "&wait_seconds=60", before.worker().key());
            assertThat(available.json().get("jobs").valueStream().map(j -> j.get("job_id").asString()))
                    .containsExactly(before.queuedJob());
            String run = second.bidAccepted(before.worker(), before.queuedJob()).get("task_run_id").asString();
            assertThat(second.submit(before.worker(), before.queuedJob(), run, Map.of("echo", "queued across")).status())
                    .isEqualTo(200);
            JsonNode queued = second.job(before.caller(), before.queuedJob());
            assertThat(queued.get("status").asString()).isEqualTo("succeeded");
            assertThat(queued.get("output").get("echo").asString()).isEqualTo("queued across");
            assertThat(second.eventTypes(before.caller(), before.queuedJob()))
                    .containsExactly("created", "bid_accepted", "submitted", "settled");

            // New work is accepted as before.
            String fresh = second.createJob(before.caller(), before.capability(), "after").get("id").asString();
            assertThat(fresh).isNotIn(before.queuedJob(), before.runningJob(), before.succeededJob());
        }
    }

    @Test
    void repeatedRestartsDuplicateNeitherTheAdminNorTheDefaultCatalog() {
        String url = TestDatabases.fresh(db);
        TestClock clock = new TestClock();
        List<String> owners;
        List<String> capabilities;
        try (TestKernel first = TestKernel.startOn(url, clock, Map.of())) {
            owners = ownerIds(first);
            capabilities = capabilityKeys(first);
        }
        assertThat(owners).hasSize(1);
        assertThat(capabilities).contains("test.echo.v1", "media.echo.v1");

        for (int restart = 0; restart < 3; restart++) {
            // Even a different admin setting does not add an admin to a database that has owners.
            Map<String, String> settings = restart == 0 ? Map.of()
                    : Map.of("CHAOJIYUYAN_ADMIN_EMAIL", "another-admin" + restart + "@test.local");
            try (TestKernel next = TestKernel.startOn(url, clock, settings)) {
                assertThat(next.server().bootstrap().created()).isFalse();
                assertThat(ownerIds(next)).isEqualTo(owners);
                assertThat(capabilityKeys(next)).isEqualTo(capabilities);
                HttpApi.Response list = next.api().get("/admin/owners", next.adminToken());
                assertThat(list.json().get("items").valueStream().filter(o -> o.get("is_admin").asBoolean()).count()).isEqualTo(1);
            }
        }
    }
}
