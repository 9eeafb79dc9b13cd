package com.chaojiyuyan.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The peer: the same workload on graphile-worker ({@code bench/node/graphile.mjs}), on the same
 * PostgreSQL, in a database of its own, with the same concurrency, producers and backlog as
 * {@link Throughput}. Its dependencies are installed with {@code npm ci} when missing.
 */
final class GraphilePeer {
    record Result(String config, int concurrency, double jobsPerSecond, Latencies pickup, long completed, long lost,
                  String settings) {
    }

    private GraphilePeer() {
    }

    static Path nodeDir(Path root) {
        return root.resolve("bench").resolve("node");
    }

    /** Installs the locked dependencies when they are missing; answers graphile-worker's version. */
    static String install(Path root) throws IOException, InterruptedException {
        Path dir = nodeDir(root);
        Path pkg = dir.resolve("node_modules/graphile-worker/package.json");
        if (!Files.exists(pkg)) {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("npm ci in " + dir + " failed: " + out);
            }
        }
        return BenchServer.JSON.readTree(Files.readString(pkg)).get("version").asString();
    }

    /** A postgres:// URL for node-postgres, from the bench's JDBC URL, for {@code database}. */
    static String connectionString(String database) {
        URI uri = URI.create(BenchServer.PG_ADMIN.substring("jdbc:".length()));
        String user = "postgres";
        String password = null;
        if (uri.getQuery() != null) {
            for (String kv : uri.getQuery().split("&")) {
                if (kv.startsWith("user=")) {
                    user = kv.substring(5);
                } else if (kv.startsWith("password=")) {
                    password = kv.substring(9);
                }
            }
        }
        return "postgres://" + user + (password == null ? "" : ":" + password) + "@" + uri.getHost() + ":"
                + (uri.getPort() < 0 ? 5432 : uri.getPort()) + "/" + database;
    }

    static Result measure(Path root, String config, int concurrency, Duration warmup, Duration window) throws Exception {
        String database = BenchServer.createPgDatabase("cjy_bench_graphile_");
        try {
            List<String> command = new ArrayList<>(List.of("node", "graphile.mjs", "--conn=" + connectionString(database),
                    "--concurrency=" + concurrency, "--producers=" + Throughput.PRODUCERS,
                    "--backlog=" + Throughput.backlogFor(concurrency), "--warmup-ms=" + warmup.toMillis(),
                    "--measure-ms=" + window.toMillis(), "--config=" + config));
            Process p = new ProcessBuilder(command).directory(nodeDir(root).toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("graphile.mjs failed (exit " + p.exitValue() + "): " + out);
            }
            String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no result from graphile.mjs: " + out));
            JsonNode r = BenchServer.JSON.readTree(line);
            JsonNode p50 = r.get("pickup_ms");
            return new Result(config, concurrency, r.get("jobs_per_second").asDouble(),
                    new Latencies(p50.get("n").asInt(), p50.get("p50").asDouble(), p50.get("p90").asDouble(),
                            p50.get("p99").asDouble(), p50.get("max").asDouble()),
                    r.get("completed").asLong(), r.get("lost").asLong(), r.get("settings").toString());
        } finally {
            BenchServer.dropPgDatabase(database);
        }
    }
}
