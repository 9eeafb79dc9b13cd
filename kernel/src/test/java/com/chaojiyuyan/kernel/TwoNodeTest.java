package com.chaojiyuyan.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.PrometheusText;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes on one PostgreSQL database, sharing one clock: wake-ups, job watches, bids, lease sweeps
 * and cancellations all cross from one node to the other.
 *
 * <p>Long-polls and watches ask for 60 s and must answer within 30 s of the event that releases them,
 * so an answer that only came from the timeout (a lost cross-node signal) fails the test.
 */
@Timeout(180)
class TwoNodeTest {
    private static final long RELEASE_SECONDS = 30;
    private static final ExecutorService REQUESTS = Executors.newVirtualThreadPerTaskExecutor();

    private static TestKernel a;
    private static TestKernel b;

    @BeforeAll
    static void startTwoNodes() {
        TestDatabases.requirePostgres();
        String url = TestDatabases.freshPostgres();
        TestClock clock = new TestClock();
        a = TestKernel.startOn(url, clock, Map.of());
        b = TestKernel.startOn(url, clock, Map.of());
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

    private static CompletableFuture<HttpApi.Response> async(Supplier<HttpApi.Response> request) {
        return CompletableFuture.supplyAsync(request, REQUESTS);
    }

    private static CompletableFuture<HttpApi.Response> poll(TestKernel node, TestKernel.Agent worker, String cap) {
        return async(() -> node.api().get("/kernel-jobs/available?capability_key=" + cap + "&wait_seconds=60", worker.key()));
    }

    private static int waiting(TestKernel node) {
        return (int) PrometheusText.scrape(node).value("chaojiyuyan_waiting_long_polls");
    }

    private static void awaitWaiting(TestKernel node, int expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting(node) == expected);
    }

    private static List<String> jobIds(HttpApi.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("jobs").valueStream().map(j -> j.get("job_id").asString()).toList();
    }

    private static HttpApi.Response released(Future<HttpApi.Response> request) throws Exception {
        return request.get(RELEASE_SECONDS, TimeUnit.SECONDS);
    }

    private static TestKernel.Agent worker(TestKernel.Owner owner, String name, String cap) {
        TestKernel.Agent agent = a.newAgent(owner, name);
        HttpApi.Response r = a.api().post("/kernel-agents/me/capabilities", agent.key(), Map.of("capability_keys", List.of(cap)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return agent;
    }

    private static void cancel(TestKernel node, TestKernel.Agent caller, String jobId) {
        HttpApi.Response r = node.api().post("/kernel-jobs/" + jobId + "/cancel", caller.key(), null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    @Test
    void aWorkerWaitingOnOneNodeGetsTheJobCreatedOnTheOther() throws Exception {
        String cap = a.newCapability();
        TestKernel.Agent worker = a.newWorker(cap);
        TestKernel.Agent caller = a.newAgent();
        int baseB = waiting(b);

        CompletableFuture<HttpApi.Response> poll = poll(b, worker, cap);
        awaitWaiting(b, baseB + 1);
        String jobId = a.createJob(caller, cap, "across").get("id").asString();

        assertThat(jobIds(released(poll))).containsExactly(jobId);
        // The worker bids on B for a job created on A, and submits on A.
        JsonNode bid = b.bidAccepted(worker, jobId);
        HttpApi.Response submitted = a.submit(worker, jobId, bid.get("task_run_id").asString(), Map.of("echo", "across"));
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(200);
        assertThat(b.job(caller, jobId).get("status").asString()).isEqualTo("succeeded");
    }

    /** Each node wakes one of its own waiters: three waiting on B, a job created on A releases exactly one. */
    @Test
    void aJobCreatedOnOneNodeWakesOneWaiterOfTheOther() throws Exception {
        String cap = a.newCapability();
        TestKernel.Agent caller = a.newAgent();
        TestKernel.Owner owner = a.newOwner();
        int baseB = waiting(b);
        List<CompletableFuture<HttpApi.Response>> polls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            polls.add(poll(b, worker(owner, "waiter " + i, cap), cap));
            awaitWaiting(b, baseB + i + 1);
        }

        List<String> jobs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            jobs.add(a.createJob(caller, cap, "job " + k).get("id").asString());
            assertThat(jobIds(released(polls.get(k)))).containsExactlyElementsOf(jobs);
            assertThat(waiting(b)).isEqualTo(baseB + 2 - k);
            assertThat(polls.subList(k + 1, 3)).allMatch(p -> !p.isDone());
        }
    }

    @Test
    void aJobWatchedOnOneNodeReturnsWhenTheWorkerSubmitsOnTheOther() throws Exception {
        String cap = a.newCapability();
        TestKernel.Agent worker = a.newWorker(cap);
        TestKernel.Agent caller = a.newAgent();
        String jobId = a.createJob(caller, cap, "watched").get("id").asString();
        String run = a.bidAccepted(worker, jobId).get("task_run_id").asString();

        CompletableFuture<HttpApi.Response> watch = async(() -> b.api().get("/kernel-jobs/" + jobId + "?wait_seconds=60", caller.key()));
        HttpApi.Response submitted = a.submit(worker, jobId, run, Map.of("echo", "watched"));
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(200);

        HttpApi.Response r = released(watch);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("succeeded");
        assertThat(r.json().get("output").get("echo").asString()).isEqualTo("watched");
    }

    /**
     * The same through the event stream, where the test knows the watch is in place: it has received
     * the stream's first events before the worker submits on the other node.
     */
    @Test
    void anEventStreamOnOneNodeFollowsASubmitOnTheOther() throws Exception {
        String cap = a.newCapability();
        TestKernel.Agent worker = a.newWorker(cap);
        TestKernel.Agent caller = a.newAgent();
        String jobId = a.createJob(caller, cap, "streamed").get("id").asString();
        String run = a.bidAccepted(worker, jobId).get("task_run_id").asString();

        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(b.server().apiUrl() + "/kernel-jobs/" + jobId + "/events"))
                .header("Authorization", "Bearer " + caller.key())
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(90))
                .build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            Future<?> reader = REQUESTS.submit(() -> {
                HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
                assertThat(response.statusCode()).isEqualTo(200);
                try (Stream<String> lines = response.body()) {
                    lines.filter(l -> l.startsWith("event: ")).forEach(l -> events.add(l.substring("event: ".length())));
                }
                events.add("<end>");
                return null;
            });
            assertThat(events.poll(RELEASE_SECONDS, TimeUnit.SECONDS)).isEqualTo("created");
            assertThat(events.poll(RELEASE_SECONDS, TimeUnit.SECONDS)).isEqualTo("bid_accepted");

            assertThat(a.submit(worker, jobId, run, Map.of("echo", "streamed")).status()).isEqualTo(200);
            assertThat(events.poll(RELEASE_SECONDS, TimeUnit.SECONDS)).isEqualTo("submitted");
            assertThat(events.poll(RELEASE_SECONDS, TimeUnit.SECONDS)).isEqualTo("settled");
            assertThat(events.poll(RELEASE_SECONDS, TimeUnit.SECONDS)).as("the stream ends after settled").isEqualTo("<end>");
            reader.get(RELEASE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** 50 workers, half on each node, bid on one job at the same moment: exactly one wins, every round. */
    @Test
    void exactlyOneOfFiftyBiddersAcrossBothNodesWins() throws Exception {
        String cap = a.newCapability();
        TestKernel.Agent caller = a.newAgent();
        TestKernel.Owner owner = a.newOwner();
        List<TestKernel.Agent> bidders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            bidders.add(worker(owner, "bidder " + i, cap));
        }

        for (int round = 0; round < 10; round++) {
            String jobId = a.createJob(caller, cap, "round " + round).get("id").asString();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpApi.Response>> bids = new ArrayList<>();
            for (int i = 0; i < bidders.size(); i++) {
                TestKernel node = i % 2 == 0 ? a : b;
                TestKernel.Agent bidder = bidders.get(i);
                bids.add(REQUESTS.submit(() -> {
                    go.await();
                    return node.api().post("/kernel-jobs/" + jobId + "/bid", bidder.key(), null);
                }));
            }
            go.countDown();
            int accepted = 0;
            int winner = -1;
            String run = null;
            for (int i = 0; i < bids.size(); i++) {
                HttpApi.Response r = bids.get(i).get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as("round %d bid %d: %s", round, i, r).isEqualTo(200);
                if (r.json().get("accepted").asBoolean()) {
                    accepted++;
                    winner = i;
                    run = r.json().get("task_run_id").asString();
                } else {
                    assertThat(r.json().get("reason").asString()).isEqualTo("already_taken");
                }
            }
            assertThat(accepted).as("winners in round %d", round).isEqualTo(1);
            assertThat(a.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted");
            JsonNode job = b.job(caller, jobId);
            assertThat(job.get("status").asString()).isEqualTo("running");
            assertThat(job.get("attempt").asInt()).isEqualTo(1);
            // The winner holds the lease on either node, whichever it bid on.
            TestKernel other = winner % 2 == 0 ? b : a;
            assertThat(other.heartbeat(bidders.get(winner), jobId, run).status()).isEqualTo(200);
            cancel(a, caller, jobId); // leave no lease behind for the other tests' clock moves
        }
    }

    /**
     * Thirty leases, taken on both nodes, expire at the same moment. Both nodes' sweepers run over the
     * same candidates; every job is re-queued exactly once, with one lease_expired event, and its next
     * bid is its second attempt.
     */
    @Test
    void leasesExpiringTogetherAreEachSweptOnceAcrossBothNodes() throws Exception {
        String cap = a.newCapability();
        TestKernel.Agent worker = a.newWorker(cap);
        TestKernel.Agent caller = a.newAgent();
        int n = 30;
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String jobId = a.createJob(caller, cap, "lease " + i).get("id").asString();
            (i % 2 == 0 ? a : b).bidAccepted(worker, jobId);
            jobs.add(jobId);
        }
        double expiredBefore = PrometheusText.scrape(a).sum("chaojiyuyan_lease_expirations_total")
                + PrometheusText.scrape(b).sum("chaojiyuyan_lease_expirations_total");

        a.clock().advance(Duration.ofSeconds(31)); // the nodes share this clock; the default lease is 30 s
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream()
                .allMatch(id -> "queued".equals(b.job(caller, id).get("status").asString())));

        for (String jobId : jobs) {
            HttpApi.Response r = a.api().get("/kernel-jobs/" + jobId + "/events", caller.key());
            List<JsonNode> expired = r.json().get("items").valueStream()
                    .filter(e -> "lease_expired".equals(e.get("type").asString())).toList();
            assertThat(expired).as("lease_expired events of %s", jobId).hasSize(1);
            assertThat(expired.get(0).get("data").get("requeued").asBoolean()).isTrue();
            assertThat(expired.get(0).get("data").get("attempt").asInt()).isEqualTo(1);
            assertThat(a.eventTypes(caller, jobId)).containsExactly("created", "bid_accepted", "lease_expired");
            assertThat(a.job(caller, jobId).get("attempt").asInt()).isEqualTo(1);
        }
        double expiredAfter = PrometheusText.scrape(a).sum("chaojiyuyan_lease_expirations_total")
                + PrometheusText.scrape(b).sum("chaojiyuyan_lease_expirations_total");
        assertThat(expiredAfter - expiredBefore).as("lease expirations counted over both nodes").isEqualTo(n);

        for (int i = 0; i < n; i++) {
            JsonNode bid = (i % 2 == 0 ? b : a).bidAccepted(worker, jobs.get(i));
            assertThat(bid.get("job").get("attempt").asInt()).isEqualTo(2);
            cancel(a, caller, jobs.get(i));
        }
    }

    @Test
    void aJobCancelledOnOneNodeEndsTheLeaseHeldThroughTheOther() {
        String cap = a.newCapability();
        TestKernel.Agent worker = a.newWorker(cap);
        TestKernel.Agent caller = a.newAgent();
        String jobId = a.createJob(caller, cap, "to cancel").get("id").asString();
        String run = b.bidAccepted(worker, jobId).get("task_run_id").asString();
        assertThat(b.heartbeat(worker, jobId, run).status()).isEqualTo(200);

        cancel(a, caller, jobId);

        HttpApi.Response heartbeat = b.heartbeat(worker, jobId, run);
        assertThat(heartbeat.status()).as(heartbeat.toString()).isEqualTo(410);
        assertThat(heartbeat.code()).isEqualTo("job_terminal");
        HttpApi.Response submit = b.submit(worker, jobId, run, Map.of("echo", "too late"));
        assertThat(submit.status()).as(submit.toString()).isEqualTo(410);
        assertThat(submit.code()).isEqualTo("job_terminal");
        assertThat(b.job(caller, jobId).get("status").asString()).isEqualTo("cancelled");
    }
}
