package com.chaojiyuyan.kernel.storage;

import java.util.concurrent.locks.Lock;

/**
 * The few places where SQLite and PostgreSQL differ. Everything else in the repositories is plain
 * SQL that both accept (epoch-millisecond BIGINT times, TEXT JSON, ON CONFLICT, RETURNING).
 */
public interface Dialect {

    /** {@code sqlite} or {@code postgresql}; also the name of the dialect's migration folder. */
    String name();

    /**
     * Held around every write transaction. SQLite has a single writer: serializing writers in-process
     * with a fair lock beats its busy handler, which sleeps and retries. PostgreSQL needs no lock.
     */
    Lock writeLock();

    /** Suffix that row-locks the selected job inside a transaction ({@code FOR UPDATE} on PostgreSQL). */
    String forUpdate();

    /** Suffix for sweeper candidate scans, so nodes sweeping at once take disjoint rows. */
    String forUpdateSkipLocked();

    boolean isPostgres();

    /**
     * True when a statement may run an {@code UPDATE ... RETURNING} inside {@code WITH} and use its rows
     * (PostgreSQL's data-modifying CTEs; SQLite has none), so that a read-modify-write pair becomes one
     * round trip.
     */
    default boolean updatesInWith() {
        return isPostgres();
    }
}
