package com.chaojiyuyan.kernel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.KernelServer;
import com.chaojiyuyan.kernel.ServerConfig;
import com.chaojiyuyan.kernel.jobs.SettlementHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A real kernel server, in-process on a random port, on a fresh database, with the fixtures tests need:
 * signed-in owners, agents with keys, workers, capabilities of their own.
 */
public final class TestKernel implements AutoCloseable {
    public static final String ADMIN_EMAIL = "admin@test.local";
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final KernelServer server;
    private final HttpApi api;
    private final TestClock clock;
    private final String jdbcUrl;
    private String adminToken;

    private TestKernel(KernelServer server, TestClock clock, String jdbcUrl) {
        this.server = server;
        this.api = new HttpApi(server.apiUrl());
        this.clock = clock;
        this.jdbcUrl = jdbcUrl;
    }

    public static TestKernel start(Db db) {
        return startOn(TestDatabases.fresh(db), new TestClock(), Map.of());
    }

    /** Starts a node on an existing database (a second node, or a restart), with extra CHAOJIYUYAN_* settings. */
    public static TestKernel startOn(String jdbcUrl, TestClock clock, Map<String, String> settings) {
        return startOn(jdbcUrl, clock, settings, SettlementHooks.NONE);
    }

    public static TestKernel startOn(String jdbcUrl, TestClock clock, Map<String, String> settings, SettlementHooks hooks) {
        Map<String, String> env = new HashMap<>();
        try {
            env.put("CHAOJIYUYAN_DATA_DIR", Files.createTempDirectory("cjy-data-").toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        env.put("CHAOJIYUYAN_PORT", "0");
        env.put("CHAOJIYUYAN_DB_URL", jdbcUrl);
        env.put("CHAOJIYUYAN_DB_POOL_SIZE", "8");
        env.put("CHAOJIYUYAN_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("CHAOJIYUYAN_ADMIN_PASSWORD", ADMIN_PASSWORD);
        env.put("CHAOJIYUYAN_SWEEP_INTERVAL_MS", "50");
        // Tests drive single keys hard on purpose (50 concurrent creates); RateLimitTest turns the limit on.
        env.put("CHAOJIYUYAN_RATE_LIMIT_PER_SECOND", "0");
        env.putAll(settings);
        KernelServer server = KernelServer.start(ServerConfig.fromEnvironment(env), clock, hooks);
        return new TestKernel(server, clock, jdbcUrl);
    }

    public KernelServer server() {
        return server;
    }

    public HttpApi api() {
        return api;
    }

    public TestClock clock() {
        return clock;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** An admin session token (signed in once, then reused). */
    public synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = login(ADMIN_EMAIL, ADMIN_PASSWORD);
        }
        return adminToken;
    }

    public String login(String email, String password) {
        HttpApi.Response r = api.post("/auth/login", null, Map.of("email", email, "password", password));
        assertThat(r.status()).as("login %s: %s", email, r).isEqualTo(200);
        return r.json().get("token").asString();
    }

    /** A signed-in owner. */
    public record Owner(String id, String email, String token) {
    }

    /** An agent and its key. */
    public record Agent(String id, String key) {
    }

    public Owner newOwner() {
        String email = "owner" + SEQUENCE.incrementAndGet() + "-" + System.nanoTime() + "@test.local";
        String password = "password-" + email;
        HttpApi.Response r = api.post("/admin/owners", adminToken(), Map.of("email", email, "password", password));
        assertThat(r.status()).as("create owner: %s", r).isEqualTo(201);
        return new Owner(r.json().get("id").asString(), email, login(email, password));
    }

    public Agent newAgent(Owner owner, String name) {
        HttpApi.Response r = api.post("/agents", owner.token(), Map.of("name", name));
        assertThat(r.status()).as("create agent: %s", r).isEqualTo(201);
        return new Agent(r.json().get("agent").get("id").asString(), r.json().get("api_key").asString());
    }

    /** A new agent of a new owner. */
    public Agent newAgent() {
        return newAgent(newOwner(), "agent");
    }

    /** A new agent registered as a worker for {@code capabilities}. */
    public Agent newWorker(String... capabilities) {
        Agent agent = newAgent();
        HttpApi.Response r = api.post("/kernel-agents/me/capabilities", agent.key(), Map.of("capability_keys", List.of(capabilities)));
        assertThat(r.status()).as("register worker: %s", r).isEqualTo(200);
        return agent;
    }

    /**
     * A capability of this test's own (so no other test's worker takes its jobs), shaped like the echo
     * capability: input {"text": string}, output {"echo": string}. {@code overrides} set spec fields.
     */
    public String newCapability(Map<String, Object> overrides) {
        String key = "test.cap" + SEQUENCE.incrementAndGet() + ".n" + Long.toString(System.nanoTime(), 36);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capability_key", key);
        spec.put("name", "Test capability " + key);
        spec.put("input_schema", HttpApi.JSON.readTree("""
                {"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}"""));
        spec.put("output_schema", HttpApi.JSON.readTree("""
                {"type":"object","properties":{"echo":{"type":"string"}},"required":["echo"]}"""));
        spec.putAll(overrides);
        HttpApi.Response r = api.post("/capability-specs", adminToken(), spec);
        assertThat(r.status()).as("create capability: %s", r).isEqualTo(201);
        return key;
    }

    public String newCapability() {
        return newCapability(Map.of());
    }

    /** Grants {@code amountNc} credits to {@code ownerId} (as the admin) and answers the owner's balance afterwards. */
    public JsonNode grantCredits(String ownerId, long amountNc) {
        HttpApi.Response r = api.post("/admin/credits", adminToken(), Map.of("owner_id", ownerId, "amount_nc", amountNc));
        assertThat(r.status()).as("grant credits: %s", r).isEqualTo(201);
        return r.json().get("balance");
    }

    public JsonNode grantCredits(Owner owner, long amountNc) {
        return grantCredits(owner.id(), amountNc);
    }

    /** The balance of the owner of {@code token} (an owner token or an agent key). */
    public JsonNode balance(String token) {
        HttpApi.Response r = api.get("/me/balance", token);
        assertThat(r.status()).as("balance: %s", r).isEqualTo(200);
        return r.json();
    }

    /** The id of an agent's owner. */
    public String ownerOf(Agent agent) {
        HttpApi.Response r = api.get("/me", agent.key());
        assertThat(r.status()).as("me: %s", r).isEqualTo(200);
        return r.json().get("owner_id").asString();
    }

    /** Creates a job and checks it was created (201). */
    public JsonNode createJob(Agent caller, String capability, String text) {
        HttpApi.Response r = api.post("/kernel-jobs", caller.key(),
                Map.of("capability_key", capability, "input", Map.of("text", text)));
        assertThat(r.status()).as("create job: %s", r).isEqualTo(201);
        return r.json();
    }

    /** Bids and checks the bid was accepted; answers the bid response. */
    public JsonNode bidAccepted(Agent worker, String jobId) {
        HttpApi.Response r = api.post("/kernel-jobs/" + jobId + "/bid", worker.key(), null);
        assertThat(r.status()).as("bid: %s", r).isEqualTo(200);
        assertThat(r.json().get("accepted").asBoolean()).as("bid accepted: %s", r).isTrue();
        return r.json();
    }

    public HttpApi.Response submit(Agent worker, String jobId, String runId, Object output) {
        return api.post("/kernel-jobs/" + jobId + "/submit", worker.key(), Map.of("task_run_id", runId, "output", output));
    }

    public HttpApi.Response heartbeat(Agent worker, String jobId, String runId) {
        return api.post("/kernel-jobs/" + jobId + "/heartbeat", worker.key(), Map.of("task_run_id", runId));
    }

    public JsonNode job(Agent caller, String jobId) {
        HttpApi.Response r = api.get("/kernel-jobs/" + jobId, caller.key());
        assertThat(r.status()).as("get job: %s", r).isEqualTo(200);
        return r.json();
    }

    /** The job's event types, in order. */
    public List<String> eventTypes(Agent caller, String jobId) {
        HttpApi.Response r = api.get("/kernel-jobs/" + jobId + "/events", caller.key());
        assertThat(r.status()).as("events: %s", r).isEqualTo(200);
        return r.json().get("items").valueStream().map(e -> e.get("type").asString()).toList();
    }

    @Override
    public void close() {
        server.close();
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("cjy-");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
