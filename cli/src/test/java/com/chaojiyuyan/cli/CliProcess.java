package com.chaojiyuyan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code chaojiyuyan} command as a user runs it: a separate JVM with its own environment (a clean one:
 * nothing of the developer's leaks in), an isolated home directory, real stdin, stdout, stderr and exit code.
 */
final class CliProcess {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** What {@code bin/chaojiyuyan} exports as its own path: the MCP entry's command. */
    static final Path LAUNCHER = ROOT.resolve("bin/chaojiyuyan");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How a run ended. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            return JSON.readTree(out);
        }

        /** The stderr lines, for "exactly one line" checks. */
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    private CliProcess(Path home) {
        this.home = home;
        env.put("HOME", home.toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("LANG", "C.UTF-8");
        env.put("CHAOJIYUYAN_LAUNCHER", LAUNCHER.toString());
    }

    /** A user with a fresh, empty home directory. */
    static CliProcess freshUser() {
        try {
            return new CliProcess(Files.createTempDirectory("cjy-cli-home-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path home() {
        return home;
    }

    /** Sets (or, with null, removes) an environment variable for later runs. */
    CliProcess env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    /** Runs to the end with {@code stdin} as standard input. */
    Result runWithInput(String stdin, String... args) {
        Path out = temp("out");
        Path err = temp("err");
        Process p = start(out, err, args);
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the command did not read its input
        }
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chaojiyuyan %s finished", List.of(args)).isTrue();
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running command (a worker, a device login), its output going to files the test reads as it goes. */
    Running start(String... args) {
        Path out = temp("out");
        Path err = temp("err");
        return new Running(start(out, err, args), out, err);
    }

    record Running(Process process, Path outFile, Path errFile) implements AutoCloseable {
        String out() {
            return read(outFile);
        }

        String err() {
            return read(errFile);
        }

        /** Sends a line to its stdin. */
        void type(String line) {
            try {
                process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGTERM, as a service manager or Ctrl-C would stop it; answers the exit code. */
        int terminate() throws InterruptedException {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Process start(Path out, Path err, String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                // A short-lived command: the quick JIT tier and no parallel GC threads start it fastest.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-Duser.home=" + home, Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path temp(String suffix) {
        try {
            return Files.createTempFile("cjy-cli-", "." + suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
