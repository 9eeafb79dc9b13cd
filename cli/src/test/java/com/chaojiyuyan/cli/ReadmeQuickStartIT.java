package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.cli.agents.McpNodeClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's quick start, run as written: every {@code $ command} of its console blocks, in order, in
 * bash, from the repository's root, against the server its first command starts; and each command's
 * output compared with the output the README shows, once what differs from run to run is blanked out
 * (ids, keys, times, the port, the home directory). Ids the README's commands carry (the agent key, the
 * job and task run ids) are replaced by the ones this run's earlier outputs printed, as a reader copies
 * them. Keeps the quick start true: a changed command or a changed output fails here.
 */
class ReadmeQuickStartIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String README_HOME = "/home/me";
    private static final String README_CHECKOUT = "/home/me/chaojiyuyan";
    /** The README runs the Inspector with npx; the test runs the same pinned version from its npm project. */
    private static final String NPX_INSPECTOR = "npx -y @modelcontextprotocol/inspector@0.15.0";
    private static final Pattern IDS = Pattern.compile("\\b(?:nxt_ag_[A-Za-z0-9]{20,}|(?:ag|job|tr)_[0-9A-Z]{26})\\b");

    /** One {@code $ command} of the README and the lines it shows after it. */
    record Step(String command, List<String> shown) {
    }

    @Test
    @Timeout(300)
    void theQuickStartRunsAsWrittenAndPrintsWhatItShows() throws Exception {
        McpNodeClients.require();
        List<Step> steps = quickStartSteps();
        assertThat(steps).as("the quick start's commands").hasSizeGreaterThanOrEqualTo(10);
        assertThat(steps.getFirst().command()).isEqualTo("bin/chaojiyuyan serve");

        Path home = Files.createTempDirectory("cjy-readme-home-");
        // The reader's Claude Code config already holds another server and other settings (the README's
        // connect output says so).
        Files.writeString(home.resolve(".claude.json"), """
                {
                  "numStartups": 12,
                  "theme": "dark",
                  "mcpServers": {
                    "github": {"type": "stdio", "command": "github-mcp", "args": []}
                  }
                }
                """);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CHAOJIYUYAN_CDS", "off");  // archives are tested elsewhere; creating one per command here costs seconds

        Process server = start(steps.getFirst().command(), env, Map.of("CHAOJIYUYAN_PORT", "0"));
        try {
            List<String> banner = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> collect(server, banner));
            await().atMost(Duration.ofSeconds(90)).until(() -> banner.stream().anyMatch(l -> l.startsWith("stop with")));
            Matcher listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(String.join("\n", banner));
            assertThat(listening.find()).as(String.join("\n", banner)).isTrue();
            String port = listening.group(1);
            Matcher password = Pattern.compile("password: (\\S+)").matcher(String.join("\n", banner));
            assertThat(password.find()).isTrue();
            assertSameOutput(steps.getFirst(), String.join("\n", banner), home, port);

            // Every later command reaches this server (its port is not the README's 8080) and signs in
            // with the printed password (the README types it at a prompt).
            env.put("CHAOJIYUYAN_BASE_URL", "http://127.0.0.1:" + port + "/api/v1");
            env.put("CHAOJIYUYAN_PASSWORD", password.group(1));
            Map<String, String> copied = new LinkedHashMap<>();
            for (Step step : steps.subList(1, steps.size())) {
                String command = step.command().replace(NPX_INSPECTOR, McpNodeClients.DIR.resolve("node_modules/.bin/mcp-inspector").toString());
                for (var id : copied.entrySet()) {
                    command = command.replace(id.getKey(), id.getValue());
                }
                Run run = run(command, env);
                assertThat(run.exit()).as("exit status of `%s`%n%s", step.command(), run).isZero();
                assertSameOutput(step, run.out() + run.err(), home, port);
                copied.putAll(idsShownAndPrinted(step.shown(), run.out() + run.err()));
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The {@code $ } commands (with their {@code \} continuation lines) of the quick start's console blocks. */
    private static List<Step> quickStartSteps() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("## Quick start");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README.md has a quick start").isNotNegative();
        List<Step> steps = new ArrayList<>();
        Matcher block = Pattern.compile("```console\n(.*?)\n```", Pattern.DOTALL).matcher(readme.substring(start, end));
        while (block.find()) {
            List<String> lines = block.group(1).lines().toList();
            for (int i = 0; i < lines.size(); ) {
                if (!lines.get(i).startsWith("$ ")) {
                    i++;
                    continue;
                }
                StringBuilder command = new StringBuilder(lines.get(i).substring(2));
                while (lines.get(i).endsWith("\\")) {
                    command.append('\n').append(lines.get(++i));
                }
                i++;
                List<String> shown = new ArrayList<>();
                while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
                    shown.add(lines.get(i++));
                }
                steps.add(new Step(command.toString(), shown));
            }
        }
        return steps;
    }

    /** The printed output equals the shown one, apart from what differs from run to run. */
    private static void assertSameOutput(Step step, String printed, Path home, String port) {
        List<String> shown = step.shown().stream()
                // the password prompt is written to the terminal, which a test does not have
                .filter(line -> !line.startsWith("Password for "))
                .map(line -> blank(line.replace(README_CHECKOUT, ROOT.toString()).replace(README_HOME, home.toString()), home, port))
                .toList();
        List<String> actual = printed.lines()
                .filter(line -> !line.startsWith("npm ") && !line.isBlank())
                .map(line -> blank(line, home, port))
                .toList();
        assertThat(actual).as("what `%s` printed (left) vs what the README shows", step.command())
                .containsExactlyInAnyOrderElementsOf(shown);
    }

    private static String blank(String line, Path home, String port) {
        return line
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "<time>")
                .replaceAll("backup-\\d{14}", "backup-<stamp>")
                .replaceAll("nxt_ag_[A-Za-z0-9]{4}\\.\\.\\.[A-Za-z0-9]{4}", "<masked key>")
                .replaceAll("nxt_ag_[A-Za-z0-9]{20,}", "<key>")
                .replaceAll("\\b(ag|job|tr)_[0-9A-Z]{26}\\b", "$1_<id>")
                .replaceAll("password: \\S+", "password: <password>")
                .replace("127.0.0.1:" + port, "127.0.0.1:8080")
                .replace(home.toString(), README_HOME);
    }

    /** The README's ids and this run's, paired in the order they appear in the output. */
    private static Map<String, String> idsShownAndPrinted(List<String> shown, String printed) {
        List<String> readmeIds = ids(String.join("\n", shown));
        List<String> runIds = ids(printed);
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(readmeIds.size(), runIds.size()); i++) {
            pairs.putIfAbsent(readmeIds.get(i), runIds.get(i));
        }
        return pairs;
    }

    private static List<String> ids(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = IDS.matcher(text);
        while (m.find()) {
            ids.add(m.group());
        }
        return ids;
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Process start(String command, Map<String, String> env, Map<String, String> extra) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().putAll(extra);
        return builder.start();
    }

    private static Run run(String command, Map<String, String> env) throws Exception {
        Process p = start(command, env, Map.of());
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, out.join(), "timed out\n" + err.join());
        }
        return new Run(p.exitValue(), out.join(), err.join());
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void collect(Process server, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the server ended
        }
    }
}
