package com.chaojiyuyan.kernel.workers;

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
import tools.jackson.databind.JsonNode;

/**
 * First come, first served under contention: of many workers bidding on one queued job at the same
 * instant, exactly one wins the lease; every other bidder is told, normally, that the job is taken.
 */
class BidRaceTest extends ContractTest {
    private static final int BIDDERS = 50;

    private static String capability;
    private static TestKernel.Agent caller;
    private static List<TestKernel.Agent> bidders;

    /** Runs after the base class has started this database's kernel. */
    @BeforeParameterizedClassInvocation
    static void enlistBidders() {
        capability = kernel.newCapability();
        caller = kernel.newAgent();
        TestKernel.Owner owner = kernel.newOwner();
        bidders = new ArrayList<>();
        for (int i = 0; i < BIDDERS; i++) {
            TestKernel.Agent agent = kernel.newAgent(owner, "bidder-" + i);
            HttpApi.Response r = kernel.api().post("/kernel-agents/me/capabilities", agent.key(),
                    Map.of("capability_keys", List.of(capability)));
            assertThat(r.status()).as("register bidder: %s", r).isEqualTo(200);
            bidders.add(agent);
        }
    }

    @RepeatedTest(value = 20, name = "round {currentRepetition}")
    void exactlyOneOfFiftyConcurrentBiddersWins() throws Exception {
        String jobId = kernel.createJob(caller, capability, "race").get("id").asString();

        List<HttpApi.Response> answers = bidAllAtOnce(jobId);

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as("%s", r).isEqualTo(200));
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            JsonNode answer = answers.get(i).json();
            if (answer.get("accepted").asBoolean()) {
                winners.add(i);
            } else {
                assertThat(answer.get("reason").asString()).as("loser %d: %s", i, answer).isEqualTo("already_taken");
                assertThat(answer.get("task_run_id")).as("loser %d: %s", i, answer).isNull();
            }
        }
        assertThat(winners).as("winners").hasSize(1);
        TestKernel.Agent winner = bidders.get(winners.get(0));
        JsonNode won = answers.get(winners.get(0)).json();
        String run = won.get("task_run_id").asString();
        assertThat(won.get("job").get("attempt").asInt()).isEqualTo(1);

        JsonNode job = kernel.job(caller, jobId);
        assertThat(job.get("status").asString()).isEqualTo("running");
        assertThat(job.get("attempt").asInt()).isEqualTo(1);
        List<JsonNode> accepted = events(jobId).stream().filter(e -> e.get("type").asString().equals("bid_accepted")).toList();
        assertThat(accepted).hasSize(1);
        assertThat(accepted.get(0).get("data").get("task_run_id").asString()).isEqualTo(run);
        assertThat(accepted.get(0).get("data").get("worker_agent_id").asString()).isEqualTo(winner.id());

        HttpApi.Response submitted = kernel.submit(winner, jobId, run, Map.of("echo", "race"));
        assertThat(submitted.status()).as("%s", submitted).isEqualTo(200);
    }

    /** Every bidder bids on {@code jobId} from its own virtual thread, all released by one latch. */
    private static List<HttpApi.Response> bidAllAtOnce(String jobId) throws Exception {
        CountDownLatch ready = new CountDownLatch(BIDDERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpApi.Response>> bids = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (TestKernel.Agent bidder : bidders) {
                bids.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return kernel.api().post("/kernel-jobs/" + jobId + "/bid", bidder.key(), null);
                }));
            }
            ready.await();
            go.countDown();
        }
        List<HttpApi.Response> answers = new ArrayList<>();
        for (Future<HttpApi.Response> bid : bids) {
            answers.add(bid.get());
        }
        return answers;
    }

    private static List<JsonNode> events(String jobId) {
        HttpApi.Response r = kernel.api().get("/kernel-jobs/" + jobId + "/events", caller.key());
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json().get("items").valueStream().toList();
    }
}
