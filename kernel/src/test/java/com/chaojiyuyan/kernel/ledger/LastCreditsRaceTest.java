package com.chaojiyuyan.kernel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * Holds are exact under concurrency: many agents of one owner creating jobs at the same instant can
 * together hold no more than the owner has. Of creates racing for the last credits, exactly as many
 * succeed as the credits cover; every other one is refused with 402.
 */
class LastCreditsRaceTest extends ContractTest {
    private static final int CALLERS = 20;
    private static final int PRICE = 10;

    private static String capability;

    @BeforeParameterizedClassInvocation
    static void priceACapability() {
        capability = kernel.newCapability(Map.of("price_nc", PRICE));
    }

    @RepeatedTest(value = 10, name = "round {currentRepetition}")
    void ofTwentyConcurrentCreatesForTheLastCreditsExactlyOneIsAccepted() throws Exception {
        TestKernel.Owner owner = kernel.newOwner();
        List<TestKernel.Agent> agents = agents(owner);
        // Enough for one job, one credit short of a second.
        kernel.grantCredits(owner, 2L * PRICE - 1);

        List<HttpApi.Response> answers = createAllAtOnce(agents);

        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).filteredOn(r -> r.status() != 201)
                .allSatisfy(r -> assertThat(r.code()).as("%s", r).isEqualTo("insufficient_balance"));
        CreditHoldsTest.assertBalance(owner.token(), 2L * PRICE - 1, PRICE, PRICE - 1);
        LedgerInvariants.check(kernel);
    }

    @RepeatedTest(value = 5, name = "round {currentRepetition}")
    void concurrentCreatesHoldExactlyWhatTheCreditsCover() throws Exception {
        TestKernel.Owner owner = kernel.newOwner();
        List<TestKernel.Agent> agents = agents(owner);
        kernel.grantCredits(owner, 7L * PRICE + 5);

        List<HttpApi.Response> answers = createAllAtOnce(agents);

        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(7);
        assertThat(answers).filteredOn(r -> r.status() != 201).hasSize(CALLERS - 7)
                .allSatisfy(r -> assertThat(r.code()).as("%s", r).isEqualTo("insufficient_balance"));
        CreditHoldsTest.assertBalance(owner.token(), 7L * PRICE + 5, 7L * PRICE, 5);
        LedgerInvariants.check(kernel);
    }

    private static List<TestKernel.Agent> agents(TestKernel.Owner owner) {
        List<TestKernel.Agent> agents = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            agents.add(kernel.newAgent(owner, "caller-" + i));
        }
        return agents;
    }

    /** Every agent creates one job; all requests are released together by a latch. */
    private static List<HttpApi.Response> createAllAtOnce(List<TestKernel.Agent> agents) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpApi.Response>> futures = new ArrayList<>();
            for (TestKernel.Agent agent : agents) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return kernel.api().post("/kernel-jobs", agent.key(),
                            Map.of("capability_key", capability, "input", Map.of("text", "race")));
                }));
            }
            start.countDown();
            List<HttpApi.Response> answers = new ArrayList<>();
            for (Future<HttpApi.Response> f : futures) {
                answers.add(f.get());
            }
            return answers;
        }
    }
}
