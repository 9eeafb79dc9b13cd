package com.chaojiyuyan.kernel.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.PrometheusText;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /healthz}, {@code /readyz}, {@code /metrics} and the OpenAPI document: no credentials needed. */
class OperationsTest extends ContractTest {

    /** Reaches the node itself, whatever public URL it announces. */
    private static HttpApi.Response get(TestKernel node, String path) {
        return node.api().get("http://127.0.0.1:" + node.server().port() + path, null);
    }

    @Test
    void healthAndReadinessAnswer200() {
        HttpApi.Response health = get(kernel, "/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("ok");

        HttpApi.Response ready = get(kernel, "/readyz");
        assertThat(ready.status()).as(ready.toString()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("ready");
    }

    @Test
    void readinessFailsWithoutTheDatabaseWhileLivenessHolds() {
        try (TestKernel node = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), Map.of())) {
            assertThat(get(node, "/readyz").status()).isEqualTo(200);
            node.server().database().close();

            HttpApi.Response ready = get(node, "/readyz");
            assertThat(ready.status()).as(ready.toString()).isEqualTo(503);
            assertThat(ready.header("Content-Type")).startsWith("application/problem+json");
            assertThat(ready.code()).isEqualTo("database_unreachable");
            assertThat(get(node, "/healthz").status()).isEqualTo(200);
        }
    }

    /**
     * After a job created and settled, one whose lease expired, one cancelled and one still queued, every
     * series shows it with the right labels. Database-derived gauges are refreshed at most every few
     * seconds, so the test waits for them to catch up.
     */
    @Test
    void metricsCountJobsAcrossTheirLives() throws Exception {
        String cap = kernel.newCapability();
        TestKernel.Agent worker = kernel.newWorker(cap);
        TestKernel.Agent caller = kernel.newAgent();
        PrometheusText before = PrometheusText.scrape(kernel);
        double expirationsBefore = before.sum("chaojiyuyan_lease_expirations_total");
        double pickupsBefore = before.value("chaojiyuyan_pickup_latency_seconds_count");

        String settled = kernel.createJob(caller, cap, "settled").get("id").asString();
        String run = kernel.bidAccepted(worker, settled).get("task_run_id").asString();
        assertThat(kernel.submit(worker, settled, run, Map.of("echo", "settled")).status()).isEqualTo(200);
        String expiring = kernel.createJob(caller, cap, "expiring").get("id").asString();
        kernel.bidAccepted(worker, expiring);
        String cancelled = kernel.createJob(caller, cap, "cancelled").get("id").asString();
        assertThat(kernel.api().post("/kernel-jobs/" + cancelled + "/cancel", caller.key(), null).status()).isEqualTo(200);
        kernel.createJob(caller, cap, "queued");

        kernel.clock().advance(Duration.ofSeconds(31)); // past the default 30 s lease
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "queued".equals(kernel.job(caller, expiring).get("status").asString()));

        Map<String, String> ofCap = Map.of("capability_key", cap);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PrometheusText m = PrometheusText.scrape(kernel);
            assertThat(m.value("chaojiyuyan_queue_depth", ofCap)).isEqualTo(2.0);
            assertThat(m.value("chaojiyuyan_jobs", Map.of("status", "succeeded"))).isGreaterThanOrEqualTo(1.0);
            assertThat(m.value("chaojiyuyan_jobs", Map.of("status", "cancelled"))).isGreaterThanOrEqualTo(1.0);
            assertThat(m.value("chaojiyuyan_jobs", Map.of("status", "queued"))).isGreaterThanOrEqualTo(2.0);
        });

        PrometheusText m = PrometheusText.scrape(kernel);
        assertThat(m.type("chaojiyuyan_jobs")).isEqualTo("gauge");
        assertThat(m.samples("chaojiyuyan_jobs", Map.of()).stream().map(s -> s.labels().get("status")))
                .containsExactlyInAnyOrder("queued", "running", "succeeded", "failed", "cancelled", "expired");
        assertThat(m.type("chaojiyuyan_queue_depth")).isEqualTo("gauge");

        assertThat(m.type("chaojiyuyan_job_creations_total")).isEqualTo("counter");
        assertThat(m.value("chaojiyuyan_job_creations_total", ofCap)).isEqualTo(4.0);
        assertThat(m.type("chaojiyuyan_job_settlements_total")).isEqualTo("counter");
        assertThat(m.value("chaojiyuyan_job_settlements_total", Map.of("capability_key", cap, "status", "succeeded"))).isEqualTo(1.0);
        assertThat(m.value("chaojiyuyan_job_settlements_total", Map.of("capability_key", cap, "status", "cancelled"))).isEqualTo(1.0);
        assertThat(m.samples("chaojiyuyan_job_settlements_total", ofCap)).hasSize(2);

        assertThat(m.type("chaojiyuyan_lease_expirations_total")).isEqualTo("counter");
        assertThat(m.sum("chaojiyuyan_lease_expirations_total") - expirationsBefore).isEqualTo(1.0);
        assertThat(m.value("chaojiyuyan_lease_expirations_total", ofCap)).isEqualTo(1.0);

        assertThat(m.type("chaojiyuyan_pickup_latency_seconds")).isEqualTo("histogram");
        double pickups = m.value("chaojiyuyan_pickup_latency_seconds_count");
        assertThat(pickups - pickupsBefore).as("two bids won").isEqualTo(2.0);
        List<PrometheusText.Sample> buckets = m.samples("chaojiyuyan_pickup_latency_seconds_bucket", Map.of());
        assertThat(buckets).hasSizeGreaterThan(1);
        assertThat(m.value("chaojiyuyan_pickup_latency_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(pickups);
        assertThat(m.value("chaojiyuyan_pickup_latency_seconds_sum")).isGreaterThanOrEqualTo(0.0);

        assertThat(m.type("chaojiyuyan_waiting_long_polls")).isEqualTo("gauge");
        assertThat(m.value("chaojiyuyan_waiting_long_polls")).isZero();

        // Once the queue is drained, the capability reports no depth.
        for (JsonNode job : kernel.api().get("/kernel-jobs/available?capability_key=" + cap, worker.key()).json().get("jobs")) {
            kernel.bidAccepted(worker, job.get("job_id").asString());
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                PrometheusText.scrape(kernel).find("chaojiyuyan_queue_depth", ofCap).orElse(0.0) == 0.0);
        cancelAll(caller, cap);
    }

    private static void cancelAll(TestKernel.Agent caller, String cap) {
        HttpApi.Response running = kernel.api().get("/kernel-jobs?status=running&capability_key=" + cap, caller.key());
        for (JsonNode job : running.json().get("items")) {
            kernel.api().post("/kernel-jobs/" + job.get("id").asString() + "/cancel", caller.key(), null);
        }
    }

    @Test
    void metricsNeedNoCredentialsAndAreServedAsPrometheusText() {
        HttpApi.Response r = get(kernel, "/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain").contains("version=0.0.4");
        PrometheusText m = PrometheusText.parse(r.text());
        // The per-capability families (queue depth, creations, settlements, lease expirations) appear with
        // their first series;
        // these are there from the start.
        for (String family : List.of("chaojiyuyan_jobs", "chaojiyuyan_pickup_latency_seconds",
                "chaojiyuyan_waiting_long_polls")) {
            assertThat(m.type(family)).as("# TYPE of %s", family).isNotNull();
        }
    }

    @Test
    void theOpenApiDocumentNamesThisServer() {
        HttpApi.Response r = get(kernel, "/api/v1/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).startsWith("3.1");
        assertThat(doc.get("info").get("title").asString()).isNotBlank();
        assertThat(doc.get("servers").valueStream().map(s -> s.get("url").asString()))
                .containsExactly(kernel.server().apiUrl());
    }

    @Test
    void theOpenApiDocumentNamesThePublicUrlWhenOneIsConfigured() {
        Map<String, String> settings = Map.of("CHAOJIYUYAN_PUBLIC_URL", "https://kernel.example.org/");
        try (TestKernel node = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), settings)) {
            JsonNode doc = get(node, "/api/v1/openapi.json").json();
            assertThat(doc.get("servers").valueStream().map(s -> s.get("url").asString()))
                    .containsExactly("https://kernel.example.org/api/v1");
        }
    }
}
