package com.chaojiyuyan.kernel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on one PostgreSQL database: creates racing for an owner's last credits through both nodes
 * still admit exactly what the credits cover, and a job held on one node settles on the other.
 */
@Timeout(180)
class TwoNodeCreditsTest {
    private static final int CALLERS = 20;
    private static final int PRICE = 10;

    private static TestKernel a;
    private static TestKernel b;
    private static String capability;

    @BeforeAll
    static void startTwoNodes() {
        TestDatabases.requirePostgres();
        String url = TestDatabases.freshPostgres();
        TestClock clock = new TestClock();
        a = TestKernel.startOn(url, clock, Map.of("CHAOJIYUYAN_PLATFORM_FEE_PERCENT", "20"));
        b = TestKernel.startOn(url, clock, Map.of("CHAOJIYUYAN_PLATFORM_FEE_PERCENT", "20"));
        capability = a.newCapability(Map.of("price_nc", PRICE));
    }

    @AfterAll
    static void stopNodes() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @RepeatedTest(value = 5, name = "round {currentRepetition}")
    void createsThroughBothNodesForTheLastCreditsAdmitExactlyOne() throws Exception {
        TestKernel.Owner owner = a.newOwner();
        List<TestKernel.Agent> agents = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            agents.add(a.newAgent(owner, "caller-" + i));
        }
        a.grantCredits(owner, 2L * PRICE - 1);

        CountDownLatch start = new CountDownLatch(1);
        List<HttpApi.Response> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpApi.Response>> futures = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                TestKernel node = i % 2 == 0 ? a : b;
                TestKernel.Agent agent = agents.get(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return node.api().post("/kernel-jobs", agent.key(),
                            Map.of("capability_key", capability, "input", Map.of("text", "race")));
                }));
            }
            start.countDown();
            for (Future<HttpApi.Response> f : futures) {
                answers.add(f.get());
            }
        }

        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.status() != 201)
                .allSatisfy(r -> assertThat(r.code()).as("%s", r).isEqualTo("insufficient_balance"));
        for (TestKernel node : List.of(a, b)) {
            assertThat(node.balance(owner.token()).get("available_nc").asLong()).isEqualTo(PRICE - 1);
        }
        LedgerInvariants.check(a);
    }

    @Test
    void aJobCreatedOnOneNodeSettlesOnTheOther() {
        TestKernel.Owner payer = a.newOwner();
        a.grantCredits(payer, 50);
        TestKernel.Agent caller = a.newAgent(payer, "caller");
        TestKernel.Agent worker = a.newWorker(capability);
        String jobId = a.createJob(caller, capability, "x").get("id").asString();

        String run = b.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(b.submit(worker, jobId, run, Map.of("echo", "x")).status()).isEqualTo(200);

        assertThat(a.balance(caller.key()).get("balance_nc").asLong()).isEqualTo(50 - PRICE);
        assertThat(b.balance(worker.key()).get("balance_nc").asLong()).isEqualTo(PRICE - PRICE * 20 / 100);
        LedgerInvariants.check(b);
    }
}
