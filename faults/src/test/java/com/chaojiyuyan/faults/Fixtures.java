package com.chaojiyuyan.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.kernel.testing.WebhookSink;
import com.chaojiyuyan.sdk.worker.Worker;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * One fault scenario's cast, made over HTTP on any node (in-process or in another JVM): a caller owner with
 * credits and a webhook endpoint, its caller agent, a worker owner, and a paid capability of the scenario's
 * own whose output names the run that produced it ({@code task_run_id}), so the invariant checker can tell
 * whose output landed.
 */
final class Fixtures {
    static final long PRICE_NC = 5;
    static final long BUDGET_NC = 10;
    static final long GRANT_NC = 100_000;
    static final String CALLBACK_PATH = "/callback";
    static final String ENDPOINT_PATH = "/endpoint";
    /** The same on every node of a database, so each can open the secrets another sealed. */
    static final String SECRET_KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final HttpApi api;
    final String adminToken;
    final TestKernel.Owner callerOwner;
    final TestKernel.Agent caller;
    final TestKernel.Owner workerOwner;
    final String capability;
    final WebhookSink sink;
    /** Answers of 500 (a bug, not an outage) that the SDK workers got; the scenarios expect none. */
    final java.util.Queue<String> serverErrors = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Settings every node of a fault scenario runs with (loopback webhooks, one sealing key, no rate limit). */
    static Map<String, String> nodeSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("CHAOJIYUYAN_WEBHOOK_ALLOW_PRIVATE", "true");
        settings.put("CHAOJIYUYAN_SECRET_KEY", SECRET_KEY);
        settings.put("CHAOJIYUYAN_RATE_LIMIT_PER_SECOND", "0");
        settings.put("CHAOJIYUYAN_SWEEP_INTERVAL_MS", "100");
        settings.put("CHAOJIYUYAN_WEBHOOK_RETRY_BASE_SECONDS", "1");
        return settings;
    }

    /** Sets up the cast on the node answering at {@code api}; {@code spec} overrides capability fields (lease, TTL...). */
    Fixtures(HttpApi api, WebhookSink sink, Map<String, Object> spec) {
        this.api = api;
        this.sink = sink;
        this.adminToken = login(TestKernel.ADMIN_EMAIL, TestKernel.ADMIN_PASSWORD);
        this.callerOwner = newOwner();
        this.caller = newAgent(callerOwner, "caller");
        this.workerOwner = newOwner();
        HttpApi.Response granted = api.post("/admin/credits", adminToken,
                Map.of("owner_id", callerOwner.id(), "amount_nc", GRANT_NC, "memo", "fault scenario"));
        assertThat(granted.status()).as("grant: %s", granted).isEqualTo(201);
        HttpApi.Response endpoint = api.post("/webhook-endpoints", callerOwner.token(),
                Map.of("url", sink.url(ENDPOINT_PATH), "description", "fault scenario"));
        assertThat(endpoint.status()).as("endpoint: %s", endpoint).isEqualTo(201);
        this.capability = newCapability(spec);
    }

    String login(String email, String password) {
        HttpApi.Response r = api.post("/auth/login", null, Map.of("email", email, "password", password));
        assertThat(r.status()).as("login %s: %s", email, r).isEqualTo(200);
        return r.json().get("token").asString();
    }

    TestKernel.Owner newOwner() {
        String email = "fault" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() + "@test.local";
        String password = "password-" + email;
        HttpApi.Response r = api.post("/admin/owners", adminToken, Map.of("email", email, "password", password));
        assertThat(r.status()).as("create owner: %s", r).isEqualTo(201);
        return new TestKernel.Owner(r.json().get("id").asString(), email, login(email, password));
    }

    TestKernel.Agent newAgent(TestKernel.Owner owner, String name) {
        HttpApi.Response r = api.post("/agents", owner.token(), Map.of("name", name));
        assertThat(r.status()).as("create agent: %s", r).isEqualTo(201);
        return new TestKernel.Agent(r.json().get("agent").get("id").asString(), r.json().get("api_key").asString());
    }

    /** The keys of the agents made here, by agent id. */
    private final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

    String keyOf(String agentId) {
        return keys.get(agentId);
    }

    /** A worker agent of the worker owner, registered for the scenario's capability. */
    TestKernel.Agent newWorker(String name) {
        TestKernel.Agent agent = newAgent(workerOwner, name);
        keys.put(agent.id(), agent.key());
        HttpApi.Response r = api.post("/kernel-agents/me/capabilities", agent.key(), Map.of("capability_keys", List.of(capability)));
        assertThat(r.status()).as("register worker: %s", r).isEqualTo(200);
        return agent;
    }

    private String newCapability(Map<String, Object> overrides) {
        String key = "fault.cap" + SEQUENCE.incrementAndGet() + ".n" + Long.toString(System.nanoTime(), 36);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capability_key", key);
        spec.put("name", "Fault scenario " + key);
        spec.put("input_schema", HttpApi.JSON.readTree("""
                {"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""));
        spec.put("output_schema", HttpApi.JSON.readTree("""
                {"type":"object","properties":{"echo":{"type":"string"},"task_run_id":{"type":"string"}},
                 "required":["echo","task_run_id"]}"""));
        spec.put("price_nc", PRICE_NC);
        spec.putAll(overrides);
        HttpApi.Response r = api.post("/capability-specs", adminToken, spec);
        assertThat(r.status()).as("create capability: %s", r).isEqualTo(201);
        return key;
    }

    /** The body of job {@code n}: paid, with a callback to the sink. */
    Map<String, Object> jobBody(int n) {
        return Map.of("capability_key", capability, "input", Map.of("text", "job " + n), "max_budget_nc", BUDGET_NC,
                "callback_url", sink.url(CALLBACK_PATH));
    }

    /** Creates job {@code n} and answers its id. */
    String createJob(int n) {
        HttpApi.Response r = api.post("/kernel-jobs", caller.key(), jobBody(n));
        assertThat(r.status()).as("create job: %s", r).isEqualTo(201);
        return r.get("id").asString();
    }

    /**
     * Creates job {@code n} through whichever of {@code nodes} answers, the way a careful client does when
     * a node or the database is failing: the same idempotency key on every try, so a create whose answer
     * was lost is found again instead of made twice. Gives up after {@code within}.
     */
    String createJobRetrying(List<HttpApi> nodes, int n, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String key = "fault-" + capability + "-" + n;
        List<String> failures = new ArrayList<>();
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            HttpApi node = nodes.get((n + attempt) % nodes.size());
            try {
                HttpApi.Response r = node.send("POST", "/kernel-jobs", caller.key(), HttpApi.JSON.writeValueAsString(jobBody(n)),
                        Map.of("Idempotency-Key", key));
                if (r.status() == 201 || r.status() == 200) {
                    return r.get("id").asString();
                }
                failures.add(r.status() + " " + r.code());
                // While a node or the database is down: 503 database_unreachable, or 409 while another try
                // with this key is under way. Never a 500, nor any other refusal.
                assertThat(r.status()).as("a create refused for good: %s", r).isIn(409, 503);
            } catch (UncheckedIOException unreachable) {
                failures.add(unreachable.getCause().getClass().getSimpleName());
            }
            pause(Duration.ofMillis(200)); // back off before the next try, as a client would
        }
        throw new AssertionError("job " + n + " could not be created within " + within + ": " + failures);
    }

    /** A healthy in-process SDK worker answering {@code {"echo", "task_run_id"}} against {@code apiUrl}. */
    Worker echoWorker(String apiUrl, String name, int concurrency) {
        TestKernel.Agent agent = newWorker(name);
        return Worker.builder().baseUrl(apiUrl).apiKey(agent.key()).concurrency(concurrency)
                .pollWait(Duration.ofSeconds(5))
                .onError(this::noteWorkerError)
                .handler(capability, task -> Map.of("echo", task.input().get("text").asString(), "task_run_id", task.taskRunId()))
                .build();
    }

    /**
     * Like {@link #echoWorker}, but each handler first notes its run in {@code started} and waits for
     * {@code gate}: the test decides when held jobs may finish.
     */
    Worker gatedWorker(String apiUrl, String name, int concurrency, java.util.concurrent.CountDownLatch gate,
                       java.util.Collection<String> started) {
        TestKernel.Agent agent = newWorker(name);
        return Worker.builder().baseUrl(apiUrl).apiKey(agent.key()).concurrency(concurrency)
                .pollWait(Duration.ofSeconds(5))
                .onError(this::noteWorkerError)
                .handler(capability, task -> {
                    started.add(task.taskRunId());
                    gate.await();
                    return Map.of("echo", task.input().get("text").asString(), "task_run_id", task.taskRunId());
                })
                .build();
    }

    /** Node deaths and lost leases are what the scenarios cause; a 500 is not. */
    private void noteWorkerError(String jobId, Throwable error) {
        if (error instanceof com.chaojiyuyan.sdk.HebingApiError api && api.status() == 500) {
            serverErrors.add(jobId + ": " + api);
        }
    }

    /** How many of the scenario's jobs have succeeded so far. */
    long succeededCount() {
        JsonNode page = api.get("/kernel-jobs?status=succeeded&limit=100&capability_key=" + capability, caller.key()).json();
        return page.get("items").size();
    }

    /** The caller's owner's balance: what it was granted less the price of each succeeded job, nothing held. */
    void assertCreditsConserved(int succeeded) {
        assertThat(serverErrors).as("500 answers the workers got").isEmpty();
        JsonNode balance = api.get("/me/balance", callerOwner.token()).json();
        assertThat(balance.get("held_nc").asLong()).as("held after every job ended: %s", balance).isZero();
        assertThat(balance.get("available_nc").asLong()).as("available: %s", balance).isEqualTo(GRANT_NC - PRICE_NC * succeeded);
        JsonNode earned = api.get("/me/balance", workerOwner.token()).json();
        assertThat(earned.get("available_nc").asLong()).as("worker owner's earnings: %s", earned).isEqualTo(PRICE_NC * succeeded);
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
