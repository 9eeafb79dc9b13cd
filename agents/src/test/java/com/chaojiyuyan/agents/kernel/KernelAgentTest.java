package com.chaojiyuyan.agents.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.agents.AgentRegistry;
import com.chaojiyuyan.agents.ToolContext;
import com.chaojiyuyan.agents.ToolError;
import com.chaojiyuyan.agents.ToolResult;
import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The kernel agent's tools against a real kernel, in-process (SQLite: the tools only speak HTTP through
 * the SDK, nothing here depends on the database). A caller and a worker, each with its own registry and
 * key, as two MCP sessions would be.
 */
@Timeout(60)
class KernelAgentTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static TestKernel kernel;
    private final List<KernelConnection> connections = new ArrayList<>();

    @BeforeAll
    static void start() {
        kernel = TestKernel.start(Db.SQLITE);
    }

    @AfterAll
    static void stop() {
        kernel.close();
    }

    @AfterEach
    void closeConnections() {
        connections.forEach(c -> {
            c.releaseClaims("test over");
            c.close();
        });
    }

    @Test
    void aCallerCreatesAJobAWorkerClaimsAndSubmitsItAndTheCallerGetsResultAndArtifacts() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent callerAgent = kernel.newAgent();
        AgentRegistry caller = registry(callerAgent);
        AgentRegistry worker = registry(kernel.newAgent());

        assertThat(ok(worker, "kernel_register_capability_handler", "{\"capability_keys\":[\"" + capability + "\"]}")
                .get("capability_keys").valueStream().map(JsonNode::asString)).containsExactly(capability);
        JsonNode created = ok(caller, "kernel_create_job", "{\"capability_key\":\"" + capability + "\",\"input\":{\"text\":\"hello\"}}");
        String jobId = created.get("id").asString();
        assertThat(created.get("status").asString()).isEqualTo("queued");
        assertThat(ok(caller, "kernel_list_capabilities", "{}").get("capabilities").valueStream()
                .map(c -> c.get("capability_key").asString())).contains(capability, "test.echo.v1");

        JsonNode claim = ok(worker, "kernel_claim_job", "{\"capability_key\":\"" + capability + "\",\"wait_seconds\":10}");
        assertThat(claim.get("claimed").asBoolean()).isTrue();
        assertThat(claim.get("job_id").asString()).isEqualTo(jobId);
        assertThat(claim.get("input")).isEqualTo(JSON.readTree("{\"text\":\"hello\"}"));
        assertThat(claim.get("output_schema").get("required").get(0).asString()).isEqualTo("echo");
        assertThat(ok(caller, "kernel_get_job", "{\"job_id\":\"" + jobId + "\"}").get("status").asString()).isEqualTo("running");

        JsonNode submitted = ok(worker, "kernel_submit_job", """
                {"job_id":"%s","output":{"echo":"hello"},
                 "artifacts":[{"name":"greeting.txt","content_type":"text/plain; charset=utf-8","text":"hello, artifact ✓"}]}"""
                .formatted(jobId));
        assertThat(submitted.get("status").asString()).isEqualTo("succeeded");

        JsonNode done = ok(caller, "kernel_wait_for_job", "{\"job_id\":\"" + jobId + "\",\"timeout_seconds\":10}");
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        assertThat(done.get("output")).isEqualTo(JSON.readTree("{\"echo\":\"hello\"}"));

        JsonNode listed = ok(caller, "kernel_list_artifacts", "{\"job_id\":\"" + jobId + "\"}");
        assertThat(listed.get("status").asString()).isEqualTo("succeeded");
        assertThat(listed.get("artifacts")).hasSize(1);
        JsonNode artifact = listed.get("artifacts").get(0);
        assertThat(artifact.get("name").asString()).isEqualTo("greeting.txt");
        String url = artifact.get("url").asString();
        assertThat(URI.create(url).isAbsolute()).as(url).isTrue();
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + callerAgent.key()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo("hello, artifact ✓");
    }

    @Test
    void aWaitReportsProgressAndEndsWithJobTimeoutWhileTheJobIsStillQueued() {
        String capability = kernel.newCapability();
        AgentRegistry caller = registry(kernel.newAgent());
        String jobId = ok(caller, "kernel_create_job", "{\"capability_key\":\"" + capability + "\",\"input\":{\"text\":\"x\"}}")
                .get("id").asString();
        List<String> progress = new CopyOnWriteArrayList<>();

        ToolResult result = caller.call("kernel_wait_for_job", JSON.readTree("{\"job_id\":\"" + jobId + "\",\"timeout_seconds\":1}"),
                context(progress, new CountDownLatch(1)));

        ToolError error = failure(result);
        assertThat(error.code()).isEqualTo("job_timeout");
        assertThat(error.message()).contains(jobId, "still queued", "call kernel_wait_for_job again");
        assertThat(error.details().get("job_id").asString()).isEqualTo(jobId);
        assertThat(error.details().get("status").asString()).isEqualTo("queued");
        assertThat(progress).first().asString().contains("job " + jobId + " is queued");
    }

    @Test
    void aWaitAnswersAsSoonAsTheJobFinishes() throws Exception {
        String capability = kernel.newCapability();
        AgentRegistry caller = registry(kernel.newAgent());
        AgentRegistry worker = registry(kernel.newAgent());
        ok(worker, "kernel_register_capability_handler", "{\"capability_keys\":[\"" + capability + "\"]}");
        String jobId = ok(caller, "kernel_create_job", "{\"capability_key\":\"" + capability + "\",\"input\":{\"text\":\"x\"}}")
                .get("id").asString();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<ToolResult> wait = CompletableFuture.supplyAsync(() -> caller.call("kernel_wait_for_job",
                JSON.readTree("{\"job_id\":\"" + jobId + "\",\"timeout_seconds\":45}"), context(new ArrayList<>(), waiting)));
        assertThat(waiting.await(20, TimeUnit.SECONDS)).as("the wait reported progress").isTrue();

        ok(worker, "kernel_claim_job", "{\"wait_seconds\":10}");
        ok(worker, "kernel_submit_job", "{\"job_id\":\"" + jobId + "\",\"output\":{\"echo\":\"x\"}}");

        JsonNode done = success(wait.get(30, TimeUnit.SECONDS));
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void theKernelsErrorCodesComeBackAsErrorValues() {
        AgentRegistry caller = registry(kernel.newAgent());
        ToolError unknown = failure(caller.call("kernel_create_job",
                JSON.readTree("{\"capability_key\":\"does.not.exist\",\"input\":{}}"), ToolContext.NONE));
        assertThat(unknown.code()).isEqualTo("unknown_capability");
        assertThat(unknown.message()).contains("does.not.exist");

        ToolError invalid = failure(caller.call("kernel_create_job",
                JSON.readTree("{\"capability_key\":\"test.echo.v1\",\"input\":{\"txt\":1}}"), ToolContext.NONE));
        assertThat(invalid.code()).isEqualTo("validation_failed");
        assertThat(invalid.details().get("errors")).isNotEmpty();

        assertThat(failure(caller.call("kernel_get_job", JSON.readTree("{\"job_id\":\"job_nope\"}"), ToolContext.NONE)).code())
                .isEqualTo("not_found");
        assertThat(failure(caller.call("kernel_claim_job", JSON.readTree("{\"wait_seconds\":0}"), ToolContext.NONE)).code())
                .isEqualTo("worker_not_enabled");
        assertThat(failure(caller.call("kernel_submit_job", JSON.readTree("{\"job_id\":\"job_nope\",\"output\":{}}"), ToolContext.NONE)).code())
                .isEqualTo("task_run_not_found");
    }

    @Test
    void noJobWithinTheWaitIsANormalAnswer() {
        AgentRegistry worker = registry(kernel.newAgent());
        String capability = kernel.newCapability();
        ok(worker, "kernel_register_capability_handler", "{\"capability_keys\":[\"" + capability + "\"]}");

        JsonNode none = ok(worker, "kernel_claim_job", "{\"wait_seconds\":0}");

        assertThat(none.get("claimed").asBoolean()).isFalse();
        assertThat(none.get("message").asString()).contains("no job was available");
    }

    @Test
    void aClaimIsKeptAliveByHeartbeatsOnDaemonThreads() {
        String capability = kernel.newCapability(Map.of("lease_seconds", 2, "heartbeat_seconds", 1));
        AgentRegistry caller = registry(kernel.newAgent());
        AgentRegistry worker = registry(kernel.newAgent());
        ok(worker, "kernel_register_capability_handler", "{\"capability_keys\":[\"" + capability + "\"]}");
        ok(caller, "kernel_create_job", "{\"capability_key\":\"" + capability + "\",\"input\":{\"text\":\"x\"}}");

        JsonNode claim = ok(worker, "kernel_claim_job", "{\"wait_seconds\":10}");
        String run = claim.get("task_run_id").asString();
        long leaseAtBid = leaseExpiresAt(run);

        await().atMost(Duration.ofSeconds(15)).until(() -> leaseExpiresAt(run) > leaseAtBid);
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().startsWith("kernel-claim-heartbeat"))
                .isNotEmpty().allMatch(Thread::isDaemon);
        // Past the first lease, the job is still this run's: the submit is accepted.
        await().atMost(Duration.ofSeconds(15)).until(() -> System.currentTimeMillis() > leaseAtBid + 500);
        assertThat(ok(worker, "kernel_submit_job", "{\"job_id\":\"" + claim.get("job_id").asString() + "\",\"output\":{\"echo\":\"x\"}}")
                .get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void aClaimHeldPastMaxHoldSecondsIsReleasedToOtherWorkers() {
        String capability = kernel.newCapability();
        TestKernel.Agent callerAgent = kernel.newAgent();
        AgentRegistry caller = registry(callerAgent);
        AgentRegistry worker = registry(kernel.newAgent());
        ok(worker, "kernel_register_capability_handler", "{\"capability_keys\":[\"" + capability + "\"]}");
        String jobId = ok(caller, "kernel_create_job", "{\"capability_key\":\"" + capability + "\",\"input\":{\"text\":\"x\"}}")
                .get("id").asString();

        JsonNode claim = ok(worker, "kernel_claim_job", "{\"wait_seconds\":10,\"max_hold_seconds\":1}");
        assertThat(claim.get("job_id").asString()).isEqualTo(jobId);

        await().atMost(Duration.ofSeconds(15)).until(() -> kernel.job(callerAgent, jobId).get("status").asString().equals("queued"));
        assertThat(kernel.eventTypes(callerAgent, jobId)).contains("bid_accepted");
        ToolError late = failure(worker.call("kernel_submit_job", JSON.readTree("{\"job_id\":\"" + jobId + "\",\"output\":{\"echo\":\"x\"}}"),
                ToolContext.NONE));
        assertThat(late.code()).isEqualTo("lease_expired");
        assertThat(late.message()).contains("max_hold_seconds", "claim a job again");
        // Another claim takes the job again at once.
        assertThat(ok(worker, "kernel_claim_job", "{\"wait_seconds\":10}").get("job_id").asString()).isEqualTo(jobId);
    }

    @Test
    void anOutputFailingTheSchemaKeepsTheClaimForAnotherSubmit() {
        String capability = kernel.newCapability();
        AgentRegistry caller = registry(kernel.newAgent());
        AgentRegistry worker = registry(kernel.newAgent());
        ok(worker, "kernel_register_capability_handler", "{\"capability_keys\":[\"" + capability + "\"]}");
        String jobId = ok(caller, "kernel_create_job", "{\"capability_key\":\"" + capability + "\",\"input\":{\"text\":\"x\"}}")
                .get("id").asString();
        ok(worker, "kernel_claim_job", "{\"wait_seconds\":10}");

        ToolError refused = failure(worker.call("kernel_submit_job", JSON.readTree("{\"job_id\":\"" + jobId + "\",\"output\":{\"wrong\":1}}"),
                ToolContext.NONE));
        assertThat(refused.code()).isEqualTo("submit_validation_failed");
        assertThat(refused.details().get("errors")).isNotEmpty();
        assertThat(refused.details().get("submit_attempts_left").asInt()).isEqualTo(2);

        JsonNode accepted = ok(worker, "kernel_submit_job", "{\"job_id\":\"" + jobId + "\",\"output\":{\"echo\":\"x\"}}");
        assertThat(accepted.get("status").asString()).isEqualTo("succeeded");
        // Submitting the same again answers the same job (the kernel never settles twice).
        assertThat(ok(worker, "kernel_submit_job", "{\"job_id\":\"" + jobId + "\",\"output\":{\"echo\":\"x\"}}").get("status").asString())
                .isEqualTo("succeeded");
    }

    private long leaseExpiresAt(String taskRunId) {
        return kernel.server().database().read(h -> h.createQuery("SELECT lease_expires_at FROM task_runs WHERE id = :id")
                .bind("id", taskRunId).mapTo(Long.class).one());
    }

    private AgentRegistry registry(TestKernel.Agent agent) {
        KernelConnection connection = KernelConnection.of(agent.key(), kernel.api().apiUrl());
        connections.add(connection);
        return AgentRegistry.standard(connection);
    }

    private static ToolContext context(List<String> progress, CountDownLatch reported) {
        return new ToolContext() {
            @Override
            public void progress(double value, Double total, String message) {
                progress.add(message);
                reported.countDown();
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
    }

    private static ObjectNode ok(AgentRegistry registry, String tool, String arguments) {
        return success(registry.call(tool, JSON.readTree(arguments), ToolContext.NONE));
    }

    private static ObjectNode success(ToolResult result) {
        assertThat(result).as("%s", result).isInstanceOf(ToolResult.Success.class);
        return ((ToolResult.Success) result).value();
    }

    private static ToolError failure(ToolResult result) {
        assertThat(result).as("%s", result).isInstanceOf(ToolResult.Failure.class);
        return ((ToolResult.Failure) result).error();
    }
}
