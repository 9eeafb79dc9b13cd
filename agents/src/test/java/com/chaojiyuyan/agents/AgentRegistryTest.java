package com.chaojiyuyan.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.agents.kernel.KernelConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/** The registry's declarations and its checks before any handler runs; no kernel needed. */
class AgentRegistryTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AgentRegistry registry = AgentRegistry.standard(KernelConnection.of("nxt_ag_unused", "http://127.0.0.1:9/api/v1"));

    @Test
    void theKernelAgentDeclaresTheEightToolsOfTheSeed() {
        assertThat(registry.agents()).extracting(Agent::name).containsExactly("kernel");
        assertThat(registry.tools()).extracting(AgentTool::name).containsExactly(
                "kernel_list_capabilities", "kernel_create_job", "kernel_get_job", "kernel_wait_for_job",
                "kernel_list_artifacts", "kernel_register_capability_handler", "kernel_claim_job", "kernel_submit_job");
        assertThat(registry.tools()).allSatisfy(tool -> {
            assertThat(tool.name()).matches("^[a-zA-Z0-9_-]{1,64}$").doesNotContain("__");
            assertThat(tool.description()).isNotBlank();
            assertThat(tool.outputSchema().get("type").asString()).isEqualTo("object");
        });
    }

    @Test
    void annotationsSayWhatEachToolDoes() {
        for (String read : List.of("kernel_list_capabilities", "kernel_get_job", "kernel_wait_for_job", "kernel_list_artifacts")) {
            assertThat(annotations(read)).as(read).isEqualTo(new ToolAnnotations(true, false, true, false));
            assertThat(registry.tool(read).orElseThrow().scope()).isEqualTo(AgentTool.Scope.CALLER);
        }
        assertThat(annotations("kernel_create_job")).isEqualTo(new ToolAnnotations(false, false, false, true));
        assertThat(annotations("kernel_register_capability_handler")).isEqualTo(new ToolAnnotations(false, false, true, false));
        assertThat(annotations("kernel_claim_job")).isEqualTo(new ToolAnnotations(false, false, false, false));
        assertThat(annotations("kernel_submit_job")).isEqualTo(new ToolAnnotations(false, false, true, false));
        assertThat(registry.tool("kernel_claim_job").orElseThrow().scope()).isEqualTo(AgentTool.Scope.WORKER);
    }

    @Test
    void toolNamesThatClientsRefuseAreRefusedAtDeclaration() {
        assertThatThrownBy(() -> tool("agents.lab_workflow.designer")).hasMessageContaining("^[a-zA-Z0-9_-]{1,64}$");
        assertThatThrownBy(() -> tool("kernel__get_job")).hasMessageContaining("'__'");
        assertThatThrownBy(() -> tool("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThat(tool("agents_lab_workflow_designer").name()).isEqualTo("agents_lab_workflow_designer");
    }

    @Test
    void anArgumentWithoutDescriptionAndTwoToolsOfOneNameAreRefused() {
        assertThatThrownBy(() -> new AgentTool("x_tool", AgentTool.Scope.CALLER, "X", "x",
                JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"),
                JSON.readTree("{\"type\":\"object\"}"), ToolAnnotations.readOnly(), (a, c) -> null))
                .hasMessageContaining("argument 'a' has no description");
        Agent one = new Agent("one", "first", List.of(tool("same_name")));
        Agent two = new Agent("two", "second", List.of(tool("same_name")));
        assertThatThrownBy(() -> new AgentRegistry(List.of(one, two))).hasMessageContaining("same_name");
    }

    @Test
    void argumentsNotMatchingTheSchemaAreBadArgumentsBeforeTheHandlerRuns() {
        assertThat(error("kernel_get_job", "{}")).isEqualTo(ToolError.of("bad_arguments", "arguments: 'job_id' is required"));
        assertThat(error("kernel_get_job", "{\"job_id\": 7}").message()).isEqualTo("job_id: integer found, string expected");
        assertThat(error("kernel_get_job", "{\"job_id\": \"job_1\", \"jobid\": 1}").message())
                .isEqualTo("arguments: unknown argument 'jobid' (known: job_id)");
        assertThat(error("kernel_claim_job", "{\"wait_seconds\": 99}").message()).isEqualTo("wait_seconds: must be at most 40");
        assertThat(error("kernel_register_capability_handler", "{\"capability_keys\": []}").message())
                .isEqualTo("capability_keys: must have at least 1 items");
        assertThat(error("kernel_submit_job", """
                {"job_id":"job_1","output":{},"artifacts":[{"name":"a.txt","content_type":"text/plain","text":"x","url":"https://x"}]}""").message())
                .startsWith("artifacts[0]: exactly one of");
        assertThat(error("kernel_create_job", "{\"capability_key\": \"test.echo.v1\", \"input\": \"hi\"}").message())
                .isEqualTo("input: string found, object expected");
    }

    @Test
    void anUnknownToolIsAnErrorValue() {
        assertThat(error("kernel_fly", "{}").code()).isEqualTo("unknown_tool");
    }

    @Test
    void noCredentialsAnywhereIsNotAuthenticated() throws Exception {
        Path emptyHome = Files.createTempDirectory("cjy-home-");
        AgentRegistry unauthenticated = AgentRegistry.standard(KernelConnection.fromEnvironment(Map.of(), emptyHome));

        ToolResult result = unauthenticated.call("kernel_list_capabilities", JsonNodeFactory.instance.objectNode(), ToolContext.NONE);

        assertThat(result).isInstanceOfSatisfying(ToolResult.Failure.class, f -> {
            assertThat(f.error().code()).isEqualTo("not_authenticated");
            assertThat(f.error().message()).contains("CHAOJIYUYAN_API_KEY");
        });
    }

    @Test
    void anUnreachableKernelIsKernelUnreachable() {
        // Port 9 (discard) is not listened on here: the connection is refused.
        assertThat(error("kernel_list_capabilities", "{}").code()).isEqualTo("kernel_unreachable");
    }

    @Test
    void errorsPrintAsOneJsonObjectWithCodeMessageAndDetails() {
        ToolError e = new ToolError("job_timeout", "still running", JsonNodeFactory.instance.objectNode().put("status", "queued"));
        assertThat(e.toJson().toString()).isEqualTo("{\"error\":{\"code\":\"job_timeout\",\"message\":\"still running\",\"status\":\"queued\"}}");
    }

    private ToolAnnotations annotations(String name) {
        return registry.tool(name).orElseThrow().annotations();
    }

    private ToolError error(String tool, String arguments) {
        JsonNode args = JSON.readTree(arguments);
        ToolResult result = registry.call(tool, args, ToolContext.NONE);
        assertThat(result).as("%s(%s)", tool, arguments).isInstanceOf(ToolResult.Failure.class);
        return ((ToolResult.Failure) result).error();
    }

    private static AgentTool tool(String name) {
        return new AgentTool(name, AgentTool.Scope.CALLER, "T", "a tool", JSON.readTree("{\"type\":\"object\"}"),
                JSON.readTree("{\"type\":\"object\"}"), ToolAnnotations.readOnly(), (a, c) -> null);
    }
}
