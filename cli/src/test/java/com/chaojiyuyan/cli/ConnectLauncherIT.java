package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged command, started through a symlink on PATH as {@code bin/install} makes it: the MCP entry
 * {@code connect} writes names the launcher's real absolute path, so the MCP client can start it from
 * anywhere.
 */
class ConnectLauncherIT {

    @Test
    @Timeout(120)
    void connectThroughALinkedLauncherNamesTheRealLauncher() throws Exception {
        String key = SharedKernel.get().newAgent().key();
        Path home = Files.createTempDirectory("cjy-it-home-");
        Path link = Files.createSymbolicLink(Files.createDirectories(home.resolve(".local/bin")).resolve("chaojiyuyan"),
                CliProcess.LAUNCHER);

        ProcessBuilder pb = new ProcessBuilder(link.toString(), "connect", "--api-key", "-", "--base-url", SharedKernel.apiUrl(), "--yes")
                .redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("CHAOJIYUYAN_LAUNCHER");
        Process p = pb.start();
        p.getOutputStream().write((key + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        var entry = JsonMapper.builder().build().readTree(Files.readString(home.resolve(".claude.json"))).get("mcpServers").get("chaojiyuyan");
        assertThat(entry.get("command").asString()).isEqualTo(CliProcess.LAUNCHER.toRealPath().toString());
        assertThat(entry.get("env").get("CHAOJIYUYAN_API_KEY").asString()).isEqualTo(key);
        assertThat(output).doesNotContain(key);
    }
}
