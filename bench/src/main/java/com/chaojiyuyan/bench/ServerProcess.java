package com.chaojiyuyan.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A kernel in a JVM of its own, so that its memory and CPU can be told apart from its clients'. The
 * parent reads one line {@code READY <api url> <caller key> <worker key>}, then sends commands on stdin:
 * {@code cpu} (answers {@code CPU <process CPU ns>}), {@code stats} (answers {@code STATS <heap used
 * after GC> <RSS> <process CPU ns> <live threads>}) and
 * {@code quit}. It exits when stdin closes, so a dying parent leaves no server behind.
 */
public final class ServerProcess {
    private ServerProcess() {
    }

    /** A started child and its command channel. */
    record Handle(Process process, String apiUrl, String callerKey, String workerKey,
                  BufferedReader out, java.io.PrintStream in) implements AutoCloseable {

        /** Memory and CPU of the server process now, after a full GC. */
        record Stats(long heapAfterGcBytes, long rssBytes, long cpuNanos, int threads) {
        }

        /** CPU time the server process has used so far, in nanoseconds (no GC first, unlike {@link #stats}). */
        long cpuNanos() throws IOException {
            in.println("cpu");
            in.flush();
            return Long.parseLong(expect("CPU").split(" ")[1]);
        }

        Stats stats() throws IOException {
            in.println("stats");
            in.flush();
            String[] p = expect("STATS").split(" ");
            return new Stats(Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3]), Integer.parseInt(p[4]));
        }

        private String expect(String prefix) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IOException("the server process ended (exit " + waitExit() + ") without answering " + prefix);
        }

        private int waitExit() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() throws Exception {
            in.println("quit");
            in.flush();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroy();
            }
        }
    }

    /** Starts {@code ServerProcess --db <db>} with this JVM's java and class path. */
    static Handle start(String db, Map<String, String> settings) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx2g"));
        // For profiling the server alone, e.g. -XX:StartFlightRecording=filename=server.jfr
        String extra = System.getenv("CHAOJIYUYAN_BENCH_SERVER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerProcess.class.getName(), db));
        settings.forEach((k, v) -> command.add(k + "=" + v));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        java.io.PrintStream in = new java.io.PrintStream(p.getOutputStream(), true);
        String ready = null;
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("READY ")) {
                ready = line;
                break;
            }
        }
        if (ready == null) {
            throw new IllegalStateException("the server process did not start (exit " + p.waitFor() + ")");
        }
        String[] parts = ready.split(" ");
        return new Handle(p, parts[1], parts[2], parts[3], out, in);
    }

    /** {@code ServerProcess sqlite|postgres [SETTING=value...]}. */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        try (BenchServer server = BenchServer.start(args[0], settings)) {
            String caller = server.newAgentKey("bench-caller");
            String worker = server.newAgentKey("bench-worker");
            server.post("/kernel-agents/me/capabilities", worker, Map.of("capability_keys", List.of("test.echo.v1")));
            System.out.println("READY " + server.apiUrl() + " " + caller + " " + worker);
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in));
            String command;
            while ((command = commands.readLine()) != null && !command.equals("quit")) {
                if (command.equals("cpu")) {
                    System.out.println("CPU " + Throughput.processCpuNanos());
                    System.out.flush();
                } else if (command.equals("stats")) {
                    System.out.println("STATS " + heapAfterGc() + " " + rss() + " " + Throughput.processCpuNanos() + " "
                            + ManagementFactory.getThreadMXBean().getThreadCount());
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Resident set size from /proc (Linux), or -1. */
    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }
}
