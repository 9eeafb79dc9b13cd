package com.chaojiyuyan.kernel.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The connection pool, JDBI and the dialect of one database, with migrations applied on open.
 * Write transactions go through {@link #transaction}; plain reads through {@link #read}.
 */
public final class Database implements AutoCloseable {
    private static final int MAX_TX_ATTEMPTS = 4;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String url;

    private Database(HikariDataSource dataSource, Dialect dialect, String url) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
        this.dialect = dialect;
        this.url = url;
    }

    /**
     * Opens {@code jdbcUrl} ({@code jdbc:sqlite:...} or {@code jdbc:postgresql://...}) and migrates it
     * to the current schema. Safe to call from several nodes at once: Flyway takes a lock on PostgreSQL.
     */
    public static Database open(String jdbcUrl, int poolSize) {
        Database db;
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            db = new Database(sqlitePool(jdbcUrl, poolSize), new SqliteDialect(), jdbcUrl);
        } else if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            db = new Database(postgresPool(jdbcUrl, poolSize), new PostgresDialect(), jdbcUrl);
        } else {
            throw new IllegalArgumentException(
                    "unsupported database URL (expected jdbc:sqlite:<file> or jdbc:postgresql://...): " + redact(jdbcUrl));
        }
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static HikariDataSource sqlitePool(String url, int poolSize) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a committed transaction survives power loss, not only a process crash.
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        sqlite.setBusyTimeout(15_000);
        sqlite.enforceForeignKeys(true);
        // Writers take the write lock at BEGIN, so a read-then-write transaction never fails to upgrade.
        sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource raw = new SQLiteDataSource(sqlite);
        raw.setUrl(url);
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(raw);
        hikari.setPoolName("sqlite");
        hikari.setMaximumPoolSize(Math.max(2, poolSize));
        hikari.setConnectionTimeout(30_000);
        return new HikariDataSource(hikari);
    }

    private static HikariDataSource postgresPool(String url, int poolSize) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(url);
        hikari.setPoolName("postgresql");
        hikari.setMaximumPoolSize(Math.max(2, poolSize));
        hikari.setConnectionTimeout(30_000);
        hikari.setInitializationFailTimeout(10_000);
        hikari.addDataSourceProperty("ApplicationName", "chaojiyuyan");
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(hikari);
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.name())
                .load()
                .migrate();
    }

    public Dialect dialect() {
        return dialect;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The JDBC URL without credentials, for logs and the startup banner. */
    public String describe() {
        return redact(url);
    }

    /**
     * Runs {@code body} in one write transaction; retried on PostgreSQL deadlock or serialization failure,
     * and on a connection lost before the commit (see {@link #lostBeforeCommit}).
     */
    public <T> T transaction(HandleCallback<T, RuntimeException> body) {
        for (int attempt = 1; ; attempt++) {
            Lock lock = dialect.writeLock();
            lock.lock();
            try {
                return jdbi.inTransaction(body);
            } catch (RuntimeException e) {
                if (attempt >= MAX_TX_ATTEMPTS || !(isRetryable(e) || lostBeforeCommit(e))) {
                    throw e;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Runs read-only {@code body} on a pooled connection in auto-commit mode; once more on a fresh one if its connection was lost. */
    public <T> T read(HandleCallback<T, RuntimeException> body) {
        try {
            return jdbi.withHandle(body);
        } catch (RuntimeException e) {
            if (!lostBeforeCommit(e)) {
                throw e;
            }
            return jdbi.withHandle(body);
        }
    }

    /**
     * True when {@code e} says the database could not be reached or its connection broke (a restart, a
     * failover, the network), as opposed to a statement the database refused. Such a failure is not the
     * request's fault: the server answers 503 so clients retry.
     */
    public static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true; // the pool found no live connection within its timeout
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-03: the server shutting down, crashed, or not yet accepting.
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A pooled connection that died with the database (PostgreSQL restarted) fails at its next statement.
     * When that happens before the commit, nothing was written (the server rolls back a transaction whose
     * connection is gone), so the work may safely run again on a fresh connection. A failure at the commit
     * itself (a {@code TransactionException}) may or may not have committed, so it is never retried; nor is
     * a pool timeout, which has already waited for a connection as long as it should.
     */
    private static boolean lostBeforeCommit(RuntimeException e) {
        if (e instanceof org.jdbi.v3.core.transaction.TransactionException) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return false;
            }
        }
        return isConnectionFailure(e);
    }

    /**
     * True when the database answers a trivial query within {@code timeout}. Bounded, because the pool
     * would otherwise wait its full connection timeout before admitting the database is gone.
     */
    public boolean isReachable(java.time.Duration timeout) {
        java.util.concurrent.CompletableFuture<Boolean> probe =
                java.util.concurrent.CompletableFuture.supplyAsync(this::isReachable, Thread::startVirtualThread);
        try {
            return probe.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when the database answers a trivial query. */
    public boolean isReachable() {
        try (Handle h = jdbi.open()) {
            return h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if ("40001".equals(state) || "40P01".equals(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
