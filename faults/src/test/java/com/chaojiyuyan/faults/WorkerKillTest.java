package com.chaojiyuyan.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.JobInvariants;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.kernel.testing.WebhookSink;
import com.chaojiyuyan.sdk.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 of a worker process in the middle of its leases: a real SDK worker in its own JVM holds jobs
 * (heartbeating, never submitting) when it is killed. Its leases (2 s) run out, the sweeper puts the jobs
 * back in the queue, another worker takes them and succeeds; the killed runs' output never lands.
 */
@Timeout(120)
class WorkerKillTest {
    private static final int JOBS = 30;
    private static final int HELD_BY_VICTIM = 4;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Db.class)
    void jobsHeldByAKilledWorkerAreReroutedAndSucceed(Db db) throws Exception {
        try (WebhookSink sink = WebhookSink.start();
             TestKernel kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), Fixtures.nodeSettings())) {
            Fixtures f = new Fixtures(kernel.api(), sink, Map.of("lease_seconds", 2, "heartbeat_seconds", 1));
            TestKernel.Agent victimAgent = f.newWorker("victim");
            List<String> jobs = new ArrayList<>();
            List<WorkerProcess.Held> held;
            try (WorkerProcess victim = WorkerProcess.start(kernel.server().apiUrl(), victimAgent.key(), f.capability, HELD_BY_VICTIM)) {
                for (int i = 0; i < JOBS; i++) {
                    jobs.add(f.createJob(i));
                }
                held = victim.awaitHolding(HELD_BY_VICTIM, 60);
                try (Worker healthy = f.echoWorker(kernel.server().apiUrl(), "healthy", 4)) {
                    Thread.ofVirtual().start(healthy::run);
                    // Mid-load: the healthy worker is working through the queue while the victim holds its leases.
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> f.succeededCount() >= 5);
                    victim.kill();
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> f.succeededCount() == JOBS);
                }
            }
            List<String> killedRuns = held.stream().map(WorkerProcess.Held::taskRunId).toList();
            for (WorkerProcess.Held h : held) {
                JsonNode job = kernel.job(f.caller, h.jobId());
                assertThat(job.get("attempt").asInt()).as("re-routed after the kill: %s", job).isGreaterThanOrEqualTo(2);
                assertThat(job.get("output").get("task_run_id").asString()).isNotIn(killedRuns);
                assertThat(kernel.eventTypes(f.caller, h.jobId())).contains("lease_expired");
            }
            JobInvariants invariants = JobInvariants.on(kernel.server().database().jdbi()).jobs(jobs).callers(List.of(f.caller.id()))
                    .forbiddenRuns(killedRuns).webhooks(sink, Fixtures.CALLBACK_PATH, Fixtures.ENDPOINT_PATH);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> invariants.tally("worker_kill_" + db.name().toLowerCase()).webhooksMissing() == 0);
            invariants.tally("worker_kill_" + db.name().toLowerCase()).printAndAssertClean();
            f.assertCreditsConserved(JOBS);
        }
    }
}
