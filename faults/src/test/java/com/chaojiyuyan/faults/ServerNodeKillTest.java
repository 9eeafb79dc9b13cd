package com.chaojiyuyan.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.JobInvariants;
import com.chaojiyuyan.kernel.testing.ServerProcess;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.kernel.testing.WebhookSink;
import com.chaojiyuyan.sdk.worker.Worker;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of a server node mid-load: two nodes (separate JVMs) on one PostgreSQL database, callers and
 * workers spread over both. While jobs are being created and workers hold leases through both nodes, one
 * node is killed, then restarted on its port. Callers retry their creates on the other node with the same
 * idempotency key; workers of the dead node lose their leases, which the surviving node's sweeper
 * re-queues. Everything completes, once.
 */
@Timeout(180)
class ServerNodeKillTest {
    private static final int JOBS = 40;
    private static final int AFTER_RESTART = 5;

    @Test
    void killingANodeMidLoadLosesNothing() throws Exception {
        TestDatabases.requirePostgres();
        String database = TestDatabases.freshPostgres();
        String blobs = TestKernel.tempDir().toString();
        int victimPort = freePort();
        Map<String, String> settings = new HashMap<>(Fixtures.nodeSettings());
        settings.put("CHAOJIYUYAN_BLOB_DIR", blobs);
        Map<String, String> victimSettings = new HashMap<>(settings);
        victimSettings.put("CHAOJIYUYAN_PORT", Integer.toString(victimPort));

        ServerProcess survivor = ServerProcess.start(database, settings);
        ServerProcess victim = ServerProcess.start(database, victimSettings);
        ServerProcess restarted = null;
        try (WebhookSink sink = WebhookSink.start();
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            int survivorPort = survivor.awaitStart(60).port();
            assertThat(victim.awaitStart(60).port()).isEqualTo(victimPort);
            String survivorApi = "http://127.0.0.1:" + survivorPort + "/api/v1";
            String victimApi = "http://127.0.0.1:" + victimPort + "/api/v1";
            List<HttpApi> nodes = List.of(new HttpApi(survivorApi), new HttpApi(victimApi));
            // Leases of 3 s: a worker cut off with its node loses its jobs quickly.
            Fixtures f = new Fixtures(nodes.get(0), sink, Map.of("lease_seconds", 3, "heartbeat_seconds", 1));

            // Handlers wait at a gate until the node is dead, so leases are held through both nodes at the kill.
            CountDownLatch gate = new CountDownLatch(1);
            ConcurrentLinkedQueue<String> started = new ConcurrentLinkedQueue<>();
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String api = i % 2 == 0 ? survivorApi : victimApi;
                Worker w = f.gatedWorker(api, "worker-" + i, 3, gate, started);
                workers.add(w);
                Thread.ofVirtual().start(w::run);
            }

            List<Future<String>> creates = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                creates.add(callers.submit(() -> f.createJobRetrying(nodes, n, Duration.ofSeconds(90))));
                if (i == JOBS / 2) {
                    // Mid-load: half the creates sent, workers on both nodes holding leases.
                    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> started.size() >= 6);
                    victim.kill();
                    gate.countDown();
                }
            }
            List<String> jobs = new ArrayList<>();
            for (Future<String> c : creates) {
                jobs.add(c.get());
            }
            restarted = ServerProcess.start(database, victimSettings);
            assertThat(restarted.awaitStart(60).port()).isEqualTo(victimPort);
            // The restarted node serves again: jobs created through it complete like the others.
            for (int i = JOBS; i < JOBS + AFTER_RESTART; i++) {
                jobs.add(f.createJobRetrying(List.of(nodes.get(1)), i, Duration.ofSeconds(30)));
            }

            JobInvariants invariants = JobInvariants.on(database).jobs(jobs).callers(List.of(f.caller.id()))
                    .webhooks(sink, Fixtures.CALLBACK_PATH, Fixtures.ENDPOINT_PATH);
            // A delivery claimed by the killed node is sent again once its claim (60 s) runs out.
            Awaitility.await().atMost(Duration.ofSeconds(100)).until(() -> {
                var t = invariants.tally("server_node_kill");
                return t.open() == 0 && t.webhooksMissing() == 0;
            });
            workers.forEach(Worker::stop);
            var tally = invariants.tally("server_node_kill").printAndAssertClean();
            assertThat(tally.succeeded()).isEqualTo(JOBS + AFTER_RESTART);
            f.assertCreditsConserved(JOBS + AFTER_RESTART);
        } finally {
            victim.close();
            survivor.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
