package com.chaojiyuyan.kernel.storage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

final class PostgresDialect implements Dialect {
    @Override public String name() { return "postgresql"; }
    @Override public Lock writeLock() { return NoLock.INSTANCE; }
    @Override public String forUpdate() { return " FOR UPDATE"; }
    @Override public String forUpdateSkipLocked() { return " FOR UPDATE SKIP LOCKED"; }
    @Override public boolean isPostgres() { return true; }

    /** PostgreSQL serializes conflicting writers itself, through row locks. */
    private enum NoLock implements Lock {
        INSTANCE;
        @Override public void lock() { }
        @Override public void lockInterruptibly() { }
        @Override public boolean tryLock() { return true; }
        @Override public boolean tryLock(long time, TimeUnit unit) { return true; }
        @Override public void unlock() { }
        @Override public Condition newCondition() { throw new UnsupportedOperationException(); }
    }
}
