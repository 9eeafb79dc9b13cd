package com.chaojiyuyan.kernel.ledger;

import com.chaojiyuyan.kernel.storage.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Every statement over credit_accounts and ledger_entries. */
final class LedgerStore {
    static final String PLATFORM = "platform";
    static final String ISSUANCE = "issuance";

    private static final String ENTRY_COLUMNS =
            "id, movement_id, account_id, job_id, kind, amount_nc, balance_after_nc, memo, created_at";

    private final Dialect dialect;

    LedgerStore(Dialect dialect) {
        this.dialect = dialect;
    }

    Optional<Account> find(Handle h, String accountId) {
        return h.createQuery("SELECT id, available_nc, held_nc FROM credit_accounts WHERE id = :id")
                .bind("id", accountId).map((rs, ctx) -> account(rs)).findOne();
    }

    /**
     * Reads and row-locks an account for the rest of the transaction. Callers lock accounts in id order
     * (after the job row, if any), so two transactions never wait for each other's accounts.
     */
    Optional<Account> lock(Handle h, String accountId) {
        return h.createQuery("SELECT id, available_nc, held_nc FROM credit_accounts WHERE id = :id" + dialect.forUpdate())
                .bind("id", accountId).map((rs, ctx) -> account(rs)).findOne();
    }

    /** Gives an owner its account row if it has none yet (owners start with none, at 0). */
    void ensureOwnerAccount(Handle h, String ownerId, long now) {
        h.createUpdate("INSERT INTO credit_accounts (id, owner_id, available_nc, held_nc, created_at, updated_at)"
                        + " VALUES (:id, :id, 0, 0, :now, :now) ON CONFLICT (id) DO NOTHING")
                .bind("id", ownerId).bind("now", now).execute();
    }

    /** Writes an account's new balances; the caller holds its row lock. */
    void update(Handle h, Account account, long now) {
        int n = h.createUpdate("UPDATE credit_accounts SET available_nc = :available, held_nc = :held, updated_at = :now"
                        + " WHERE id = :id")
                .bind("id", account.id()).bind("available", account.availableNc()).bind("held", account.heldNc())
                .bind("now", now).execute();
        if (n != 1) {
            throw new IllegalStateException("credit account " + account.id() + " vanished under its row lock");
        }
    }

    void insert(Handle h, LedgerEntry e) {
        h.createUpdate("INSERT INTO ledger_entries (" + ENTRY_COLUMNS + ") VALUES (:id, :movement, :account, :job,"
                        + " :kind, :amount, :after, :memo, :at)")
                .bind("id", e.id()).bind("movement", e.movementId()).bind("account", e.accountId())
                .bind("job", e.jobId()).bind("kind", e.kind()).bind("amount", e.amountNc())
                .bind("after", e.balanceAfterNc()).bind("memo", e.memo()).bind("at", e.createdAt())
                .execute();
    }

    /** An account's entries, newest first, strictly older than {@code beforeId} when given. */
    List<LedgerEntry> entries(Handle h, String accountId, String beforeId, int limit) {
        var q = h.createQuery("SELECT " + ENTRY_COLUMNS + " FROM ledger_entries WHERE account_id = :account"
                        + (beforeId != null ? " AND id < :before" : "") + " ORDER BY id DESC LIMIT :limit")
                .bind("account", accountId).bind("limit", limit);
        if (beforeId != null) {
            q.bind("before", beforeId);
        }
        return q.map((rs, ctx) -> entry(rs)).list();
    }

    /** The sum of an account's entries: for a job's hold account, what the job holds. */
    long balanceOf(Handle h, String accountId) {
        return h.createQuery("SELECT COALESCE(SUM(amount_nc), 0) FROM ledger_entries WHERE account_id = :account")
                .bind("account", accountId).mapTo(Long.class).one();
    }

    boolean ownerExists(Handle h, String ownerId) {
        return h.createQuery("SELECT COUNT(*) FROM owners WHERE id = :id").bind("id", ownerId).mapTo(Long.class).one() > 0;
    }

    String ownerOfAgent(Handle h, String agentId) {
        return h.createQuery("SELECT owner_id FROM agents WHERE id = :id").bind("id", agentId).mapTo(String.class).one();
    }

    /** Totals over every account row, for the admin summary. */
    LedgerSummary summary(Handle h) {
        return h.createQuery("""
                        SELECT
                          COALESCE(SUM(CASE WHEN owner_id IS NOT NULL THEN available_nc ELSE 0 END), 0) AS owners_available,
                          COALESCE(SUM(held_nc), 0) AS held,
                          COALESCE(SUM(CASE WHEN id = 'platform' THEN available_nc ELSE 0 END), 0) AS platform,
                          COALESCE(SUM(CASE WHEN id = 'issuance' THEN available_nc ELSE 0 END), 0) AS issuance,
                          COALESCE(SUM(available_nc + held_nc), 0) AS total
                        FROM credit_accounts""")
                .map((rs, ctx) -> new LedgerSummary(-rs.getLong("issuance"), rs.getLong("owners_available"),
                        rs.getLong("held"), rs.getLong("platform"), rs.getLong("total")))
                .one();
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getString("id"), rs.getLong("available_nc"), rs.getLong("held_nc"));
    }

    private static LedgerEntry entry(ResultSet rs) throws SQLException {
        return new LedgerEntry(rs.getString("id"), rs.getString("movement_id"), rs.getString("account_id"),
                rs.getString("job_id"), rs.getString("kind"), rs.getLong("amount_nc"), rs.getLong("balance_after_nc"),
                rs.getString("memo"), rs.getLong("created_at"));
    }
}
