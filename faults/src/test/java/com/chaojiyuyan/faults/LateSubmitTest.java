package com.chaojiyuyan.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.JobInvariants;
import com.chaojiyuyan.kernel.testing.ProblemJson;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.kernel.testing.WebhookSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * A late submit: a worker's lease runs out (it stalled), the job goes back to the queue and another
 * worker takes it. The stalled worker's submit then arrives, racing the new run's own submit: it is
 * refused with a stable code (410 lease_expired while nobody has taken the job over, 404
 * task_run_not_found once another run has), and the output kept is the re-routed run's.
 */
@Timeout(120)
class LateSubmitTest {
    private static final int JOBS = 30;
    private static final int LEASE_SECONDS = 30;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Db.class)
    void aSubmitAfterTheJobWasReroutedIsRefusedAndTheNewRunsOutputKept(Db db) throws Exception {
        TestClock clock = new TestClock();
        try (WebhookSink sink = WebhookSink.start();
             TestKernel kernel = TestKernel.startOn(TestDatabases.fresh(db), clock, Fixtures.nodeSettings());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Fixtures f = new Fixtures(kernel.api(), sink, Map.of("lease_seconds", LEASE_SECONDS, "heartbeat_seconds", 10));
            HttpApi api = kernel.api();
            TestKernel.Agent stalled = f.newWorker("stalled");
            TestKernel.Agent rescuer = f.newWorker("rescuer");
            List<String> jobs = new ArrayList<>();
            List<String> lateRuns = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                String job = f.createJob(i);
                jobs.add(job);
                lateRuns.add(bid(api, stalled, job));
            }

            clock.advance(Duration.ofSeconds(LEASE_SECONDS + 1));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream()
                    .allMatch(j -> api.get("/kernel-jobs/" + j, f.caller.key()).get("status").asString().equals("queued")));

            // Late, before anyone took over: the lease is gone, and so is the submit.
            for (int i = 0; i < JOBS; i++) {
                ProblemJson.assertProblem(submit(api, stalled, jobs.get(i), lateRuns.get(i)), 410, "lease_expired");
            }

            List<String> newRuns = new ArrayList<>();
            for (String job : jobs) {
                newRuns.add(bid(api, rescuer, job));
            }
            // The stalled worker's submit and the new run's submit race, every job at once.
            List<Future<HttpApi.Response>> late = new ArrayList<>();
            List<Future<HttpApi.Response>> fresh = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                late.add(pool.submit(() -> submit(api, stalled, jobs.get(n), lateRuns.get(n))));
                fresh.add(pool.submit(() -> submit(api, rescuer, jobs.get(n), newRuns.get(n))));
            }
            for (int i = 0; i < JOBS; i++) {
                ProblemJson.assertProblem(late.get(i).get(), 404, "task_run_not_found");
                assertThat(fresh.get(i).get().status()).as("the re-routed run's submit: %s", fresh.get(i).get()).isEqualTo(200);
                // Still refused after the job succeeded, and its heartbeat too.
                ProblemJson.assertProblem(submit(api, stalled, jobs.get(i), lateRuns.get(i)), 404, "task_run_not_found");
                ProblemJson.assertProblem(api.post("/kernel-jobs/" + jobs.get(i) + "/heartbeat", stalled.key(),
                        Map.of("task_run_id", lateRuns.get(i))), 404, "task_run_not_found");
                JsonNode job = kernel.job(f.caller, jobs.get(i));
                assertThat(job.get("output").get("task_run_id").asString()).isEqualTo(newRuns.get(i));
                assertThat(job.get("attempt").asInt()).isEqualTo(2);
            }

            JobInvariants invariants = JobInvariants.on(kernel.server().database().jdbi()).jobs(jobs).callers(List.of(f.caller.id()))
                    .forbiddenRuns(lateRuns).webhooks(sink, Fixtures.CALLBACK_PATH, Fixtures.ENDPOINT_PATH);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> invariants.tally("late_submit").webhooksMissing() == 0);
            var tally = invariants.tally("late_submit_" + db.name().toLowerCase()).printAndAssertClean();
            assertThat(tally.succeeded()).isEqualTo(JOBS);
            f.assertCreditsConserved(JOBS);
        }
    }

    private static String bid(HttpApi api, TestKernel.Agent worker, String job) {
        HttpApi.Response r = api.post("/kernel-jobs/" + job + "/bid", worker.key(), null);
        assertThat(r.status()).as("bid: %s", r).isEqualTo(200);
        assertThat(r.get("accepted").asBoolean()).as("bid: %s", r).isTrue();
        return r.get("task_run_id").asString();
    }

    private static HttpApi.Response submit(HttpApi api, TestKernel.Agent worker, String job, String run) {
        return api.post("/kernel-jobs/" + job + "/submit", worker.key(),
                Map.of("task_run_id", run, "output", Map.of("echo", "from " + run, "task_run_id", run)));
    }
}
