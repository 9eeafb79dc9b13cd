package com.chaojiyuyan.kernel.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.PrometheusText;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /kernel-jobs/available}: answers at once when work is queued, otherwise holds the request
 * until a job arrives, and a new job wakes one waiting worker, not all of them.
 *
 * <p>Tests know a long-poll is parked on the server from the {@code chaojiyuyan_waiting_long_polls}
 * gauge. Every long-poll here asks for 60 s and must answer within 30 s of the event that releases it,
 * so an answer that only came from the timeout fails the test.
 */
class LongPollTest extends ContractTest {
    private static final ExecutorService POLLERS = Executors.newVirtualThreadPerTaskExecutor();
    private static final long RELEASE_SECONDS = 30;

    private static CompletableFuture<HttpApi.Response> poll(TestKernel.Agent worker, String query) {
        return CompletableFuture.supplyAsync(() -> kernel.api().get("/kernel-jobs/available?" + query, worker.key()), POLLERS);
    }

    private static int waiting() {
        return (int) PrometheusText.scrape(kernel).value("chaojiyuyan_waiting_long_polls");
    }

    private static void awaitWaiting(int expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> waiting() == expected);
    }

    private static List<String> jobIds(HttpApi.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("jobs").valueStream().map(j -> j.get("job_id").asString()).toList();
    }

    private static HttpApi.Response released(Future<HttpApi.Response> poll) throws Exception {
        return poll.get(RELEASE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aWaitingPollReturnsTheJobCreatedWhileItWaits() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(cap);
        TestKernel.Agent caller = kernel.newAgent();
        int base = waiting();

        CompletableFuture<HttpApi.Response> poll = poll(worker, "capability_key=" + cap + "&wait_seconds=60");
        awaitWaiting(base + 1);
        assertThat(poll).isNotDone();

        JsonNode job = kernel.createJob(caller, cap, "wake up");
        HttpApi.Response r = released(poll);
        assertThat(jobIds(r)).containsExactly(job.get("id").asString());
        JsonNode entry = r.json().get("jobs").get(0);
        assertThat(entry.get("capability_key").asString()).isEqualTo(cap);
        assertThat(entry.get("input_envelope").get("input").get("text").asString()).isEqualTo("wake up");
        assertThat(entry.get("attempt").asInt()).isZero();
        assertThat(entry.get("expires_at").asString()).isEqualTo(job.get("expires_at").asString());
        assertThat(waiting()).isEqualTo(base);
    }

    @Test
    void zeroWaitAnswersAtOnceWithAnEmptyList() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(cap);
        int base = waiting();

        HttpApi.Response r = released(poll(worker, "capability_key=" + cap + "&wait_seconds=0"));
        assertThat(r.json().toString()).isEqualTo("{\"jobs\":[]}");
        // Without wait_seconds the poll does not wait either.
        assertThat(jobIds(released(poll(worker, "capability_key=" + cap)))).isEmpty();
        assertThat(waiting()).isEqualTo(base);
    }

    @Test
    void aPollAnswersAtOnceWhenWorkIsAlreadyQueued() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(cap);
        TestKernel.Agent caller = kernel.newAgent();
        String jobId = kernel.createJob(caller, cap, "ready").get("id").asString();

        assertThat(jobIds(released(poll(worker, "capability_key=" + cap + "&wait_seconds=60")))).containsExactly(jobId);
        // Listing does not take the job: it is still there for the next poll, and for a bid.
        assertThat(jobIds(released(poll(worker, "wait_seconds=60")))).containsExactly(jobId);
        kernel.bidAccepted(worker, jobId);
        assertThat(jobIds(released(poll(worker, "capability_key=" + cap)))).isEmpty();
    }

    @Test
    void limitCapsTheAnswerToTheOldestJobs() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(cap);
        TestKernel.Agent caller = kernel.newAgent();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(kernel.createJob(caller, cap, "job " + i).get("id").asString());
            kernel.clock().advance(Duration.ofMillis(2)); // distinct creation times, so "oldest" is well defined
        }

        assertThat(jobIds(released(poll(worker, "capability_key=" + cap + "&limit=2&wait_seconds=60"))))
                .containsExactlyElementsOf(created.subList(0, 2));
        assertThat(jobIds(released(poll(worker, "capability_key=" + cap + "&limit=1")))).containsExactly(created.get(0));
        assertThat(jobIds(released(poll(worker, "capability_key=" + cap + "&limit=100")))).containsExactlyElementsOf(created);
        // The default limit is 10.
        for (int i = 5; i < 12; i++) {
            kernel.createJob(caller, cap, "job " + i);
        }
        assertThat(jobIds(released(poll(worker, "capability_key=" + cap)))).hasSize(10);
    }

    @Test
    void outOfRangeParametersAreRefused() {
        String cap = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(cap);
        for (String query : List.of("wait_seconds=61", "wait_seconds=-1", "wait_seconds=soon", "limit=0", "limit=101")) {
            HttpApi.Response r = kernel.api().get("/kernel-jobs/available?capability_key=" + cap + "&" + query, worker.key());
            assertThat(r.status()).as(query + ": " + r).isEqualTo(400);
            assertThat(r.code()).as(query).isEqualTo("invalid_parameter");
        }
    }

    @Test
    void onlyRegisteredWorkersMayPollAndOnlyForTheirCapabilities() {
        String cap = kernel.newCapability();
        String other = kernel.newCapability();
        TestKernel.Agent notAWorker = kernel.newAgent();
        HttpApi.Response r = kernel.api().get("/kernel-jobs/available?capability_key=" + cap + "&wait_seconds=60", notAWorker.key());
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("worker_not_enabled");

        TestKernel.Agent worker = kernel.newWorker(cap);
        r = kernel.api().get("/kernel-jobs/available?capability_key=" + other + "&wait_seconds=60", worker.key());
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("capability_not_registered");
    }

    @Test
    void aPollForSeveralCapabilitiesIsReleasedByAJobOfAnyOfThem() throws Exception {
        String first = kernel.newCapability();
        String second = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(first, second);
        TestKernel.Agent caller = kernel.newAgent();
        int base = waiting();

        CompletableFuture<HttpApi.Response> poll = poll(worker, "capability_key=" + first + "&capability_key=" + second + "&wait_seconds=60");
        awaitWaiting(base + 1);
        String jobId = kernel.createJob(caller, second, "second").get("id").asString();
        assertThat(jobIds(released(poll))).containsExactly(jobId);
        // One long-poll, counted once, although it waited on two capabilities.
        assertThat(waiting()).isEqualTo(base);

        // Without capability_key the poll waits on every capability the worker serves.
        poll = poll(worker, "wait_seconds=60&limit=1");
        assertThat(jobIds(released(poll))).containsExactly(jobId);
        kernel.bidAccepted(worker, jobId);
        poll = poll(worker, "wait_seconds=60");
        awaitWaiting(base + 1);
        String another = kernel.createJob(caller, first, "first").get("id").asString();
        assertThat(jobIds(released(poll))).containsExactly(another);
    }

    /**
     * Five workers wait on one capability. Each new job releases exactly one of them, the longest waiting
     * first; the others keep waiting (the gauge drops by one and their requests stay open).
     */
    @Test
    void aNewJobWakesOneWaitingWorkerNotAll() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        int n = 5;
        int base = waiting();
        List<CompletableFuture<HttpApi.Response>> polls = new ArrayList<>();
        TestKernel.Owner workersOwner = kernel.newOwner();
        for (int i = 0; i < n; i++) {
            TestKernel.Agent worker = kernel.newAgent(workersOwner, "worker " + i);
            HttpApi.Response registered = kernel.api().post("/kernel-agents/me/capabilities", worker.key(),
                    Map.of("capability_keys", List.of(cap)));
            assertThat(registered.status()).isEqualTo(200);
            polls.add(poll(worker, "capability_key=" + cap + "&wait_seconds=60"));
            awaitWaiting(base + i + 1); // one at a time, so the order of waiting is known
        }

        List<String> jobs = new ArrayList<>();
        jobs.add(kernel.createJob(caller, cap, "job 0").get("id").asString());
        assertThat(jobIds(released(polls.get(0)))).containsExactly(jobs.get(0));
        assertThat(waiting()).isEqualTo(base + n - 1);
        assertThat(polls.subList(1, n)).allMatch(p -> !p.isDone());

        for (int k = 1; k < n; k++) {
            jobs.add(kernel.createJob(caller, cap, "job " + k).get("id").asString());
            // Nobody bid, so the released worker sees every job queued so far.
            assertThat(jobIds(released(polls.get(k)))).containsExactlyElementsOf(jobs);
            assertThat(waiting()).isEqualTo(base + n - 1 - k);
            assertThat(polls.subList(k + 1, n)).allMatch(p -> !p.isDone());
        }
    }

    @Test
    void aJobRequeuedAfterAnExpiredLeaseWakesAWaitingWorker() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent first = kernel.newWorker(cap);
        TestKernel.Agent second = kernel.newWorker(cap);
        TestKernel.Agent caller = kernel.newAgent();
        String jobId = kernel.createJob(caller, cap, "retry me").get("id").asString();
        kernel.bidAccepted(first, jobId);
        int base = waiting();

        CompletableFuture<HttpApi.Response> poll = poll(second, "capability_key=" + cap + "&wait_seconds=60");
        awaitWaiting(base + 1);
        kernel.clock().advance(Duration.ofSeconds(31)); // past the default 30 s lease; the sweeper re-queues the job

        HttpApi.Response r = released(poll);
        assertThat(jobIds(r)).containsExactly(jobId);
        assertThat(r.json().get("jobs").get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(r.json().get("jobs").get(0).get("input_envelope").get("attempt").asInt()).isEqualTo(2);
        JsonNode bid = kernel.bidAccepted(second, jobId);
        assertThat(bid.get("job").get("attempt").asInt()).isEqualTo(2);
        assertThat(kernel.api().post("/kernel-jobs/" + jobId + "/cancel", caller.key(), null).status()).isEqualTo(200);
    }
}
