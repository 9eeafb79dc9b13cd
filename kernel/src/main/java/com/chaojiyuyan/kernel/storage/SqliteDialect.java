package com.chaojiyuyan.kernel.storage;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

final class SqliteDialect implements Dialect {
    // Fair, so a burst of creates cannot starve a bid or a submit.
    private final Lock writeLock = new ReentrantLock(true);

    @Override public String name() { return "sqlite"; }
    @Override public Lock writeLock() { return writeLock; }
    // The transaction already holds SQLite's write lock (BEGIN IMMEDIATE): rows are as good as locked.
    @Override public String forUpdate() { return ""; }
    @Override public String forUpdateSkipLocked() { return ""; }
    @Override public boolean isPostgres() { return false; }
}
