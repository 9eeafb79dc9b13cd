package com.chaojiyuyan.cli.agents;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm project in {@code cli/src/test/mcp-node}: real MCP clients (the TypeScript SDK, the MCP
 * Inspector CLI), versions pinned by its lock file and installed with {@code npm ci} when missing. Without
 * node and npm the tests are skipped, except under {@code CI=true}, where they fail: CI must run them.
 */
public final class McpNodeClients {
    public static final Path DIR = Path.of("src/test/mcp-node").toAbsolutePath();

    private McpNodeClients() {
    }

    /** What a finished process printed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Checks node and npm, and installs the pinned clients if they are not there yet. */
    public static synchronized void require() {
        if (!Files.isRegularFile(DIR.resolve("package-lock.json"))) {
            fail("no npm project at " + DIR + " (tests run from the cli module's directory)");
        }
        unavailableUnless(run(List.of("node", "--version"), Map.of(), 30).exitCode() == 0
                && run(List.of("npm", "--version"), Map.of(), 30).exitCode() == 0, "node and npm are not installed");
        if (!Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/sdk"))
                || !Files.isDirectory(DIR.resolve("node_modules/@modelcontextprotocol/inspector"))) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
            unavailableUnless(install.exitCode() == 0, "npm ci failed in " + DIR + ":\n" + install.stdout() + install.stderr());
        }
    }

    /** Runs {@code command} in the npm project with {@code env} added, to its end (at most {@code timeoutSeconds}). */
    static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, text(out), "timed out after " + timeoutSeconds + " s\n" + text(err));
            }
            return new Result(p.exitValue(), text(out), text(err));
        } catch (IOException e) {
            return new Result(-1, "", String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Inspector CLI's arguments: {@code --cli -e K=V ... <launcher> mcp-server <method args>}. */
    static List<String> inspector(Path launcher, Map<String, String> serverEnv, String... methodArgs) {
        List<String> command = new ArrayList<>(List.of(DIR.resolve("node_modules/.bin/mcp-inspector").toString(), "--cli"));
        serverEnv.forEach((k, v) -> command.addAll(List.of("-e", k + "=" + v)));
        command.addAll(List.of(launcher.toString(), "mcp-server"));
        command.addAll(List.of(methodArgs));
        return command;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String text(CompletableFuture<byte[]> bytes) {
        return new String(bytes.join(), StandardCharsets.UTF_8);
    }

    private static void unavailableUnless(boolean ok, String why) {
        if (ok) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + " (CI=true: these tests must run)");
        }
        Assumptions.abort(why + "; skipped outside CI");
    }
}
