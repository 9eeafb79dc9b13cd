package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.chaojiyuyan.sdk.Credentials;
import com.chaojiyuyan.sdk.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * The caller's commands, as a user types them against a real server: {@code status}, {@code capabilities},
 * {@code call} (with its input forms, {@code --wait} and the exit status of a job that did not succeed),
 * {@code jobs}, {@code events}, {@code cancel}; and their failures, each one line with a stable code.
 */
@Timeout(120)
class ClientCommandsTest {
    private static TestKernel kernel;
    private static TestKernel.Agent caller;
    private static CliProcess user;

    @BeforeAll
    static void server() {
        kernel = SharedKernel.get();
        caller = kernel.newAgent();
        user = CliProcess.freshUser().env("CHAOJIYUYAN_API_KEY", caller.key()).env("CHAOJIYUYAN_BASE_URL", SharedKernel.apiUrl());
    }

    @Test
    void statusShowsTheMaskedKeyAndWhereEverythingComesFrom() {
        CliProcess.Result human = user.run("status");
        assertThat(human.exit()).as(human.toString()).isZero();
        assertThat(human.out()).contains(caller.key().substring(0, 11) + "...", "env CHAOJIYUYAN_API_KEY",
                SharedKernel.apiUrl(), "env CHAOJIYUYAN_BASE_URL").doesNotContain(caller.key());

        CliProcess fileUser = CliProcess.freshUser();
        new Credentials(caller.key(), SharedKernel.apiUrl()).save(Credentials.file(fileUser.home()));
        CliProcess.Result json = fileUser.run("status", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        JsonNode doc = json.json();
        assertThat(doc.get("api_key").asString()).isEqualTo(caller.key().substring(0, 11) + "..." + caller.key().substring(caller.key().length() - 4));
        assertThat(doc.get("api_key_source").asString()).isEqualTo("file " + Credentials.file(fileUser.home()));
        assertThat(doc.get("base_url").asString()).isEqualTo(SharedKernel.apiUrl());
        assertThat(json.out()).doesNotContain(caller.key());

        CliProcess.Result none = CliProcess.freshUser().run("status");
        assertThat(none.exit()).as(none.toString()).isEqualTo(1);
        assertThat(none.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: not_connected: ");
    }

    @Test
    void capabilitiesListsTheCatalogAsATableOrJson() {
        CliProcess.Result table = user.run("capabilities");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out().lines().findFirst().orElseThrow()).matches("CAPABILITY\\s+NAME\\s+PRICE\\s+STATUS");
        assertThat(table.out()).containsPattern("test\\.echo\\.v1\\s+Test echo\\s+0 nc\\s+active");

        CliProcess.Result json = user.run("capabilities", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        assertThat(json.json().get("items").valueStream().map(s -> s.get("capability_key").asString())).contains("test.echo.v1");
    }

    @Test
    void callWaitsForAWorkerAndPrintsTheFinishedJob() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent workerAgent = kernel.newWorker(capability);
        try (Worker worker = Worker.builder().apiKey(workerAgent.key()).baseUrl(SharedKernel.apiUrl()).environment(Map.of())
                .handler(capability, task -> Map.of("echo", task.input().get("text").asString().toUpperCase()))
                .pollWait(Duration.ofSeconds(5)).build()) {
            Thread.ofVirtual().start(worker::run);

            CliProcess.Result json = user.runWithInput("{\"text\": \"from stdin\"}", "call", capability, "--input", "-", "--wait", "--json");
            assertThat(json.exit()).as(json.toString()).isZero();
            assertThat(json.json().get("status").asString()).isEqualTo("succeeded");
            assertThat(json.json().get("output").get("echo").asString()).isEqualTo("FROM STDIN");
            assertThat(json.err()).isEmpty(); // no spinner: stderr is not a terminal

            CliProcess.Result human = user.run("call", capability, "-i", "{\"text\":\"hi\"}", "-w");
            assertThat(human.exit()).as(human.toString()).isZero();
            assertThat(human.out()).containsPattern("status:\\s+succeeded").contains("\"echo\": \"HI\"");
        }
    }

    @Test
    void aJobFollowedToAFailureOrPastTheTimeoutExitsOne() throws Exception {
        String capability = kernel.newCapability(Map.of("max_attempts", 1));
        TestKernel.Agent worker = kernel.newWorker(capability);
        Path input = Files.writeString(Files.createTempFile("cjy-input-", ".json"), "{\"text\": \"from a file\"}");

        CliProcess.Result created = user.run("call", capability, "--input", "@" + input, "--idempotency-key", "k-1", "--json");
        assertThat(created.exit()).as(created.toString()).isZero();
        String jobId = created.json().get("id").asString();
        assertThat(created.json().get("input").get("text").asString()).isEqualTo("from a file");

        CliProcess.Result timedOut = user.run("call", capability, "--input", "@" + input, "--idempotency-key", "k-1", "--wait", "--timeout", "1s");
        assertThat(timedOut.exit()).as(timedOut.toString()).isEqualTo(1);
        assertThat(timedOut.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: job_timeout: job " + jobId);

        String run = kernel.bidAccepted(worker, jobId).get("task_run_id").asString();
        HttpApi.Response fail = kernel.api().post("/kernel-jobs/" + jobId + "/fail", worker.key(),
                Map.of("task_run_id", run, "error", Map.of("code", "model_refused", "message", "no"), "retryable", false));
        assertThat(fail.status()).as(fail.toString()).isEqualTo(200);

        // The same idempotency key answers the same job, now failed.
        CliProcess.Result failed = user.run("call", capability, "--input", "@" + input, "--idempotency-key", "k-1", "--wait", "--json");
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
        assertThat(failed.json().get("id").asString()).isEqualTo(jobId);
        assertThat(failed.json().get("status").asString()).isEqualTo("failed");
        assertThat(failed.errLines()).singleElement().asString()
                .isEqualTo("chaojiyuyan: error: job_failed: job " + jobId + " failed: model_refused: no");
    }

    @Test
    void jobsEventsAndCancelFollowWhatWasCalled() {
        String capability = kernel.newCapability();
        String jobId = user.run("call", capability, "--input", "{\"text\":\"x\"}", "--json").json().get("id").asString();

        CliProcess.Result cancelled = user.run("cancel", jobId);
        assertThat(cancelled.exit()).as(cancelled.toString()).isZero();
        assertThat(cancelled.out().strip()).isEqualTo(jobId + " cancelled");

        CliProcess.Result status = user.run("status", jobId);
        assertThat(status.out()).containsPattern("status:\\s+cancelled").containsPattern("capability:\\s+" + capability.replace(".", "\\."));

        CliProcess.Result jobs = user.run("jobs", "--capability", capability, "--status", "cancelled", "--json");
        assertThat(jobs.exit()).as(jobs.toString()).isZero();
        assertThat(jobs.json().get("items").valueStream().map(j -> j.get("id").asString())).containsExactly(jobId);
        assertThat(jobs.json().has("next_cursor")).isTrue();
        CliProcess.Result table = user.run("jobs", "--capability", capability);
        assertThat(table.out().lines().toList()).hasSize(2).first().asString().matches("ID\\s+STATUS\\s+CAPABILITY\\s+CREATED\\s+COST");

        CliProcess.Result events = user.run("events", jobId, "--json");
        assertThat(events.exit()).as(events.toString()).isZero();
        assertThat(events.json().get("items").valueStream().map(e -> e.get("type").asString())).containsExactly("created", "cancelled", "settled");

        CliProcess.Result unknown = user.run("cancel", "job_01M7YR6A5TKKKNRYCBZ5Z21HQC");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: not_found: ");
    }

    @Test
    void failuresAreOneLineWithAStableCodeAndTheRightExitStatus() {
        CliProcess.Result unknown = user.run("call", "no.such.capability", "--input", "{}");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: unknown_capability: ");
        assertThat(unknown.out()).isEmpty();

        CliProcess.Result notJson = user.run("call", "test.echo.v1", "--input", "{text: hi}");
        assertThat(notJson.exit()).as(notJson.toString()).isEqualTo(2);
        assertThat(notJson.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: invalid_input: --input is not JSON");

        CliProcess.Result missing = user.run("call");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: usage: ").contains("CAPABILITY");

        CliProcess.Result badTimeout = user.run("call", "test.echo.v1", "--wait", "--timeout", "soon");
        assertThat(badTimeout.exit()).as(badTimeout.toString()).isEqualTo(2);

        CliProcess.Result down = user.run("capabilities", "--base-url", "http://127.0.0.1:1/api/v1");
        assertThat(down.exit()).as(down.toString()).isEqualTo(1);
        assertThat(down.errLines()).singleElement().asString()
                .startsWith("chaojiyuyan: error: unreachable: cannot connect to http://127.0.0.1:1/api/v1");

        CliProcess.Result revoked = CliProcess.freshUser().env("CHAOJIYUYAN_API_KEY", "nxt_ag_" + "0".repeat(49))
                .env("CHAOJIYUYAN_BASE_URL", SharedKernel.apiUrl()).run("jobs");
        assertThat(revoked.exit()).isEqualTo(1);
        assertThat(revoked.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: unauthenticated: ");
        assertThat(revoked.err()).doesNotContain("0".repeat(49)).doesNotContain("Exception");
    }
}
