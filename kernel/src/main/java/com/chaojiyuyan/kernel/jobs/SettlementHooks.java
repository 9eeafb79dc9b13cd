package com.chaojiyuyan.kernel.jobs;

import org.jdbi.v3.core.Handle;

/**
 * Where credits join the job's own transactions: a hold when a job is created, and the movement of
 * credits when it settles. Both run inside the transaction that writes the job's state, so the two can
 * never disagree. An implementation may refuse a creation by throwing (e.g. 402 insufficient_balance),
 * which rolls the job back.
 */
public interface SettlementHooks {

    /** In the creating transaction, after the job row is written. */
    void onCreated(Handle tx, Job job);

    /** In the transaction that makes the job terminal, after its row is updated. */
    void onSettled(Handle tx, Job job);

    /** Runs each of {@code hooks} in order, in the same transaction (e.g. the ledger, then the webhook outbox). */
    static SettlementHooks all(java.util.List<SettlementHooks> hooks) {
        java.util.List<SettlementHooks> copy = java.util.List.copyOf(hooks);
        return new SettlementHooks() {
            @Override
            public void onCreated(Handle tx, Job job) {
                copy.forEach(h -> h.onCreated(tx, job));
            }

            @Override
            public void onSettled(Handle tx, Job job) {
                copy.forEach(h -> h.onSettled(tx, job));
            }
        };
    }

    /** No credits: every job is free. */
    SettlementHooks NONE = new SettlementHooks() {
        @Override
        public void onCreated(Handle tx, Job job) {
        }

        @Override
        public void onSettled(Handle tx, Job job) {
        }
    };
}
