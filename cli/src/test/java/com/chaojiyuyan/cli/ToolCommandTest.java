package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.TestKernel;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code chaojiyuyan tool} as a user runs it after {@code connect}: a separate process, its own home, the key
 * and URL found only in {@code ~/.chaojiyuyan/credentials} (nothing in the environment).
 */
class ToolCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void toolCallsTheKernelWithTheSavedCredentials() throws Exception {
        TestKernel kernel = SharedKernel.get();
        CliProcess user = CliProcess.freshUser();
        Files.createDirectories(user.home().resolve(".chaojiyuyan"));
        Files.writeString(user.home().resolve(".chaojiyuyan/credentials"), JSON.writeValueAsString(
                Map.of("api_key", kernel.newAgent().key(), "base_url", SharedKernel.apiUrl())));

        CliProcess.Result created = user.run("tool", "kernel_create_job", "--arg", "capability_key=test.echo.v1",
                "--arg", "input={\"text\":\"hi\"}", "--json");

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out().lines().toList()).as("one line of JSON").hasSize(1);
        JsonNode job = created.json();
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("input").get("text").asString()).isEqualTo("hi");
    }
}
