package com.chaojiyuyan.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bin/chaojiyuyan mcp-server} as MCP clients written by others run it: the packaged launcher
 * (with its class-data-sharing archive), driven by the TypeScript SDK's stdio client and by the MCP
 * Inspector CLI, against a real kernel in this JVM.
 */
@Timeout(180)
class McpServerIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("bin/chaojiyuyan");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> EIGHT_TOOLS = List.of("kernel_list_capabilities", "kernel_create_job", "kernel_get_job",
            "kernel_wait_for_job", "kernel_list_artifacts", "kernel_register_capability_handler", "kernel_claim_job",
            "kernel_submit_job");
    private static TestKernel kernel;
    private static Path cdsDir;

    @BeforeAll
    static void start() throws Exception {
        McpNodeClients.require();
        kernel = TestKernel.start(Db.SQLITE);
        cdsDir = Files.createTempDirectory("cjy-cds-");
    }

    @AfterAll
    static void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void theTypeScriptClientCallsACapabilityServesItAndWaitsWithProgress() throws Exception {
        String capability = kernel.newCapability();
        TestKernel.Agent agent = kernel.newAgent();

        McpNodeClients.Result session = McpNodeClients.run(List.of("node", "mcp-session.mjs", LAUNCHER.toString(), capability),
                Map.of("MCP_SERVER_ENV", JSON.writeValueAsString(serverEnv(agent.key(), cdsDir))), 150);

        assertThat(session.exitCode()).as("stdout:\n%s\nstderr:\n%s", session.stdout(), session.stderr()).isZero();
        Map<String, JsonNode> steps = steps(session.stdout());
        assertThat(steps.get("initialized").at("/server/name").asString()).isEqualTo("chaojiyuyan");
        JsonNode tools = steps.get("tools").get("tools");
        assertThat(tools.valueStream().map(t -> t.get("name").asString())).containsExactlyElementsOf(EIGHT_TOOLS);
        assertThat(tools.valueStream()).allMatch(t -> t.get("hasOutputSchema").asBoolean());
        assertThat(tools.get(2).at("/annotations/readOnlyHint").asBoolean()).isTrue();
        assertThat(tools.get(1).at("/annotations/openWorldHint").asBoolean()).isTrue();

        String jobId = steps.get("created").at("/job/id").asString();
        assertThat(steps.get("claimed").at("/claim/job_id").asString()).as("%s", steps.get("claimed")).isEqualTo(jobId);
        assertThat(steps.get("submitted").at("/job/status").asString()).as("%s", steps.get("submitted")).isEqualTo("succeeded");

        JsonNode waited = steps.get("waited");
        assertThat(waited.get("isError").asBoolean()).as("%s", waited).isFalse();
        assertThat(waited.at("/job/status").asString()).isEqualTo("succeeded");
        assertThat(waited.at("/job/output/echo").asString()).isEqualTo("from the TypeScript client");
        assertThat(waited.get("progress")).isNotEmpty();
        assertThat(waited.get("progress").get(0).get("message").asString()).contains(jobId, "queued");
        assertThat(waited.get("progress").get(0).get("total").asDouble()).isEqualTo(45.0);

        JsonNode artifacts = steps.get("artifacts");
        assertThat(artifacts.get("artifacts")).hasSize(1);
        assertThat(artifacts.at("/artifacts/0/url").asString()).startsWith(kernel.server().publicUrl() + "/api/v1/kernel-jobs/" + jobId);
        assertThat(artifacts.at("/downloads/0/status").asInt()).isEqualTo(200);
        assertThat(artifacts.at("/downloads/0/body").asString()).isEqualTo("an artifact from the TypeScript client");

        JsonNode unknown = steps.get("unknown_capability");
        assertThat(unknown.get("isError").asBoolean()).isTrue();
        assertThat(unknown.get("hasStructuredContent").asBoolean()).isFalse();
        assertThat(unknown.at("/error/error/code").asString()).isEqualTo("unknown_capability");
        assertThat(unknown.at("/error/error/message").asString()).contains("does.not.exist.v1");
        assertThat(steps).containsKey("closed");
    }

    @Test
    void theInspectorCliListsTheToolsAndGetsErrorsWithTheirCodes() {
        TestKernel.Agent agent = kernel.newAgent();
        Map<String, String> env = serverEnv(agent.key(), cdsDir);

        McpNodeClients.Result listed = McpNodeClients.run(McpNodeClients.inspector(LAUNCHER, env, "--method", "tools/list"), Map.of(), 90);
        assertThat(listed.exitCode()).as("%s", listed).isZero();
        JsonNode tools = JSON.readTree(listed.stdout()).get("tools");
        assertThat(tools.valueStream().map(t -> t.get("name").asString())).containsExactlyElementsOf(EIGHT_TOOLS);
        assertThat(tools.valueStream()).allSatisfy(t -> {
            assertThat(t.at("/inputSchema/type").asString()).isEqualTo("object");
            assertThat(t.at("/outputSchema/type").asString()).isEqualTo("object");
            assertThat(t.get("annotations").has("readOnlyHint")).isTrue();
        });

        McpNodeClients.Result called = McpNodeClients.run(McpNodeClients.inspector(LAUNCHER, env, "--method", "tools/call",
                "--tool-name", "kernel_get_job", "--tool-arg", "job_id=job_does_not_exist"), Map.of(), 90);
        assertThat(called.exitCode()).as("%s", called).isZero();
        JsonNode result = JSON.readTree(called.stdout());
        assertThat(result.get("isError").asBoolean()).isTrue();
        assertThat(result.has("structuredContent")).isFalse();
        assertThat(JSON.readTree(result.at("/content/0/text").asString()).at("/error/code").asString()).isEqualTo("not_found");
    }

    @Test
    void withoutCredentialsItPrintsOneLineToStderrAndExits1WithEmptyStdout() throws Exception {
        ProcessBuilder builder = launcher(Files.createTempDirectory("cjy-cds-"));
        builder.environment().put("HOME", Files.createTempDirectory("cjy-home-").toString());
        Process p = builder.start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(p, true));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(p, false));

        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(stdout.get()).isEmpty();
        assertThat(stderr.get().lines().toList()).singleElement().asString()
                .startsWith("chaojiyuyan: error: not_authenticated: no API key: set CHAOJIYUYAN_API_KEY");
    }

    @Test
    void stdoutCarriesOnlyProtocolWhileTheClassDataArchiveIsCreatedAndUsed() throws Exception {
        Path freshCds = Files.createTempDirectory("cjy-cds-");
        String key = kernel.newAgent().key();
        for (String run : List.of("creating the archive", "using the archive")) {
            ProcessBuilder builder = launcher(freshCds);
            builder.environment().putAll(Map.of("CHAOJIYUYAN_API_KEY", key, "CHAOJIYUYAN_BASE_URL", kernel.api().apiUrl()));
            Process p = builder.start();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(p, false));
            List<String> lines = new ArrayList<>();
            try (OutputStream in = p.getOutputStream();
                 BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                in.write(("""
                        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"it","version":"1"}}}
                        {"jsonrpc":"2.0","method":"notifications/initialized"}
                        {"jsonrpc":"2.0","id":2,"method":"tools/list"}
                        """).getBytes(StandardCharsets.UTF_8));
                in.flush();
                lines.add(out.readLine());
                lines.add(out.readLine());
                in.close(); // the client goes away: the server stops by itself
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(run).isTrue();
            assertThat(p.exitValue()).as("%s; stderr:\n%s", run, stderr.get()).isZero();
            assertThat(lines).as("%s: stdout", run).hasSize(2).allSatisfy(line ->
                    assertThat(JSON.readTree(line).get("jsonrpc").asString()).isEqualTo("2.0"));
            assertThat(JSON.readTree(lines.get(1)).at("/result/tools")).hasSize(EIGHT_TOOLS.size());
        }
        try (var archives = Files.list(freshCds)) {
            assertThat(archives.toList()).as("the launcher's AppCDS archive").singleElement()
                    .satisfies(a -> assertThat(a.getFileName().toString()).matches("mcp-server-\\d+\\.jsa"))
                    .satisfies(a -> assertThat(a).isNotEmptyFile());
        }
    }

    private static ProcessBuilder launcher(Path cds) {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "mcp-server");
        Map<String, String> env = builder.environment();
        for (String inherited : List.of("CHAOJIYUYAN_API_KEY", "HEBING_API_KEY", "NEXUS_API_KEY", "CHAOJIYUYAN_BASE_URL",
                "HEBING_BASE_URL", "CHAOJIYUYAN_JAVA_OPTS", "CHAOJIYUYAN_CDS")) {
            env.remove(inherited);
        }
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CHAOJIYUYAN_CDS_DIR", cds.toString());
        return builder;
    }

    private static Map<String, String> serverEnv(String key, Path cds) {
        Map<String, String> env = new HashMap<>();
        env.put("CHAOJIYUYAN_API_KEY", key);
        env.put("CHAOJIYUYAN_BASE_URL", kernel.api().apiUrl());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CHAOJIYUYAN_CDS_DIR", cds.toString());
        return env;
    }

    /** The session's steps by name (each line of its output is one {"step": ..., ...}). */
    private static Map<String, JsonNode> steps(String output) {
        Map<String, JsonNode> steps = new LinkedHashMap<>();
        output.lines().filter(l -> l.startsWith("{")).map(JSON::readTree).forEach(n -> steps.put(n.get("step").asString(), n));
        return steps;
    }

    private static String read(Process p, boolean stdout) {
        try (var in = stdout ? p.getInputStream() : p.getErrorStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
