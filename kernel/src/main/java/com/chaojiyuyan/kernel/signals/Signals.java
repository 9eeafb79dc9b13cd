package com.chaojiyuyan.kernel.signals;

import com.chaojiyuyan.kernel.storage.Database;
import org.jdbi.v3.core.Handle;

/**
 * Tells waiting requests, on this node and on every other node sharing the database, that work is
 * available or that a job changed. Signals are raised inside the transaction that causes them and
 * delivered only if it commits: a rolled-back job wakes nobody.
 */
public interface Signals extends AutoCloseable {

    /** A job of {@code capabilityKey} became queued: wake one waiting worker (per node). */
    void workAvailable(Handle tx, String capabilityKey);

    /** Job {@code jobId} changed (status or events): wake everyone watching it. */
    void jobChanged(Handle tx, String jobId);

    WorkWaiters workWaiters();

    JobWatchers jobWatchers();

    @Override
    void close();

    /** LISTEN/NOTIFY on PostgreSQL (several nodes); in-process delivery on SQLite (one node). */
    static Signals forDatabase(Database db, String jdbcUrl) {
        return db.dialect().isPostgres() ? new PostgresSignals(jdbcUrl) : new LocalSignals();
    }
}
