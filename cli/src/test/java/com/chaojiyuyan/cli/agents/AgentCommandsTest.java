package com.chaojiyuyan.cli.agents;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.cli.InProcessRun;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code chaojiyuyan agents list} and {@code chaojiyuyan tool}: listing, calling, exit codes and error lines. */
class AgentCommandsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static InProcessRun run(String... args) {
        return InProcessRun.of(args);
    }

    @Test
    void agentsListShowsEveryToolWithItsScopeAndEffects() {
        InProcessRun r = run("agents", "list");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("kernel: ").containsPattern("kernel_create_job +caller +writes, open-world")
                .containsPattern("kernel_get_job +caller +read-only").containsPattern("kernel_submit_job +worker +writes, idempotent");
    }

    @Test
    void agentsListJsonCarriesSchemasAndAnnotations() {
        InProcessRun r = run("agents", "list", "--json");

        assertThat(r.exit()).isZero();
        JsonNode tools = JSON.readTree(r.out()).at("/agents/0/tools");
        assertThat(tools).hasSize(8);
        assertThat(tools.get(0).at("/annotations/readOnlyHint").asBoolean()).isTrue();
        assertThat(tools.get(3).at("/input_schema/properties/timeout_seconds/description").asString()).contains("capped at 50");
    }

    @Test
    void toolErrorsAreOneLineWithTheirCodeAndExit1() {
        InProcessRun unknown = run("tool", "kernel_fly");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err().lines().toList()).singleElement().asString().startsWith("chaojiyuyan: error: unknown_tool: no tool named 'kernel_fly'");

        InProcessRun missing = run("tool", "kernel_get_job");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("chaojiyuyan: error: bad_arguments: arguments: 'job_id' is required" + System.lineSeparator());
    }

    @Test
    void anArgumentWithoutAnEqualsSignIsAUsageError() {
        InProcessRun r = run("tool", "kernel_get_job", "--arg", "job_id");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--arg needs KEY=VALUE, got 'job_id'");
    }

    @Test
    void valuesAreJsonWhenTheyParseAndStringsOtherwise() {
        assertThat(ToolCommand.value("5").isIntegralNumber()).isTrue();
        assertThat(ToolCommand.value("true").isBoolean()).isTrue();
        assertThat(ToolCommand.value("{\"text\":\"hi\"}").get("text").asString()).isEqualTo("hi");
        assertThat(ToolCommand.value("[\"a\"]").isArray()).isTrue();
        assertThat(ToolCommand.value("job_01ABC").asString()).isEqualTo("job_01ABC");
        assertThat(ToolCommand.value("test.echo.v1").asString()).isEqualTo("test.echo.v1");
        assertThat(ToolCommand.value("").asString()).isEmpty();
        assertThat(ToolCommand.value("{not json").asString()).isEqualTo("{not json");
    }
}
