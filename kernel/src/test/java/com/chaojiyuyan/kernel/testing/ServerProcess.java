package com.chaojiyuyan.kernel.testing;

import com.chaojiyuyan.kernel.KernelServer;
import com.chaojiyuyan.kernel.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A kernel server in another JVM, for what one process cannot show: that a lock holds against other
 * processes. The child starts a server from CHAOJIYUYAN_* settings, prints {@code listening <port>} or
 * {@code refused <message>}, and serves until its standard input closes.
 */
public final class ServerProcess implements AutoCloseable {
    private static final String LISTENING = "listening ";
    private static final String REFUSED = "refused ";

    /** How the child's start ended: listening on a port, or refused with a message. */
    public record Outcome(Integer port, String refusal) {
    }

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();

    private ServerProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the child went away
            }
        });
    }

    /** Starts a child JVM serving {@code jdbcUrl} with the test admin and a fresh data directory. */
    public static ServerProcess start(String jdbcUrl) {
        return start(jdbcUrl, Map.of());
    }

    /**
     * Starts a child JVM serving {@code jdbcUrl} with the test admin, a fresh data directory and extra
     * {@code CHAOJIYUYAN_*} {@code settings} (which may override those, e.g. a fixed port for a restart).
     */
    public static ServerProcess start(String jdbcUrl, Map<String, String> settings) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1", ServerProcess.class.getName())
                .redirectErrorStream(true);
        builder.environment().putAll(Map.of(
                "CHAOJIYUYAN_DB_URL", jdbcUrl,
                "CHAOJIYUYAN_PORT", "0",
                "CHAOJIYUYAN_DATA_DIR", TestKernel.tempDir().toString(),
                "CHAOJIYUYAN_ADMIN_EMAIL", TestKernel.ADMIN_EMAIL,
                "CHAOJIYUYAN_ADMIN_PASSWORD", TestKernel.ADMIN_PASSWORD));
        builder.environment().putAll(settings);
        try {
            return new ServerProcess(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a server process", e);
        }
    }

    /** Waits for the child to report how its start ended. */
    public Outcome awaitStart(long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException("the server process did not report its start; output so far: " + output);
            }
            output.add(line);
            if (line.startsWith(LISTENING)) {
                return new Outcome(Integer.parseInt(line.substring(LISTENING.length()).trim()), null);
            }
            if (line.startsWith(REFUSED)) {
                return new Outcome(null, line.substring(REFUSED.length()));
            }
        }
    }

    /** Kills the child at once (SIGKILL, like {@code kill -9}): no shutdown hook, no graceful close. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server process did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The child's output so far (its start report and its log lines), for failure messages. */
    public List<String> output() {
        List<String> all = new ArrayList<>(output);
        all.addAll(lines);
        return all;
    }

    /** Stops the child: closing its standard input makes it close its server and exit. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** The child's entry point. */
    public static void main(String[] args) throws IOException {
        KernelServer server;
        try {
            server = KernelServer.start(ServerConfig.fromEnvironment());
        } catch (RuntimeException e) {
            System.out.println(REFUSED + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        try (server) {
            System.out.println(LISTENING + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our standard input
            }
        }
        System.exit(0);
    }
}
