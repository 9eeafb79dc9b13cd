package com.chaojiyuyan.kernel.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Credits are neither created nor lost: while many jobs of several owners run at once and end every
 * way a job can end (success, failure, retry, cancellation, lease expiry, time to live), with a
 * platform fee taken, the sum over all accounts stays zero at every moment, and what owners and the
 * platform hold together stays what was granted.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(180)
class CreditConservationTest {
    private static final int PRICE = 17;
    private static final int JOBS = 60;

    @Parameter
    Db db;

    private static TestKernel kernel;

    @BeforeParameterizedClassInvocation
    static void startKernel(Db db) {
        kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), Map.of("CHAOJIYUYAN_PLATFORM_FEE_PERCENT", "10"));
    }

    @AfterParameterizedClassInvocation
    static void stopKernel() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
    }

    /** What a job's task does with it. */
    private enum Fate { SUCCEED, FAIL, CANCEL_QUEUED, CANCEL_RUNNING, RETRY_THEN_SUCCEED, GENEROUS_BUDGET, LEFT_QUEUED, ABANDONED, REFUSED }

    @Test
    void theSumOverAllAccountsNeverChangesWhileJobsEndEveryWay() throws Exception {
        String capability = kernel.newCapability(Map.of("price_nc", PRICE, "lease_seconds", 10, "max_attempts", 2,
                "job_ttl_seconds", 120));
        List<TestKernel.Owner> owners = new ArrayList<>();
        List<TestKernel.Agent> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            TestKernel.Owner owner = kernel.newOwner();
            kernel.grantCredits(owner, 1000);
            owners.add(owner);
            callers.add(kernel.newAgent(owner, "caller a"));
            callers.add(kernel.newAgent(owner, "caller b"));
        }
        // Workers of owners that only work, and of the calling owners too: owners pay each other both
        // ways at once, so settlements lock the same accounts from both sides.
        List<TestKernel.Owner> workerOwners = new ArrayList<>(owners);
        for (int i = 0; i < 3; i++) {
            TestKernel.Owner owner = kernel.newOwner();
            owners.add(owner);
            workerOwners.add(owner);
        }
        List<TestKernel.Agent> workers = new ArrayList<>();
        for (TestKernel.Owner owner : workerOwners) {
            TestKernel.Agent worker = kernel.newAgent(owner, "worker");
            assertThat(kernel.api().post("/kernel-agents/me/capabilities", worker.key(),
                    Map.of("capability_keys", List.of(capability))).status()).isEqualTo(200);
            workers.add(worker);
        }
        JsonNode before = summary();
        assertThat(before.get("issued_nc").asLong()).isEqualTo(4000);
        assertThat(before.get("total_nc").asLong()).isZero();
        long ownersAndPlatformBefore = ownersTotal(owners) + before.get("platform_nc").asLong();

        // A reader sums every account, over and over, while the jobs run: any committed state must balance.
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> unbalanced = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<String> idle = new CopyOnWriteArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                while (running.get() || reads == 0) {
                    long total = LedgerInvariants.totalOverAllAccounts(kernel);
                    if (total != 0) {
                        unbalanced.add(total);
                    }
                    reads++;
                }
                return reads;
            });
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                Fate fate = Fate.values()[i % Fate.values().length];
                TestKernel.Agent caller = callers.get(i % callers.size());
                TestKernel.Agent worker = workers.get((i * 3) % workers.size());
                TestKernel.Agent other = workers.get((i * 3 + 1) % workers.size());
                tasks.add(pool.submit(() -> {
                    start.await();
                    String left = play(fate, capability, caller, worker, other);
                    if (left != null) {
                        idle.add(left);
                    }
                    return null;
                }));
            }
            start.countDown();
            try {
                for (Future<?> task : tasks) {
                    task.get();
                }
            } finally {
                running.set(false);
            }
            assertThat(reader.get()).as("reads while jobs ran").isPositive();
        }
        assertThat(unbalanced).as("totals over all accounts read while jobs ran").isEmpty();
        LedgerInvariants.check(kernel);

        // Abandoned runs lose their leases and are queued again, still holding their one hold; then every
        // open job outlives its time to live.
        kernel.clock().advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(30)).until(() -> idle.stream().allMatch(id -> status(id).equals("queued")));
        LedgerInvariants.check(kernel);
        kernel.clock().advance(Duration.ofSeconds(121));
        await().atMost(Duration.ofSeconds(30)).until(() -> idle.stream().allMatch(id -> status(id).equals("expired")));

        LedgerInvariants.check(kernel);
        JsonNode after = summary();
        assertThat(after.get("total_nc").asLong()).isZero();
        assertThat(after.get("issued_nc").asLong()).as("issued").isEqualTo(4000);
        assertThat(after.get("held_nc").asLong()).as("nothing held once every job ended").isZero();
        assertThat(after.get("platform_nc").asLong()).as("the platform collected fees").isPositive();
        assertThat(ownersTotal(owners) + after.get("platform_nc").asLong()).as("owners' and platform's credits, through the API")
                .isEqualTo(ownersAndPlatformBefore);
        long paidJobs = kernel.server().database().read(h -> h.createQuery(
                "SELECT COUNT(*) FROM jobs WHERE capability_key = :cap AND status = 'succeeded'")
                .bind("cap", capability).mapTo(Long.class).one());
        assertThat(paidJobs).isPositive();
        assertThat(after.get("platform_nc").asLong() - before.get("platform_nc").asLong())
                .as("10%% of %d nc, rounded down, per succeeded job", PRICE).isEqualTo(paidJobs * (PRICE * 10 / 100));
    }

    /** Plays one job to its fate; answers its id when it is left open for the clock to end. */
    private static String play(Fate fate, String capability, TestKernel.Agent caller, TestKernel.Agent worker,
                               TestKernel.Agent other) {
        long budget = fate == Fate.GENEROUS_BUDGET ? PRICE + 5 : fate == Fate.REFUSED ? 10_000 : PRICE;
        HttpApi.Response created = kernel.api().post("/kernel-jobs", caller.key(),
                Map.of("capability_key", capability, "input", Map.of("text", fate.name()), "max_budget_nc", budget));
        if (fate == Fate.REFUSED) {
            assertThat(created.status()).as("%s", created).isEqualTo(402);
            return null;
        }
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String jobId = created.json().get("id").asString();
        switch (fate) {
            case LEFT_QUEUED -> {
                return jobId;
            }
            case CANCEL_QUEUED -> expect(kernel.api().post("/kernel-jobs/" + jobId + "/cancel", caller.key(), null), 200);
            default -> {
            }
        }
        if (fate == Fate.CANCEL_QUEUED) {
            return null;
        }
        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        switch (fate) {
            case SUCCEED, GENEROUS_BUDGET -> expect(kernel.submit(worker, jobId, run, Map.of("echo", "done")), 200);
            case FAIL -> expect(fail(worker, jobId, run, false), 200);
            case CANCEL_RUNNING -> expect(kernel.api().post("/kernel-jobs/" + jobId + "/cancel", caller.key(), null), 200);
            case RETRY_THEN_SUCCEED -> {
                expect(fail(worker, jobId, run, true), 200);
                String second = kernel.bidAccepted(other, jobId).get("task_run_id").asString();
                expect(kernel.submit(other, jobId, second, Map.of("echo", "second time")), 200);
            }
            case ABANDONED -> {
                return jobId;
            }
            default -> throw new IllegalStateException(fate.name());
        }
        return null;
    }

    private static HttpApi.Response fail(TestKernel.Agent worker, String jobId, String run, boolean retryable) {
        return kernel.api().post("/kernel-jobs/" + jobId + "/fail", worker.key(), Map.of("task_run_id", run,
                "error", Map.of("code", "nope", "message", "could not"), "retryable", retryable));
    }

    private static void expect(HttpApi.Response r, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
    }

    private static String status(String jobId) {
        return kernel.server().database().read(h -> h.createQuery("SELECT status FROM jobs WHERE id = :id")
                .bind("id", jobId).mapTo(String.class).one());
    }

    private static JsonNode summary() {
        HttpApi.Response r = kernel.api().get("/admin/ledger/summary", kernel.adminToken());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    /** The owners' balances (held credits included), read through /me/balance. */
    private static long ownersTotal(List<TestKernel.Owner> owners) {
        return owners.stream().mapToLong(o -> kernel.balance(o.token()).get("balance_nc").asLong()).sum();
    }
}
