package com.chaojiyuyan.kernel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh databases for tests: a new SQLite file, or a new PostgreSQL database on the server at
 * CHAOJIYUYAN_TEST_PG (default 127.0.0.1:5432, user postgres), dropped when the JVM exits.
 * Without PostgreSQL the PostgreSQL tests are skipped locally, and fail under CI=true.
 */
public final class TestDatabases {
    private static final String ADMIN_URL = System.getenv().getOrDefault("CHAOJIYUYAN_TEST_PG",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    private static final List<String> CREATED = new CopyOnWriteArrayList<>();
    private static volatile Boolean postgresReachable;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabases::dropAll, "drop-test-databases"));
    }

    private TestDatabases() {
    }

    /** A JDBC URL of a new, empty database of kind {@code db}. */
    public static String fresh(Db db) {
        return switch (db) {
            case SQLITE -> freshSqlite();
            case POSTGRES -> freshPostgres();
        };
    }

    public static String freshSqlite() {
        try {
            Path dir = Files.createTempDirectory("cjy-test-");
            dir.toFile().deleteOnExit();
            return "jdbc:sqlite:" + dir.resolve("kernel.db");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String freshPostgres() {
        requirePostgres();
        dropStaleOnce();
        // The creation time in the name lets a later run drop what a killed run left behind.
        String name = "cjy_test_" + (System.currentTimeMillis() / 1000) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + ": " + e.getMessage(), e);
        }
        CREATED.add(name);
        return ADMIN_URL.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }

    private static final java.util.concurrent.atomic.AtomicBoolean STALE_DROPPED = new java.util.concurrent.atomic.AtomicBoolean();

    /** Drops test databases more than two hours old: left by runs killed before their exit hook ran. */
    private static void dropStaleOnce() {
        if (!STALE_DROPPED.compareAndSet(false, true)) {
            return;
        }
        long cutoff = System.currentTimeMillis() / 1000 - 2 * 3600;
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            List<String> stale = new java.util.ArrayList<>();
            try (var rs = s.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'cjy\\_test\\_%'")) {
                while (rs.next()) {
                    String[] parts = rs.getString(1).split("_");
                    // cjy_test_<epoch seconds>_<random>; older names (no time) count as stale too.
                    if (parts.length != 4 || !parts[2].matches("\\d+") || Long.parseLong(parts[2]) < cutoff) {
                        stale.add(rs.getString(1));
                    }
                }
            }
            for (String name : stale) {
                try {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (SQLException ignored) {
                    // another run may be dropping it too
                }
            }
        } catch (SQLException ignored) {
            // best effort
        }
    }

    /** Skips the calling test when PostgreSQL is not reachable, except under CI, where that is a failure. */
    public static void requirePostgres() {
        if (postgresReachable == null) {
            try (Connection c = DriverManager.getConnection(ADMIN_URL)) {
                postgresReachable = c.isValid(5);
            } catch (SQLException e) {
                postgresReachable = false;
            }
        }
        if (!postgresReachable) {
            String why = "PostgreSQL is not reachable at " + ADMIN_URL;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(why + " (CI=true requires it)");
            }
            Assumptions.abort(why + "; PostgreSQL tests skipped (set CI=true to make this a failure)");
        }
    }

    /** Drops this run's databases, a few at a time: one by one, a hundred of them outlast a slow machine's exit. */
    private static void dropAll() {
        if (CREATED.isEmpty()) {
            return;
        }
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (String name : CREATED) {
                pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
                        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                    } catch (SQLException ignored) {
                        // best effort: a leftover test database is harmless
                    }
                });
            }
        }
    }
}
