package com.chaojiyuyan.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;

/**
 * What one job costs the database, counted exactly, request by request: each kind of request is sent
 * {@code jobs} times in a row with nothing else running, and the counts in between are divided by
 * {@code jobs}. Statements are counted by a JDBI {@link SqlLogger} on the server's own JDBI (every
 * statement the kernel sends, its {@code pg_notify} calls included); commits by a transaction handler
 * wrapped around JDBI's (the kernel's write transactions). On PostgreSQL, {@code xact_commit} of
 * {@code pg_stat_database} is read too: every transaction the database committed, the autocommit
 * reads included.
 */
final class StatementCount {
    private static final String CAPABILITY = "test.echo.v1";

    /**
     * Per request: statements by their first keyword, explicit commits, and database transactions (the
     * commits plus the statements run in autocommit, each its own transaction).
     */
    record Cost(String request, double statements, Map<String, Double> byKind, double commits, double transactions) {
    }

    /** All requests of a measurement, and PostgreSQL's own count of the transactions they committed (NaN if not read). */
    record Costs(List<Cost> requests, double predictedTransactions, double pgTransactions) {
    }

    private StatementCount() {
    }

    /** Counts statements and commits of the kernel's JDBI. */
    static final class Counter implements SqlLogger {
        /** CHAOJIYUYAN_BENCH_PRINT_SQL=1 prints each statement as it runs, to see which ones a request makes. */
        private static final boolean PRINT = "1".equals(System.getenv("CHAOJIYUYAN_BENCH_PRINT_SQL"));
        private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
        private final LongAdder commits = new LongAdder();
        private final LongAdder autocommitStatements = new LongAdder();

        static Counter install(Jdbi jdbi) {
            Counter counter = new Counter();
            jdbi.setSqlLogger(counter);
            jdbi.setTransactionHandler(new DelegatingTransactionHandler(jdbi.getTransactionHandler()) {
                @Override
                public void commit(Handle handle) {
                    super.commit(handle);
                    counter.commits.increment();
                }
            });
            return counter;
        }

        @Override
        public void logAfterExecution(StatementContext context) {
            String sql = context.getRenderedSql().stripLeading();
            if (PRINT) {
                System.err.println("sql: " + sql.replaceAll("\\s+", " "));
            }
            int end = 0;
            while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
                end++;
            }
            String kind = sql.substring(0, end).toUpperCase(Locale.ROOT);
            if (kind.equals("SELECT") && sql.contains("pg_notify")) {
                kind = "NOTIFY";
            }
            byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
            try {
                if (context.getConnection().getAutoCommit()) {
                    autocommitStatements.increment();
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        Map<String, Long> snapshot() {
            Map<String, Long> out = new java.util.TreeMap<>();
            byKind.forEach((k, v) -> out.put(k, v.sum()));
            out.put("#commits", commits.sum());
            out.put("#autocommit", autocommitStatements.sum());
            return out;
        }
    }

    /** True for the requests one job needs when nothing goes wrong: create, available, a won bid, submit. */
    static boolean partOfOneJob(Cost c) {
        return !c.request().startsWith("bid (lost") && !c.request().startsWith("heartbeat");
    }

    static Costs measure(String db, int jobs) throws Exception {
        return measure(db, jobs, true);
    }

    /** {@code pgTransactions}: also read PostgreSQL's count over all requests, which takes 11 s or more. */
    static Costs measure(String db, int jobs, boolean pgTransactions) throws Exception {
        // Sweeps as rare as allowed, so that the background work of the node does not count.
        try (BenchServer server = BenchServer.start(db, Map.of("CHAOJIYUYAN_SWEEP_INTERVAL_MS", "60000"))) {
            String caller = server.newAgentKey("bench-caller");
            String worker = server.newAgentKey("bench-worker");
            server.post("/kernel-agents/me/capabilities", worker, Map.of("capability_keys", List.of(CAPABILITY)));
            // One job through every step first: it touches each key's last_used_at (once a minute) and warms up.
            String warm = server.post("/kernel-jobs", caller, Map.of("capability_key", CAPABILITY, "input", Map.of("text", "w"))).get("id").asString();
            String warmRun = server.post("/kernel-jobs/" + warm + "/bid", worker, null).get("task_run_id").asString();
            server.post("/kernel-jobs/" + warm + "/submit", worker, Map.of("task_run_id", warmRun, "output", Map.of("echo", "w")));

            Counter counter = Counter.install(server.kernel().database().jdbi());
            PgCommits pg = server.pgDatabase() == null || !pgTransactions ? null : new PgCommits(server.pgDatabase());
            List<Cost> costs = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            long pgBefore = pg == null ? 0 : pg.settled();
            costs.add(phase("create", jobs, counter, () -> {
                for (int i = 0; i < jobs; i++) {
                    ids.add(server.post("/kernel-jobs", caller, Map.of("capability_key", CAPABILITY, "input", Map.of("text", "t" + i)))
                            .get("id").asString());
                }
            }));
            costs.add(phase("available (jobs queued: answers at once)", jobs, counter, () -> {
                for (int i = 0; i < jobs; i++) {
                    server.get("/kernel-jobs/available?capability_key=" + CAPABILITY + "&limit=1", worker);
                }
            }));
            List<String> runs = new ArrayList<>();
            costs.add(phase("bid (won)", jobs, counter, () -> {
                for (String id : ids) {
                    runs.add(server.post("/kernel-jobs/" + id + "/bid", worker, null).get("task_run_id").asString());
                }
            }));
            costs.add(phase("bid (lost: already taken)", jobs, counter, () -> {
                for (String id : ids) {
                    server.post("/kernel-jobs/" + id + "/bid", worker, null);
                }
            }));
            costs.add(phase("heartbeat", jobs, counter, () -> {
                for (int i = 0; i < jobs; i++) {
                    server.post("/kernel-jobs/" + ids.get(i) + "/heartbeat", worker, Map.of("task_run_id", runs.get(i)));
                }
            }));
            costs.add(phase("submit (settles the job)", jobs, counter, () -> {
                for (int i = 0; i < jobs; i++) {
                    server.post("/kernel-jobs/" + ids.get(i) + "/submit", worker,
                            Map.of("task_run_id", runs.get(i), "output", Map.of("echo", "t" + i)));
                }
            }));
            double predicted = costs.stream().mapToDouble(Cost::transactions).sum() * jobs;
            return new Costs(costs, predicted, pg == null ? Double.NaN : pg.settled() - pgBefore);
        }
    }

    private interface Phase {
        void run() throws Exception;
    }

    private static Cost phase(String name, int times, Counter counter, Phase phase) throws Exception {
        if (Counter.PRINT) {
            System.err.println("-- " + name);
        }
        Map<String, Long> before = counter.snapshot();
        phase.run();
        Map<String, Long> after = counter.snapshot();
        Map<String, Double> byKind = new LinkedHashMap<>();
        double statements = 0;
        for (var e : after.entrySet()) {
            if (e.getKey().startsWith("#")) {
                continue;
            }
            double per = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / (double) times;
            if (per > 0) {
                byKind.put(e.getKey(), per);
                statements += per;
            }
        }
        double commits = (after.get("#commits") - before.getOrDefault("#commits", 0L)) / (double) times;
        double autocommit = (after.get("#autocommit") - before.getOrDefault("#autocommit", 0L)) / (double) times;
        return new Cost(name, statements, byKind, commits, commits + autocommit);
    }

    /**
     * {@code xact_commit} of one database. PostgreSQL 15 publishes an idle backend's counts up to 10
     * seconds late (PGSTAT_IDLE_INTERVAL), so {@link #settled} reads until the count has not moved for
     * 11 seconds. The readings come from another database, so they do not count themselves.
     */
    private record PgCommits(String database) {
        long settled() throws Exception {
            long value = -1;
            long stableSince = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (Connection c = DriverManager.getConnection(BenchServer.PG_ADMIN)) {
                while (true) {
                    long now = read(c);
                    if (now != value) {
                        value = now;
                        stableSince = System.nanoTime();
                    } else if (System.nanoTime() - stableSince >= Duration.ofSeconds(11).toNanos()
                            || System.nanoTime() > deadline) {
                        return value;
                    }
                    Thread.sleep(1000);
                }
            }
        }

        private long read(Connection c) throws Exception {
            c.createStatement().execute("SELECT pg_stat_clear_snapshot()");
            try (PreparedStatement s = c.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?")) {
                s.setString(1, database);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        }
    }

    /** The markdown table of {@code costs}, with the whole job (create, available, bid won, submit) summed. */
    static String table(String db, Costs costs) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(db).append(": request | statements | of which | write transactions (commits) | transactions "
                + "(commits + autocommit statements) |\n|---|---|---|---|---|\n");
        double statements = 0, commits = 0, transactions = 0;
        for (Cost c : costs.requests()) {
            out.append("| ").append(c.request()).append(" | ").append(fmt(c.statements())).append(" | ")
                    .append(kinds(c.byKind())).append(" | ").append(fmt(c.commits())).append(" | ")
                    .append(fmt(c.transactions())).append(" |\n");
            if (partOfOneJob(c)) {
                statements += c.statements();
                commits += c.commits();
                transactions += c.transactions();
            }
        }
        out.append("| **one job** (create + available + bid won + submit) | **").append(fmt(statements)).append("** |  | **")
                .append(fmt(commits)).append("** | **").append(fmt(transactions)).append("** |\n");
        if (!Double.isNaN(costs.pgTransactions())) {
            out.append("\nPostgreSQL's own count over all these requests (`pg_stat_database.xact_commit`): ")
                    .append(String.format("%,.0f", costs.pgTransactions())).append(" transactions committed; the table "
                            + "predicts ").append(String.format("%,.0f", costs.predictedTransactions()))
                    .append(" (the difference is the node's own background work: sweeps, key touches).\n");
        }
        return out.toString();
    }

    private static String kinds(Map<String, Double> byKind) {
        List<String> parts = new ArrayList<>();
        byKind.forEach((k, v) -> parts.add(fmt(v) + " " + k));
        return String.join(", ", parts);
    }

    private static String fmt(double v) {
        return Math.abs(v - Math.rint(v)) < 0.005 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    /** {@code bin/bench statements [--db sqlite|postgres|both] [--jobs N]}. */
    public static void main(String[] args) throws Exception {
        String db = "both";
        int jobs = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--jobs" -> jobs = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String d : db.equals("both") ? List.of("sqlite", "postgres") : List.of(db)) {
            System.out.println(table(d, measure(d, jobs)));
        }
    }
}
