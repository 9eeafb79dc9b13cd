package com.chaojiyuyan.kernel.signals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals across every node on one PostgreSQL, through LISTEN/NOTIFY. {@code pg_notify} runs inside
 * the causing transaction, so PostgreSQL delivers it on commit only, to every listening node; each node
 * then wakes one of its own waiters. The node that caused a signal wakes its own waiters directly after
 * commit instead (no round trip through the database), and its listener skips notifications it sent
 * itself, which carry its node id. A dedicated connection listens; when it is lost, every waiter is
 * woken to re-check the database (signals may have been missed meanwhile).
 */
final class PostgresSignals implements Signals {
    private static final Logger log = LoggerFactory.getLogger(PostgresSignals.class);
    static final String WORK_CHANNEL = "chaojiyuyan_work";
    static final String JOB_CHANNEL = "chaojiyuyan_job";

    private final String jdbcUrl;
    /** Prefixes this node's notifications, so its listener can tell them from other nodes'. */
    private final String nodeId = java.util.UUID.randomUUID().toString();
    private final WorkWaiters work = new WorkWaiters();
    private final JobWatchers jobs = new JobWatchers();
    /** Jobs already signalled per open transaction (by identity: one handle is one transaction here). */
    private final Map<Handle, Set<String>> changedInTransaction = new IdentityHashMap<>();
    private final Thread listener;
    private final CountDownLatch firstListen = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Connection connection;

    PostgresSignals(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.listener = Thread.ofPlatform().daemon().name("pg-listen").start(this::listenLoop);
        try {
            // Listen before serving: a job created on another node right after start must reach us.
            if (!firstListen.await(15, TimeUnit.SECONDS)) {
                log.warn("not yet listening for notifications; long-polls fall back to their timeouts until connected");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void workAvailable(Handle tx, String capabilityKey) {
        tx.execute("SELECT pg_notify(?, ?)", WORK_CHANNEL, nodeId + " " + capabilityKey);
        tx.afterCommit(() -> work.wakeOne(capabilityKey));
    }

    @Override
    public void jobChanged(Handle tx, String jobId) {
        if (!firstChangeInTransaction(tx, jobId)) {
            return; // PostgreSQL delivers one of identical notifications of a transaction anyway: skip the round trip
        }
        tx.execute("SELECT pg_notify(?, ?)", JOB_CHANNEL, nodeId + " " + jobId);
        tx.afterCommit(() -> jobs.changed(jobId));
    }

    /**
     * True the first time {@code jobId} changes in {@code tx}'s transaction. A transaction often appends
     * several events to one job (submitted, then settled); its watchers need one wake-up, and the
     * notification one statement.
     */
    private boolean firstChangeInTransaction(Handle tx, String jobId) {
        Set<String> changed;
        synchronized (changedInTransaction) {
            changed = changedInTransaction.get(tx);
            if (changed == null) {
                changed = new HashSet<>();
                changedInTransaction.put(tx, changed);
                tx.afterCommit(() -> forget(tx));
                tx.afterRollback(() -> forget(tx));
            }
        }
        return changed.add(jobId); // one transaction runs on one thread
    }

    private void forget(Handle tx) {
        synchronized (changedInTransaction) {
            changedInTransaction.remove(tx);
        }
    }

    @Override
    public WorkWaiters workWaiters() {
        return work;
    }

    @Override
    public JobWatchers jobWatchers() {
        return jobs;
    }

    private void listenLoop() {
        Duration backoff = Duration.ofMillis(100);
        while (!closed) {
            try (Connection c = DriverManager.getConnection(jdbcUrl)) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + WORK_CHANNEL);
                    s.execute("LISTEN " + JOB_CHANNEL);
                }
                if (firstListen.getCount() == 0) {
                    // Reconnected: anything signalled while we were away was missed. Re-check everything.
                    work.wakeAll();
                    jobs.changedAll();
                    log.info("notification listener reconnected");
                }
                firstListen.countDown();
                backoff = Duration.ofMillis(100);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] batch = pg.getNotifications(1000);
                    if (batch == null) {
                        continue;
                    }
                    for (PGNotification n : batch) {
                        String[] originAndSubject = n.getParameter().split(" ", 2);
                        if (originAndSubject.length != 2 || originAndSubject[0].equals(nodeId)) {
                            continue; // ours: already delivered locally after commit
                        }
                        if (WORK_CHANNEL.equals(n.getName())) {
                            work.wakeOne(originAndSubject[1]);
                        } else if (JOB_CHANNEL.equals(n.getName())) {
                            jobs.changed(originAndSubject[1]);
                        }
                    }
                }
            } catch (SQLException e) {
                if (closed) {
                    return;
                }
                log.warn("notification listener lost its connection ({}); retrying in {} ms", e.getMessage(), backoff.toMillis());
                work.wakeAll();
                jobs.changedAll();
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        listener.interrupt();
    }
}
