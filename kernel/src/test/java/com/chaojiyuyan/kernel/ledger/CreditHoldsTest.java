package com.chaojiyuyan.kernel.ledger;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A job's creation holds its budget on its owner's credits; its end settles them: on success the price
 * goes to the worker's owner and the rest of the hold comes back, on any other end all of it comes
 * back. Retries keep the one hold. A budget the owner cannot cover is refused with 402, leaving no trace.
 */
class CreditHoldsTest extends ContractTest {
    private static final int PRICE = 7;

    @AfterEach
    void booksBalance() {
        LedgerInvariants.check(kernel);
    }

    @Test
    void aSucceededJobPaysThePriceToTheWorkersOwnerAndReleasesTheRestOfTheHold() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(100);
        TestKernel.Agent worker = kernel.newWorker(capability);

        String jobId = create(caller.agent, capability, 10).get("id").asString();
        assertBalance(caller.agent.key(), 100, 10, 90);

        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertBalance(caller.agent.key(), 100, 10, 90);
        HttpApi.Response submitted = kernel.submit(worker, jobId, run, Map.of("echo", "hi"));
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(200);
        assertThat(kernel.job(caller.agent, jobId).get("cost_nc").asLong()).isEqualTo(PRICE);

        assertBalance(caller.agent.key(), 100 - PRICE, 0, 100 - PRICE);
        assertBalance(worker.key(), PRICE, 0, PRICE);
        assertThat(kinds(caller.agent.key())).containsExactly("charge", "release", "hold", "grant");
        List<JsonNode> workerEntries = entries(worker.key());
        assertThat(workerEntries).hasSize(1);
        assertThat(workerEntries.get(0).get("kind").asString()).isEqualTo("payout");
        assertThat(workerEntries.get(0).get("amount_nc").asLong()).isEqualTo(PRICE);
        assertThat(workerEntries.get(0).get("job_id").asString()).isEqualTo(jobId);
        assertThat(workerEntries.get(0).get("balance_after_nc").asLong()).isEqualTo(PRICE);
    }

    @Test
    void theCallersEntriesTellTheStoryWithBalancesAfterEach() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(50);
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = create(caller.agent, capability, 12).get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "hi")).status()).isEqualTo(200);

        List<JsonNode> entries = entries(caller.owner.token());
        assertThat(entries).extracting(e -> e.get("kind").asString()).containsExactly("charge", "release", "hold", "grant");
        assertThat(entries).extracting(e -> e.get("amount_nc").asLong()).containsExactly(-7L, 12L, -12L, 50L);
        assertThat(entries).extracting(e -> e.get("balance_after_nc").asLong()).containsExactly(43L, 50L, 38L, 50L);
        assertThat(entries.subList(0, 3)).allSatisfy(e -> assertThat(e.get("job_id").asString()).isEqualTo(jobId));
        assertThat(entries.get(3).get("job_id").isNull()).isTrue();
    }

    @Test
    void aFailedJobReleasesItsWholeHold() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(20);
        TestKernel.Agent worker = kernel.newWorker(capability);
        String jobId = create(caller.agent, capability, PRICE).get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();

        HttpApi.Response failed = kernel.api().post("/kernel-jobs/" + jobId + "/fail", worker.key(), Map.of("task_run_id", run,
                "error", Map.of("code", "broken", "message", "cannot"), "retryable", false));
        assertThat(failed.status()).as("%s", failed).isEqualTo(200);

        assertBalance(caller.agent.key(), 20, 0, 20);
        assertBalance(worker.key(), 0, 0, 0);
        assertThat(kinds(caller.agent.key())).containsExactly("release", "hold", "grant");
    }

    @Test
    void aCancelledJobReleasesItsWholeHold() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(20);
        String queued = create(caller.agent, capability, PRICE).get("id").asString();
        String running = create(caller.agent, capability, PRICE).get("id").asString();
        kernel.bidAccepted(kernel.newWorker(capability), running);
        assertBalance(caller.agent.key(), 20, 14, 6);

        assertThat(kernel.api().post("/kernel-jobs/" + queued + "/cancel", caller.agent.key(), null).status()).isEqualTo(200);
        assertBalance(caller.agent.key(), 20, 7, 13);
        assertThat(kernel.api().post("/kernel-jobs/" + running + "/cancel", caller.owner.token(), null).status()).isEqualTo(200);
        assertBalance(caller.agent.key(), 20, 0, 20);
        assertThat(kernel.api().post("/kernel-jobs/" + running + "/cancel", caller.owner.token(), null).status())
                .as("a second cancel settles nothing again").isEqualTo(200);
        assertBalance(caller.agent.key(), 20, 0, 20);
    }

    @Test
    void anExpiredJobReleasesItsWholeHold() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE, "job_ttl_seconds", 60));
        Party caller = party(10);
        String jobId = create(caller.agent, capability, 10).get("id").asString();
        assertBalance(caller.agent.key(), 10, 10, 0);

        kernel.clock().advance(Duration.ofSeconds(61));

        awaitStatus(caller.agent, jobId, "expired");
        assertBalance(caller.agent.key(), 10, 0, 10);
    }

    @Test
    void retriesAfterLeaseExpiryKeepTheOneHoldAndChargeOnce() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE, "lease_seconds", 10, "max_attempts", 3));
        Party caller = party(10);
        TestKernel.Agent first = kernel.newWorker(capability);
        TestKernel.Agent second = kernel.newWorker(capability);
        String jobId = create(caller.agent, capability, 10).get("id").asString();

        kernel.bidAccepted(first, jobId);
        kernel.clock().advance(Duration.ofSeconds(11));
        awaitStatus(caller.agent, jobId, "queued");
        assertBalance(caller.agent.key(), 10, 10, 0);
        LedgerInvariants.check(kernel);

        String run = kernel.bidAccepted(second, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(second, jobId, run, Map.of("echo", "at last")).status()).isEqualTo(200);
        assertThat(kernel.submit(second, jobId, run, Map.of("echo", "at last")).status())
                .as("a repeated submit settles nothing again").isEqualTo(200);

        assertBalance(caller.agent.key(), 10 - PRICE, 0, 10 - PRICE);
        assertBalance(first.key(), 0, 0, 0);
        assertBalance(second.key(), PRICE, 0, PRICE);
        assertThat(kinds(caller.agent.key())).containsExactly("charge", "release", "hold", "grant");
    }

    @Test
    void aJobWhoseBudgetExceedsTheAvailableCreditsIsRefusedAndLeavesNoTrace() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(10);
        create(caller.agent, capability, 8);
        TestKernel.Agent watcher = kernel.newWorker(capability);

        HttpApi.Response refused = kernel.api().post("/kernel-jobs", caller.agent.key(),
                Map.of("capability_key", capability, "input", Map.of("text", "too much"), "max_budget_nc", PRICE));
        JsonNode problem = assertProblem(refused, 402, "insufficient_balance");
        assertThat(problem.get("available_nc").asLong()).isEqualTo(2);
        assertThat(problem.get("required_nc").asLong()).isEqualTo(PRICE);

        assertBalance(caller.agent.key(), 10, 8, 2);
        assertThat(kernel.api().get("/kernel-jobs", caller.agent.key()).json().get("items").size()).as("jobs").isEqualTo(1);
        assertThat(kernel.api().get("/kernel-jobs/available?capability_key=" + capability, watcher.key()).json()
                .get("jobs").size()).as("jobs a worker sees").isEqualTo(1);
        assertThat(kinds(caller.agent.key())).containsExactly("hold", "grant");
        long refusedJobs = kernel.server().database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM jobs WHERE owner_id = :owner").bind("owner", caller.owner.id()).mapTo(Long.class).one());
        assertThat(refusedJobs).as("job rows of the owner").isEqualTo(1);
        long events = kernel.server().database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM job_events e JOIN jobs j ON j.id = e.job_id WHERE j.owner_id = :owner")
                .bind("owner", caller.owner.id()).mapTo(Long.class).one());
        assertThat(events).as("events of the owner's jobs: the one job's 'created'").isEqualTo(1);
    }

    @Test
    void anOwnerWithNoCreditsIsRefusedAPricedJob() {
        String capability = kernel.newCapability(Map.of("price_nc", 1));
        TestKernel.Agent broke = kernel.newAgent();
        assertProblem(kernel.api().post("/kernel-jobs", broke.key(),
                Map.of("capability_key", capability, "input", Map.of("text", "x"))), 402, "insufficient_balance");
        assertBalance(broke.key(), 0, 0, 0);
    }

    @Test
    void freeJobsNeedNoCreditsAndWriteNoEntries() {
        TestKernel.Agent caller = kernel.newAgent();
        TestKernel.Agent worker = kernel.newWorker("test.echo.v1");
        String jobId = kernel.createJob(caller, "test.echo.v1", "free").get("id").asString();
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(worker, jobId, run, Map.of("echo", "free")).status()).isEqualTo(200);

        assertBalance(caller.key(), 0, 0, 0);
        assertThat(entries(caller.key())).isEmpty();
        assertThat(entries(worker.key())).isEmpty();
    }

    @Test
    void anIdempotentReplayHoldsNothingMore() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(10);
        Map<String, Object> request = Map.of("capability_key", capability, "input", Map.of("text", "once"), "idempotency_key", "k1");
        assertThat(kernel.api().post("/kernel-jobs", caller.agent.key(), request).status()).isEqualTo(201);
        assertThat(kernel.api().post("/kernel-jobs", caller.agent.key(), request).status()).isEqualTo(200);
        assertBalance(caller.agent.key(), 10, PRICE, 10 - PRICE);
    }

    @Test
    void aWorkerOfTheSameOwnerIsPaidByItsOwnOwner() {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE));
        Party caller = party(10);
        TestKernel.Agent sibling = kernel.newAgent(caller.owner, "sibling worker");
        assertThat(kernel.api().post("/kernel-agents/me/capabilities", sibling.key(),
                Map.of("capability_keys", List.of(capability))).status()).isEqualTo(200);
        String jobId = create(caller.agent, capability, PRICE).get("id").asString();
        String run = kernel.bidAccepted(sibling, jobId).get("task_run_id").asString();
        assertThat(kernel.submit(sibling, jobId, run, Map.of("echo", "mine")).status()).isEqualTo(200);

        assertBalance(caller.agent.key(), 10, 0, 10);
        assertThat(kinds(caller.agent.key())).containsExactly("payout", "charge", "release", "hold", "grant");
    }

    // ---- fixtures ------------------------------------------------------------------------------

    private record Party(TestKernel.Owner owner, TestKernel.Agent agent) {
    }

    /** An owner granted {@code credits}, with one agent. */
    private static Party party(long credits) {
        TestKernel.Owner owner = kernel.newOwner();
        kernel.grantCredits(owner, credits);
        return new Party(owner, kernel.newAgent(owner, "caller"));
    }

    private static JsonNode create(TestKernel.Agent caller, String capability, long budget) {
        HttpApi.Response r = kernel.api().post("/kernel-jobs", caller.key(),
                Map.of("capability_key", capability, "input", Map.of("text", "t"), "max_budget_nc", budget));
        assertThat(r.status()).as("create: %s", r).isEqualTo(201);
        return r.json();
    }

    static void assertBalance(String token, long balance, long held, long available) {
        JsonNode b = kernel.balance(token);
        assertThat(List.of(b.get("balance_nc").asLong(), b.get("held_nc").asLong(), b.get("available_nc").asLong()))
                .as("balance, held, available: %s", b).containsExactly(balance, held, available);
    }

    private static List<JsonNode> entries(String token) {
        HttpApi.Response r = kernel.api().get("/me/ledger", token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("items").valueStream().toList();
    }

    private static List<String> kinds(String token) {
        return entries(token).stream().map(e -> e.get("kind").asString()).toList();
    }

    private static void awaitStatus(TestKernel.Agent caller, String jobId, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> kernel.job(caller, jobId).get("status").asString(), status::equals);
    }
}
