package com.chaojiyuyan.kernel.ledger;

import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.JobStatus;
import com.chaojiyuyan.kernel.jobs.SettlementHooks;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;

/**
 * The credits ledger. A job's creation moves its {@code max_budget_nc} from its owner's available
 * credits into the job's hold; its settlement moves the hold back and, when it succeeded, charges the
 * price: the worker's owner is paid the price minus the platform fee, the platform account the fee.
 *
 * <p>Both run as {@link SettlementHooks} inside the job's own transactions, after the job row is written
 * (and so locked), and lock the accounts they touch in id order: every transaction takes its locks job
 * first, then accounts in one order, so none waits for another in a cycle. On PostgreSQL the owner's
 * row lock is what makes two creates racing for the last credits see each other; on SQLite the single
 * writer already does.
 */
public final class Ledger implements SettlementHooks {
    static final long MAX_ISSUED_NC = Long.MAX_VALUE / 2;

    private final Database db;
    private final LedgerStore store;
    private final int platformFeePercent;
    private final Clock clock;

    public Ledger(Database db, int platformFeePercent, Clock clock) {
        if (platformFeePercent < 0 || platformFeePercent > 100) {
            throw new IllegalArgumentException("the platform fee is a percentage from 0 to 100, got " + platformFeePercent);
        }
        this.db = db;
        this.store = new LedgerStore(db.dialect());
        this.platformFeePercent = platformFeePercent;
        this.clock = clock;
    }

    /** Places the job's hold, or refuses the job (402) when its owner's available credits are short. */
    @Override
    public void onCreated(Handle h, Job job) {
        long hold = job.maxBudgetNc();
        if (hold == 0) {
            return;
        }
        Account owner = store.lock(h, job.ownerId()).orElse(Account.empty(job.ownerId()));
        if (owner.availableNc() < hold) {
            throw new ApiException(402, "insufficient_balance", "max_budget_nc " + hold + " exceeds the available "
                    + owner.availableNc() + " nc of this agent's owner")
                    .with("available_nc", owner.availableNc()).with("required_nc", hold);
        }
        Map<String, Account> accounts = new TreeMap<>(Map.of(owner.id(), owner));
        Movement m = new Movement(h, accounts, job.id(), job.createdAt());
        m.post(owner.id(), LedgerEntry.HOLD, -hold, +hold, "hold for job " + job.id());
        m.holdPosting(LedgerEntry.HOLD, +hold, hold, "hold for job " + job.id());
        m.commit();
        store.update(h, accounts.get(owner.id()), job.createdAt());
    }

    /**
     * Releases the job's hold and, for a succeeded job, charges its price ({@code cost_nc}): the payout
     * to the worker's owner and the platform fee together are exactly the price.
     */
    @Override
    public void onSettled(Handle h, Job job) {
        if (job.maxBudgetNc() == 0) {
            return; // onCreated placed no hold, and only holds and their releases post to a job's account
        }
        // What the job's hold account has: its budget, or 0 for a job created before credits were on
        // (an upgraded server's open jobs), which stays free as it was created.
        long hold = store.balanceOf(h, job.id());
        long price = job.status() == JobStatus.SUCCEEDED && job.costNc() != null && job.costNc() <= hold ? job.costNc() : 0;
        if (hold == 0) {
            return;
        }
        long now = job.finishedAt() != null ? job.finishedAt() : clock.millis();
        long fee = feeOf(price);
        long payout = price - fee;
        String workerOwner = price > 0 ? store.ownerOfAgent(h, job.workerAgentId()) : null;

        TreeSet<String> ids = new TreeSet<>();
        ids.add(job.ownerId());
        if (payout > 0) {
            ids.add(workerOwner);
        }
        if (fee > 0) {
            ids.add(LedgerStore.PLATFORM);
        }
        Map<String, Account> accounts = lockInOrder(h, ids, now);

        Movement release = new Movement(h, accounts, job.id(), now);
        release.holdPosting(LedgerEntry.RELEASE, -hold, 0, "release of the hold for job " + job.id());
        release.post(job.ownerId(), LedgerEntry.RELEASE, +hold, -hold, "release of the hold for job " + job.id());
        release.commit();
        if (price > 0) {
            Movement charge = new Movement(h, accounts, job.id(), now);
            charge.post(job.ownerId(), LedgerEntry.CHARGE, -price, 0, "price of job " + job.id());
            if (payout > 0) {
                charge.post(workerOwner, LedgerEntry.PAYOUT, +payout, 0, "payout for job " + job.id());
            }
            if (fee > 0) {
                charge.post(LedgerStore.PLATFORM, LedgerEntry.FEE, +fee, 0,
                        "platform fee (" + platformFeePercent + "%) of job " + job.id());
            }
            charge.commit();
        }
        accounts.values().forEach(a -> store.update(h, a, now));
    }

    /** The platform's share of a price, rounded down: payout + fee is always exactly the price. */
    long feeOf(long price) {
        return Math.multiplyExact(price, platformFeePercent) / 100;
    }

    /** A grant to an owner, from the issuance account, and the owner's balance afterwards. */
    public record Grant(LedgerEntry entry, Balance balance) {
    }

    public Grant grant(String ownerId, long amountNc, String memo) {
        if (amountNc <= 0) {
            throw new IllegalArgumentException("a grant is a positive amount");
        }
        return db.transaction(h -> {
            if (!store.ownerExists(h, ownerId)) {
                throw ApiException.notFound("owner");
            }
            long now = clock.millis();
            Map<String, Account> accounts = lockInOrder(h, new TreeSet<>(List.of(ownerId, LedgerStore.ISSUANCE)), now);
            // Every credit anywhere was issued, so bounding the total issued keeps every sum of balances in range.
            if (-accounts.get(LedgerStore.ISSUANCE).availableNc() > MAX_ISSUED_NC - amountNc) {
                throw ApiException.unprocessable("issuance_limit", "granting " + amountNc + " nc would take the credits issued"
                        + " over " + MAX_ISSUED_NC);
            }
            Movement m = new Movement(h, accounts, null, now);
            m.post(LedgerStore.ISSUANCE, LedgerEntry.GRANT, -amountNc, 0, memo);
            LedgerEntry entry = m.post(ownerId, LedgerEntry.GRANT, +amountNc, 0, memo);
            m.commit();
            accounts.values().forEach(a -> store.update(h, a, now));
            return new Grant(entry, Balance.of(accounts.get(ownerId)));
        });
    }

    public Balance balance(String ownerId) {
        return Balance.of(db.read(h -> store.find(h, ownerId)).orElse(Account.empty(ownerId)));
    }

    /** An owner's entries, newest first, older than {@code beforeId} when given. */
    public List<LedgerEntry> entries(String ownerId, String beforeId, int limit) {
        return db.read(h -> store.entries(h, ownerId, beforeId, limit));
    }

    public LedgerSummary summary() {
        return db.read(store::summary);
    }

    /** Creates (if needed) and locks each account, in id order. */
    private Map<String, Account> lockInOrder(Handle h, TreeSet<String> ids, long now) {
        Map<String, Account> locked = new TreeMap<>();
        for (String id : ids) {
            if (!id.equals(LedgerStore.PLATFORM) && !id.equals(LedgerStore.ISSUANCE)) {
                store.ensureOwnerAccount(h, id, now);
            }
            locked.put(id, store.lock(h, id).orElseThrow());
        }
        return locked;
    }

    /**
     * The rows of one movement, written as they are posted, with the accounts' new balances kept in
     * {@code accounts} (written by the caller once all its movements are posted). {@link #commit} checks
     * that the rows sum to zero: a movement that would create or destroy credits is a bug.
     */
    private final class Movement {
        private final Handle h;
        private final Map<String, Account> accounts;
        private final String id;
        private final String jobId;
        private final long now;
        private long sum;

        Movement(Handle h, Map<String, Account> accounts, String jobId, long now) {
            this.h = h;
            this.accounts = accounts;
            this.id = Ids.newId("mv", now);
            this.jobId = jobId;
            this.now = now;
        }

        /** {@code amount} to an account's available credits, and {@code heldChange} to its held ones. */
        LedgerEntry post(String accountId, String kind, long amount, long heldChange, String memo) {
            Account before = accounts.get(accountId);
            Account after = new Account(accountId, before.availableNc() + amount, before.heldNc() + heldChange);
            if (after.heldNc() < 0 || (after.availableNc() < 0 && !accountId.equals(LedgerStore.ISSUANCE))) {
                throw new IllegalStateException("movement " + kind + " would leave account " + accountId + " at " + after);
            }
            accounts.put(accountId, after);
            return write(accountId, kind, amount, after.availableNc(), memo);
        }

        /** A row of the job's hold account, whose balance lives in the job row, not in credit_accounts. */
        void holdPosting(String kind, long amount, long holdAfter, String memo) {
            write(jobId, kind, amount, holdAfter, memo);
        }

        private LedgerEntry write(String accountId, String kind, long amount, long balanceAfter, String memo) {
            LedgerEntry entry = new LedgerEntry(Ids.newId("le", now), id, accountId, jobId, kind, amount, balanceAfter, memo, now);
            store.insert(h, entry);
            sum += amount;
            return entry;
        }

        void commit() {
            if (sum != 0) {
                throw new IllegalStateException("movement " + id + " does not sum to zero: " + sum);
            }
        }
    }
}
