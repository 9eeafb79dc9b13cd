package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code connect} and {@code disconnect} against MCP config files that hold other servers and unrelated
 * settings: only {@code mcpServers.chaojiyuyan} changes, a backup comes first, the write is atomic and
 * private, {@code --dry-run} and a "no" change nothing, and a file that is not a config is refused.
 */
@Timeout(120)
class ConnectTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A config as Claude Code keeps it: other servers, unrelated state, a decimal that must keep its digits. */
    private static final String CLAUDE_JSON = """
            {
              "numStartups": 42,
              "theme": "dark",
              "mcpServers": {
                "github": {"type": "stdio", "command": "/usr/bin/gh-mcp", "env": {"GITHUB_TOKEN": "ghp_not_to_be_printed_0123456789"}},
                "files": {"command": "npx", "args": ["-y", "files-mcp"]}
              },
              "projects": {"/home/me/code": {"allowedTools": [], "lastCost": 0.10}},
              "tipsHistory": {"memory": 3}
            }
            """;

    private static TestKernel kernel;
    private static String agentKey;

    @BeforeAll
    static void server() {
        kernel = SharedKernel.get();
        agentKey = kernel.newAgent().key();
    }

    @Test
    void connectKeepsEverythingElseWritesABackupFirstAndMakesTheFilePrivate() throws IOException {
        CliProcess user = CliProcess.freshUser();
        Path target = write(user.home().resolve(".claude.json"), CLAUDE_JSON);

        CliProcess.Result r = user.run("connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl(), "--yes");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode before = JSON.readTree(CLAUDE_JSON);
        JsonNode after = JSON.readTree(Files.readString(target));
        assertThat(names(after)).containsExactlyElementsOf(names(before));
        for (String member : List.of("numStartups", "theme", "projects", "tipsHistory")) {
            assertThat(after.get(member)).as(member).isEqualTo(before.get(member));
        }
        assertThat(Files.readString(target)).contains("\"lastCost\": 0.10");
        assertThat(names(after.get("mcpServers"))).containsExactly("github", "files", "chaojiyuyan");
        assertThat(after.get("mcpServers").get("github")).isEqualTo(before.get("mcpServers").get("github"));
        assertThat(after.get("mcpServers").get("files")).isEqualTo(before.get("mcpServers").get("files"));
        assertThat(after.get("mcpServers").get("chaojiyuyan")).isEqualTo(JSON.readTree("""
                {"type":"stdio","command":"%s","args":["mcp-server"],
                 "env":{"CHAOJIYUYAN_API_KEY":"%s","HEBING_BASE_URL":"%s"}}"""
                .formatted(CliProcess.LAUNCHER, agentKey, SharedKernel.apiUrl())));
        assertThat(mode(target)).isEqualTo("rw-------");

        List<Path> backups = backups(user.home(), ".claude.json");
        assertThat(backups).hasSize(1);
        assertThat(backups.get(0).getFileName().toString()).matches("\\.claude\\.json\\.backup-\\d{14}");
        assertThat(Files.readString(backups.get(0))).isEqualTo(CLAUDE_JSON);
        assertThat(mode(backups.get(0))).isEqualTo("rw-------");

        Path credentials = user.home().resolve(".chaojiyuyan/credentials");
        assertThat(JSON.readTree(Files.readString(credentials))).isEqualTo(JSON.readTree(
                "{\"api_key\":\"%s\",\"base_url\":\"%s\"}".formatted(agentKey, SharedKernel.apiUrl())));
        assertThat(mode(credentials)).isEqualTo("rw-------");
        assertThat(r.out() + r.err()).doesNotContain(agentKey).contains(agentKey.substring(0, 11) + "...");
    }

    @Test
    void dryRunPrintsTheMaskedDiffAndWritesNothingAtAll() throws IOException {
        CliProcess user = CliProcess.freshUser();
        Path target = write(user.home().resolve("mcp.json"), CLAUDE_JSON);
        Files.setLastModifiedTime(target, FileTime.fromMillis(1_600_000_000_000L));
        byte[] bytes = Files.readAllBytes(target);
        List<Path> listing = listing(user.home());

        CliProcess.Result r = user.run("connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl(),
                "--target", target.toString(), "--dry-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("+++ " + target, "+  \"command\": \"" + CliProcess.LAUNCHER + "\"",
                "\"CHAOJIYUYAN_API_KEY\": \"" + agentKey.substring(0, 11) + "...");
        assertThat(r.out() + r.err()).doesNotContain(agentKey).doesNotContain("ghp_not_to_be_printed");
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(target).toMillis()).isEqualTo(1_600_000_000_000L);
        assertThat(listing(user.home())).isEqualTo(listing);
    }

    @Test
    void disconnectReversesConnectAndThenHasNothingToRemove() throws IOException {
        CliProcess user = CliProcess.freshUser();
        Path target = write(user.home().resolve("claude_desktop_config.json"), CLAUDE_JSON);
        assertThat(user.run("connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl(), "--target", target.toString(),
                "--yes").exit()).isZero();

        CliProcess.Result r = user.run("disconnect", "--target", target.toString(), "--yes");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(JSON.readTree(Files.readString(target))).isEqualTo(JSON.readTree(CLAUDE_JSON));
        assertThat(names(JSON.readTree(Files.readString(target)).get("mcpServers"))).containsExactly("github", "files");
        assertThat(mode(target)).isEqualTo("rw-------");
        assertThat(user.home().resolve(".chaojiyuyan/credentials")).doesNotExist();
        assertThat(backups(user.home(), "claude_desktop_config.json")).hasSize(2);

        CliProcess.Result again = user.run("disconnect", "--target", target.toString(), "--yes");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("nothing to remove");
    }

    @Test
    void aFileThatIsNotAConfigIsRefusedAndNothingIsWritten() throws IOException {
        CliProcess user = CliProcess.freshUser();
        for (String content : List.of("{\"mcpServers\": {\"a\": {}},", "{\"mcpServers\": [\"not\", \"an object\"]}", "[1, 2]")) {
            Path target = write(user.home().resolve("broken.json"), content);
            List<Path> listing = listing(user.home());

            CliProcess.Result r = user.run("connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl(),
                    "--target", target.toString(), "--yes");

            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: invalid_target: " + target)
                    .contains("nothing was written");
            assertThat(Files.readString(target)).isEqualTo(content);
            assertThat(listing(user.home())).isEqualTo(listing);
        }
    }

    @Test
    void withoutYesItAsksAndANoWritesNothing() throws IOException {
        CliProcess user = CliProcess.freshUser();
        Path target = write(user.home().resolve(".claude.json"), CLAUDE_JSON);

        CliProcess.Result no = user.runWithInput("n\n", "connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl());
        assertThat(no.exit()).as(no.toString()).isEqualTo(1);
        assertThat(no.err()).contains("[y/N]", "chaojiyuyan: error: aborted:");
        assertThat(Files.readString(target)).isEqualTo(CLAUDE_JSON);
        assertThat(listing(user.home())).containsExactly(target);

        CliProcess.Result yes = user.runWithInput("y\n", "connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl());
        assertThat(yes.exit()).as(yes.toString()).isZero();
        assertThat(JSON.readTree(Files.readString(target)).get("mcpServers").has("chaojiyuyan")).isTrue();
    }

    @Test
    void theDefaultTargetIsClaudeCodesUserScopeCreatedPrivateWhenMissing() throws IOException {
        CliProcess user = CliProcess.freshUser();

        CliProcess.Result r = user.run("connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl(), "--yes");

        assertThat(r.exit()).as(r.toString()).isZero();
        Path target = user.home().resolve(".claude.json");
        assertThat(names(JSON.readTree(Files.readString(target)))).containsExactly("mcpServers");
        assertThat(mode(target)).isEqualTo("rw-------");
        assertThat(backups(user.home(), ".claude.json")).isEmpty();
    }

    @Test
    void aKeyTheServerRefusesAndAMissingLauncherWriteNothing() throws IOException {
        CliProcess user = CliProcess.freshUser();

        CliProcess.Result refused = user.run("connect", "--api-key", "nxt_ag_" + "x".repeat(49), "--base-url", SharedKernel.apiUrl(), "--yes");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: invalid_key: ");

        user.env("CHAOJIYUYAN_LAUNCHER", null);
        CliProcess.Result noLauncher = user.run("connect", "--api-key", agentKey, "--base-url", SharedKernel.apiUrl(), "--yes");
        assertThat(noLauncher.exit()).as(noLauncher.toString()).isEqualTo(2);
        assertThat(noLauncher.errLines()).singleElement().asString().startsWith("chaojiyuyan: error: no_launcher: ").contains("--command");
        assertThat(listing(user.home())).isEmpty();
    }

    @Test
    void withoutAKeyItLogsInThroughTheDeviceFlowApprovedFromAnotherTerminal() throws Exception {
        CliProcess user = CliProcess.freshUser();
        Path target = user.home().resolve(".claude/mcp.json");
        try (CliProcess.Running connect = user.start("connect", "--base-url", SharedKernel.apiUrl(), "--target", target.toString(), "--yes")) {
            Pattern code = Pattern.compile("Enter code: ([A-Z]{4}-[A-Z]{4})");
            await().atMost(Duration.ofSeconds(60)).until(() -> code.matcher(connect.out()).find());
            Matcher m = code.matcher(connect.out());
            assertThat(m.find()).isTrue();
            assertThat(connect.out()).contains("Open: ");

            // The owner approves from their own terminal, signed in with the CLI.
            CliProcess owner = CliProcess.freshUser();
            assertThat(owner.runWithInput(TestKernel.ADMIN_PASSWORD + "\n", "login", "--email", TestKernel.ADMIN_EMAIL,
                    "--password-stdin", "--base-url", SharedKernel.apiUrl()).exit()).isZero();
            CliProcess.Result approved = owner.run("admin", "approve", m.group(1).toLowerCase());
            assertThat(approved.exit()).as(approved.toString()).isZero();
            assertThat(approved.out()).contains("approved " + m.group(1));

            assertThat(connect.process().waitFor()).as(connect.out() + connect.err()).isZero();
        }
        String key = JSON.readTree(Files.readString(user.home().resolve(".chaojiyuyan/credentials"))).get("api_key").asString();
        assertThat(key).startsWith("nxt_ag_");
        assertThat(JSON.readTree(Files.readString(target)).get("mcpServers").get("chaojiyuyan").get("env").get("CHAOJIYUYAN_API_KEY").asString())
                .isEqualTo(key);
        HttpApi.Response me = kernel.api().get("/me", key);
        assertThat(me.status()).isEqualTo(200);
    }

    private static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    private static List<String> names(JsonNode object) {
        return object.propertyNames().stream().toList();
    }

    private static String mode(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        return java.nio.file.attribute.PosixFilePermissions.toString(perms);
    }

    private static List<Path> backups(Path dir, String name) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(name + ".backup-")).sorted().toList();
        }
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.equals(dir)).sorted().toList();
        }
    }

}
