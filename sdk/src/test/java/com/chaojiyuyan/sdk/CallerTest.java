package com.chaojiyuyan.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.sdk.worker.Worker;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The caller half against a real kernel: the README's quick start, and every KernelClient method. */
class CallerTest extends SdkContractTest {

    /** The README's quick start, as written there (between the markers). */
    static Job quickStart(KernelClient client) {
        // README: quick-start
        Job job = client.call("test.echo.v1", Map.of("text", "a red fox in snow"));
        System.out.println(job.id() + " " + job.status());

        Job done = client.waitFor(job.id(), Duration.ofMinutes(5));
        System.out.println(done.status() + " " + done.output());
        // README: end
        return done;
    }

    @Test
    void theQuickStartCallsAndWaitsForTheResult() {
        TestKernel.Agent workerAgent = kernel.newAgent();
        running(worker(workerAgent).handler("test.echo.v1", task -> Map.of("echo", task.input().get("text"))).build());

        Job done = quickStart(client(kernel.newAgent()));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.output().get("echo").asString()).isEqualTo("a red fox in snow");
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.raw().get("view_url").asString()).endsWith("/console/jobs/" + done.id());
    }

    @Test
    void aReplayedIdempotencyKeyReturnsTheOriginalJob() {
        String capability = kernel.newCapability();
        KernelClient client = client(kernel.newAgent());
        CallOptions options = CallOptions.none().idempotencyKey("my-unique-request-1").maxBudgetNc(0);

        Job first = client.call(capability, Map.of("text", "once"), options);
        Job replay = client.call(capability, Map.of("text", "once"), options);

        assertThat(replay.id()).isEqualTo(first.id());
        assertThat(replay.idempotencyKey()).isEqualTo("my-unique-request-1");
        assertThatThrownBy(() -> client.call(capability, Map.of("text", "other"), options))
                .isInstanceOfSatisfying(HebingApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.code()).isEqualTo("idempotency_key_reused");
                });
    }

    @Test
    void apiErrorsCarryStatusCodeDetailAndRequestId() {
        KernelClient client = client(kernel.newAgent());
        assertThatThrownBy(() -> client.call("does.not.exist", Map.of()))
                .isInstanceOfSatisfying(HebingApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("unknown_capability");
                    assertThat(e.detail()).contains("does.not.exist");
                    assertThat(e.requestId()).startsWith("req_");
                    assertThat(e.rawBody()).contains("\"code\"");
                    assertThat(e.body().get("status").asInt()).isEqualTo(400);
                });
        assertThatThrownBy(() -> client.call(kernel.newCapability(), Map.of("text", 42)))
                .isInstanceOfSatisfying(HebingApiError.class, e -> assertThat(e.code()).isEqualTo("validation_failed"));
    }

    @Test
    void anotherCallersJobIsNotFound() {
        Job job = client(kernel.newAgent()).call(kernel.newCapability(), Map.of("text", "mine"));
        assertThatThrownBy(() -> client(kernel.newAgent()).getJob(job.id()))
                .isInstanceOfSatisfying(HebingApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("not_found");
                });
    }

    @Test
    void waitForHoldsOnTheServerInsteadOfPolling() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent caller = kernel.newAgent();
        AtomicInteger requests = new AtomicInteger();
        Transport counting = countingTransport(requests);
        KernelClient client = track(KernelClient.builder().apiKey(caller.key()).baseUrl(kernel.api().apiUrl()).transport(counting).build());
        Job job = client.call(capability, Map.of("text", "slow"));
        CountDownLatch release = new CountDownLatch(1);
        running(worker(kernel.newWorker(capability)).handler(capability, task -> {
            release.await();
            return Map.of("echo", "done");
        }).build());
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            release.countDown();
        });
        requests.set(0);

        Job done = client.waitFor(job.id(), Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(requests.get()).as("one read, then one held request per status change (queued, running, succeeded)")
                .isLessThanOrEqualTo(4);
    }

    private static Transport countingTransport(AtomicInteger requests) {
        Transport real = Transport.over(java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build());
        return request -> {
            requests.incrementAndGet();
            return real.send(request);
        };
    }

    @Test
    void waitForGivesUpWithJobTimeout() {
        KernelClient client = client(kernel.newAgent());
        Job job = client.call(kernel.newCapability(), Map.of("text", "nobody serves this"));
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.waitFor(job.id(), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(JobTimeout.class, e -> {
                    assertThat(e.jobId()).isEqualTo(job.id());
                    assertThat(e.lastSeen().status()).isEqualTo(JobStatus.QUEUED);
                });
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(900L, 10_000L);
    }

    @Test
    void listJobsPagesNewestFirstWithACursor() {
        String capability = kernel.newCapability();
        KernelClient client = client(kernel.newAgent());
        Job a = client.call(capability, Map.of("text", "a"));
        Job b = client.call(capability, Map.of("text", "b"));
        Job c = client.call(capability, Map.of("text", "c"));
        client.cancel(b.id());

        JobPage first = client.listJobs(JobQuery.all().limit(2));
        JobPage second = client.listJobs(JobQuery.all().limit(2).cursor(first.nextCursor()));

        assertThat(first.items()).extracting(Job::id).containsExactly(c.id(), b.id());
        assertThat(first.hasMore()).isTrue();
        assertThat(second.items()).extracting(Job::id).containsExactly(a.id());
        assertThat(second.hasMore()).isFalse();
        assertThat(client.listJobs(JobQuery.all().status(JobStatus.CANCELLED)).items()).extracting(Job::id).containsExactly(b.id());
        assertThat(client.listJobs(JobQuery.all().capabilityKey("test.echo.v1")).items()).isEmpty();
    }

    @Test
    void eventsAndCancel() {
        KernelClient client = client(kernel.newAgent());
        Job job = client.call(kernel.newCapability(), Map.of("text", "cancel me"));

        Job cancelled = client.cancel(job.id());

        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(client.waitFor(job.id(), Duration.ofSeconds(5)).status()).isEqualTo(JobStatus.CANCELLED);
        List<JobEvent> events = client.events(job.id());
        assertThat(events).extracting(JobEvent::type).containsExactly("created", "cancelled", "settled");
        assertThat(events).extracting(JobEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(events.get(0).at()).isNotNull();
        assertThat(client.cancel(job.id()).status()).as("cancelling again is harmless").isEqualTo(JobStatus.CANCELLED);
    }

    @Test
    void capabilitiesListTheCatalog() {
        String mine = kernel.newCapability(Map.of("lease_seconds", 20, "heartbeat_seconds", 5));
        List<CapabilitySpec> catalog = client(kernel.newAgent()).capabilities();

        assertThat(catalog).extracting(CapabilitySpec::capabilityKey).contains("test.echo.v1", "media.echo.v1", mine);
        CapabilitySpec spec = catalog.stream().filter(s -> s.capabilityKey().equals(mine)).findFirst().orElseThrow();
        assertThat(spec.leaseSeconds()).isEqualTo(20);
        assertThat(spec.heartbeatSeconds()).isEqualTo(5);
        assertThat(spec.inputSchema().get("type").asString()).isEqualTo("object");
    }

    @Test
    void networkFailuresAreTheJdksOwnNotWrappedInSdkErrors() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KernelClient client = track(KernelClient.builder().apiKey("nxt_ag_x").baseUrl("http://127.0.0.1:" + port + "/api/v1").build());
        assertThatThrownBy(client::capabilities)
                .isInstanceOf(UncheckedIOException.class)
                .isNotInstanceOf(HebingError.class)
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void aWorkerViewOfAJobParsesToo() {
        // Worker.bid answers the job in a worker's view; the same record reads it.
        String capability = kernel.newCapability();
        Job job = client(kernel.newAgent()).call(capability, Map.of("text", "x"));
        Worker w = track(worker(kernel.newWorker(capability)).handler(capability, t -> null).build());
        var lease = w.bid(job.id());
        assertThat(lease.job().id()).isEqualTo(job.id());
        assertThat(lease.job().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(lease.job().idempotencyKey()).isNull();
    }
}
