package com.chaojiyuyan.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's commit ceiling on this machine: {@code pgbench} running a one-row UPDATE per
 * transaction (each a durable commit, as every write of ours is) with N clients, on a database of its
 * own holding a 1,000-row table, so clients rarely wait for one another's row locks.
 */
final class PgBench {
    static final String SCRIPT = """
            \\set id random(1, 1000)
            UPDATE bench_counter SET n = n + 1 WHERE id = :id;
            """;

    record Result(int clients, double tps, double latencyMs) {
    }

    private PgBench() {
    }

    /** The command line flags of the PostgreSQL the bench uses, from its JDBC URL. */
    static List<String> connectionFlags(String jdbcUrl, String database) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        List<String> flags = new ArrayList<>(List.of("-h", uri.getHost(), "-p", Integer.toString(uri.getPort() < 0 ? 5432 : uri.getPort())));
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        for (String kv : query.split("&")) {
            if (kv.startsWith("user=")) {
                flags.addAll(List.of("-U", kv.substring(5)));
            }
        }
        flags.add(database);
        return flags;
    }

    static List<Result> measure(List<Integer> clientCounts, Duration each) throws Exception {
        String database = BenchServer.createPgDatabase("cjy_bench_pgbench_");
        Path script = Files.createTempFile("cjy-pgbench-", ".sql");
        try {
            try (Connection c = DriverManager.getConnection(BenchServer.pgUrl(database)); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE bench_counter (id int PRIMARY KEY, n bigint NOT NULL)");
                s.execute("INSERT INTO bench_counter SELECT g, 0 FROM generate_series(1, 1000) g");
                s.execute("VACUUM ANALYZE bench_counter");
            }
            Files.writeString(script, SCRIPT);
            List<Result> results = new ArrayList<>();
            for (int clients : clientCounts) {
                results.add(run(database, script, clients, each));
            }
            return results;
        } finally {
            Files.deleteIfExists(script);
            BenchServer.dropPgDatabase(database);
        }
    }

    private static Result run(String database, Path script, int clients, Duration each) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-f", script.toString(), "-M", "prepared",
                "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, Machine.cores())),
                "-T", Long.toString(Math.max(1, each.toSeconds()))));
        command.addAll(connectionFlags(BenchServer.PG_ADMIN, database));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed: " + out);
        }
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        Matcher latency = Pattern.compile("latency average = ([0-9.]+) ms").matcher(out);
        if (!tps.find()) {
            throw new IllegalStateException("no tps in pgbench's output: " + out);
        }
        return new Result(clients, Double.parseDouble(tps.group(1)), latency.find() ? Double.parseDouble(latency.group(1)) : Double.NaN);
    }

    /** The pgbench command as run, for the report. */
    static String commandLine(int clients, Duration each) {
        return "pgbench -n -f update.sql -M prepared -c " + clients + " -j " + Math.min(clients, Machine.cores()) + " -T "
                + Math.max(1, each.toSeconds());
    }
}
