package com.chaojiyuyan.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.JobInvariants;
import com.chaojiyuyan.kernel.testing.ProblemJson;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.kernel.testing.WebhookSink;
import com.chaojiyuyan.sdk.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Workers that heartbeat but never submit (a handler stuck forever): the heartbeats keep the lease, so the
 * job is never re-routed, and it ends at its time to live as {@code expired}, its credit hold released in
 * full. The stuck workers learn it from their next heartbeat (410 job_terminal) and stop; a submit after
 * that is refused the same way. The clock is moved forward, so the TTL of a minute passes at once.
 */
@Timeout(120)
class HeartbeatWithoutSubmitTest {
    private static final int JOBS = 30;
    private static final int LEASE_SECONDS = 30;
    private static final int TTL_SECONDS = 60;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Db.class)
    void aJobHeldByHeartbeatsAloneExpiresAtItsTtlWithItsHoldReleased(Db db) throws Exception {
        TestClock clock = new TestClock();
        try (WebhookSink sink = WebhookSink.start();
             TestKernel kernel = TestKernel.startOn(TestDatabases.fresh(db), clock, Fixtures.nodeSettings())) {
            Fixtures f = new Fixtures(kernel.api(), sink,
                    Map.of("lease_seconds", LEASE_SECONDS, "heartbeat_seconds", 1, "job_ttl_seconds", TTL_SECONDS));
            Queue<String> runs = new ConcurrentLinkedQueue<>();
            Queue<String> stopped = new ConcurrentLinkedQueue<>();
            CountDownLatch never = new CountDownLatch(1);
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                TestKernel.Agent agent = f.newWorker("stuck-" + i);
                Worker w = Worker.builder().baseUrl(kernel.server().apiUrl()).apiKey(agent.key()).concurrency(10)
                        .pollWait(Duration.ofSeconds(5)).onError((job, error) -> { })
                        .handler(f.capability, task -> {
                            runs.add(task.jobId() + " " + task.taskRunId());
                            try {
                                never.await(); // stuck: never returns an output
                            } catch (InterruptedException lost) {
                                // the worker's heartbeat was refused and it interrupted the handler
                                stopped.add(task.taskRunId());
                                throw lost;
                            }
                            return Map.of();
                        })
                        .build();
                workers.add(w);
                Thread.ofVirtual().start(w::run);
            }
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(f.createJob(i));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.size() == JOBS);

            // Past three leases' worth of time in steps shorter than a lease: each step waits until every run
            // has heartbeated past it, so only the heartbeats keep the jobs running.
            for (int step = 0; step < 2; step++) {
                clock.advance(Duration.ofSeconds(LEASE_SECONDS - 5));
                long after = clock.millis();
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> minActiveLease(kernel, jobs) > after + (LEASE_SECONDS - 5) * 1000L);
                assertThat(statuses(f, jobs)).as("still running on heartbeats alone").containsOnly("running");
            }
            clock.advance(Duration.ofSeconds(TTL_SECONDS - 2 * (LEASE_SECONDS - 5) + 1)); // past the TTL
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> statuses(f, jobs).stream().allMatch("expired"::equals));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stopped.size() == JOBS);

            for (String entry : runs) {
                String job = entry.split(" ")[0];
                String run = entry.split(" ")[1];
                JsonNode view = kernel.job(f.caller, job);
                assertThat(view.get("attempt").asInt()).as("never re-routed: %s", view).isEqualTo(1);
                assertThat(view.get("error").get("code").asString()).isEqualTo("expired");
                assertThat(kernel.eventTypes(f.caller, job)).doesNotContain("lease_expired").contains("expired", "settled");
                // A submit now, however valid, is refused with a stable code.
                ProblemJson.assertProblem(f.api.post("/kernel-jobs/" + job + "/submit", workerKeyOf(f, kernel, run),
                        Map.of("task_run_id", run, "output", Map.of("echo", "too late", "task_run_id", run))), 410, "job_terminal");
            }
            workers.forEach(Worker::close);

            JobInvariants invariants = JobInvariants.on(kernel.server().database().jdbi()).jobs(jobs).callers(List.of(f.caller.id()))
                    .forbiddenRuns(runs.stream().map(e -> e.split(" ")[1]).toList())
                    .webhooks(sink, Fixtures.CALLBACK_PATH, Fixtures.ENDPOINT_PATH);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> invariants.tally("heartbeat_no_submit").webhooksMissing() == 0);
            var tally = invariants.tally("heartbeat_no_submit_" + db.name().toLowerCase()).printAndAssertClean();
            assertThat(tally.expired()).isEqualTo(JOBS);
            f.assertCreditsConserved(0);
        }
    }

    private static List<String> statuses(Fixtures f, List<String> jobs) {
        return jobs.stream().map(id -> f.api.get("/kernel-jobs/" + id, f.caller.key()).get("status").asString()).toList();
    }

    private static long minActiveLease(TestKernel kernel, List<String> jobs) {
        return kernel.server().database().read(h -> h.createQuery(
                        "SELECT MIN(lease_expires_at) FROM task_runs WHERE status = 'active' AND job_id IN (<ids>)")
                .bindList("ids", jobs).mapTo(Long.class).one());
    }

    /** The key of the worker agent that holds {@code run}: looked up from the workers the scenario made. */
    private static String workerKeyOf(Fixtures f, TestKernel kernel, String run) {
        String agentId = kernel.server().database().read(h -> h.createQuery("SELECT worker_agent_id FROM task_runs WHERE id = :id")
                .bind("id", run).mapTo(String.class).one());
        return f.keyOf(agentId);
    }
}
