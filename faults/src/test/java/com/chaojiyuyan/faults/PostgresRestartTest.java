package com.chaojiyuyan.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.JobInvariants;
import com.chaojiyuyan.kernel.testing.PrometheusText;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.kernel.testing.WebhookSink;
import com.chaojiyuyan.sdk.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL restarted mid-load (immediate mode: every connection cut, recovery from the log), on a
 * private cluster: two nodes serve it, callers create through one while workers long-poll through the
 * other. The nodes must recover by themselves: the pool replaces its dead connections, the listener
 * reconnects (so a job created on one node still wakes a worker parked on the other), the sweepers and
 * the webhook dispatcher carry on. Callers meanwhile see a clear 503 they can retry, never a 500.
 */
@Timeout(180)
class PostgresRestartTest {
    private static final int JOBS = 40;

    @Test
    void nodesRecoverFromADatabaseRestartByThemselves() throws Exception {
        try (PrivatePostgres pg = PrivatePostgres.start();
             WebhookSink sink = WebhookSink.start();
             TestKernel front = TestKernel.startOn(pg.jdbcUrl(), new TestClock(), Fixtures.nodeSettings());
             TestKernel back = TestKernel.startOn(pg.jdbcUrl(), new TestClock(), Fixtures.nodeSettings());
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Fixtures f = new Fixtures(front.api(), sink, Map.of("lease_seconds", 3, "heartbeat_seconds", 1));
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Worker w = f.echoWorker(back.server().apiUrl(), "worker-" + i, 2);
                workers.add(w);
                Thread.ofVirtual().start(w::run);
            }
            List<HttpApi> frontOnly = List.of(front.api());
            List<Future<String>> creates = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                creates.add(callers.submit(() -> f.createJobRetrying(frontOnly, n, Duration.ofSeconds(90))));
                if (i == JOBS / 2) {
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> f.succeededCount() >= 3);
                    pg.restartImmediately();
                }
            }
            List<String> jobs = new ArrayList<>();
            for (Future<String> c : creates) {
                jobs.add(c.get());
            }

            JobInvariants invariants = JobInvariants.on(front.server().database().jdbi()).jobs(jobs)
                    .callers(List.of(f.caller.id())).webhooks(sink, Fixtures.CALLBACK_PATH, Fixtures.ENDPOINT_PATH);
            Awaitility.await().atMost(Duration.ofSeconds(100)).ignoreExceptions().until(() -> {
                var t = invariants.tally("postgres_restart");
                return t.open() == 0 && t.webhooksMissing() == 0;
            });
            workers.forEach(Worker::stop);

            // Both nodes are ready again, and the back node's listener is back: a worker parked there is woken
            // by a job created on the front node at once, not when its long-poll times out.
            assertThat(front.api().get(front.server().publicUrl() + "/readyz", null).status()).isEqualTo(200);
            assertThat(back.api().get(back.server().publicUrl() + "/readyz", null).status()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> waiting(back) == 0); // the stopped workers' polls
            TestKernel.Agent parked = f.newWorker("parked");
            CompletableFuture<HttpApi.Response> poll = CompletableFuture.supplyAsync(() -> back.api().get(
                    "/kernel-jobs/available?wait_seconds=60&capability_key=" + f.capability, parked.key()), Thread::startVirtualThread);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waiting(back) == 1);
            jobs.add(f.createJob(JOBS));
            HttpApi.Response offered = poll.get(20, TimeUnit.SECONDS);
            assertThat(offered.json().get("jobs")).as("woken through LISTEN/NOTIFY after the restart: %s", offered).hasSize(1);
            HttpApi.Response bid = back.api().post("/kernel-jobs/" + jobs.getLast() + "/bid", parked.key(), null);
            String run = bid.get("task_run_id").asString();
            assertThat(back.api().post("/kernel-jobs/" + jobs.getLast() + "/submit", parked.key(),
                    Map.of("task_run_id", run, "output", Map.of("echo", "after", "task_run_id", run))).status()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> invariants.tally("postgres_restart").webhooksMissing() == 0);

            var tally = JobInvariants.on(front.server().database().jdbi()).jobs(jobs).callers(List.of(f.caller.id()))
                    .webhooks(sink, Fixtures.CALLBACK_PATH, Fixtures.ENDPOINT_PATH).tally("postgres_restart").printAndAssertClean();
            assertThat(tally.succeeded()).isEqualTo(JOBS + 1);
            f.assertCreditsConserved(JOBS + 1);
        }
    }

    /** Long-polls parked on {@code node}, from its metrics. */
    private static double waiting(TestKernel node) {
        return PrometheusText.scrape(node).sum("chaojiyuyan_waiting_long_polls");
    }
}
