package com.chaojiyuyan.kernel.deviceflow;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm project in {@code kernel/src/test/node}: independent clients (openid-client, Playwright with
 * Debian's Chromium) that the JUnit tests run with {@code node}. Installed by {@code npm ci} when
 * missing. Where node, npm or Chromium is absent the tests are skipped, except under {@code CI=true},
 * where they fail: CI must run them.
 */
final class NodeProject {
    static final Path DIR = Path.of("src/test/node").toAbsolutePath();
    static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium");

    private NodeProject() {
    }

    /** Checks node and npm, and installs the project's packages if they are not there yet. */
    static synchronized void require() {
        if (!Files.isRegularFile(DIR.resolve("package-lock.json"))) {
            fail("no npm project at " + DIR + " (tests run from the kernel module's directory)");
        }
        unavailableUnless(works("node", "--version") && works("npm", "--version"), "node and npm are not installed");
        if (!Files.isDirectory(DIR.resolve("node_modules/openid-client")) || !Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) {
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            unavailableUnless(install.exitCode() == 0, "npm ci failed in " + DIR + ":\n" + install.output());
        }
    }

    static void requireChromium() {
        unavailableUnless(Files.isExecutable(Path.of(CHROMIUM)), "no Chromium at " + CHROMIUM + " (apt-get install chromium)");
    }

    /** Starts {@code node <script> <args>} in the project; stderr goes to the result's output. */
    static Script start(String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        try {
            Path stderr = Files.createTempFile("node-stderr-", ".txt");
            Process process = new ProcessBuilder(command).directory(DIR.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            process.getOutputStream().close();
            return new Script(process, stderr);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A running script: its stdout read line by line (each line one JSON event). */
    static final class Script implements AutoCloseable {
        private final Process process;
        private final Path stderr;
        private final BufferedReader stdout;

        Script(Process process, Path stderr) {
            this.process = process;
            this.stderr = stderr;
            this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The next line the script prints; blocks until it does (the test's timeout bounds it). */
        String nextLine() {
            try {
                String line = stdout.readLine();
                if (line == null) {
                    fail("the script ended without the expected output; stderr:\n" + stderr());
                }
                return line;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        int waitFor(int seconds) {
            try {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                    fail("the script did not end within " + seconds + " s; stderr:\n" + stderr());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        String stderr() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean works(String... command) {
        return run(List.of(command), 30).exitCode() == 0;
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
