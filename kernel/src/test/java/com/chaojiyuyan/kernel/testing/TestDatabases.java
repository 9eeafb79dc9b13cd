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
        String name = "cjy_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name + ": " + e.getMessage(), e);
        }
        CREATED.add(name);
        return ADMIN_URL.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
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

    private static void dropAll() {
        if (CREATED.isEmpty()) {
            return;
        }
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            for (String name : CREATED) {
                try {
                    s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                } catch (SQLException ignored) {
                    // best effort: a leftover test database is harmless
                }
            }
        } catch (SQLException ignored) {
            // best effort
        }
    }
}
