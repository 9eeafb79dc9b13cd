package com.chaojiyuyan.kernel.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.List;

/**
 * The bookkeeping rules, read straight from the database: every movement sums to zero, every account's
 * balance is the sum of its entries, every owner's held credits are the budgets of its open jobs, and a
 * job's hold is its budget while it is open and nothing once it has settled.
 */
final class LedgerInvariants {
    private LedgerInvariants() {
    }

    static void check(TestKernel kernel) {
        kernel.server().database().read(h -> {
            assertThat(h.createQuery("SELECT COALESCE(SUM(amount_nc), 0) FROM ledger_entries").mapTo(Long.class).one())
                    .as("sum of all ledger entries").isZero();
            assertThat(h.createQuery("SELECT COALESCE(SUM(available_nc + held_nc), 0) FROM credit_accounts").mapTo(Long.class).one())
                    .as("sum over all accounts").isZero();
            assertThat(h.createQuery("SELECT movement_id FROM ledger_entries GROUP BY movement_id HAVING SUM(amount_nc) <> 0")
                    .mapTo(String.class).list()).as("movements that do not sum to zero").isEmpty();
            assertThat(h.createQuery("""
                            SELECT a.id FROM credit_accounts a
                            WHERE a.available_nc <> COALESCE((SELECT SUM(e.amount_nc) FROM ledger_entries e WHERE e.account_id = a.id), 0)""")
                    .mapTo(String.class).list()).as("accounts whose balance is not the sum of their entries").isEmpty();
            assertThat(h.createQuery("""
                            SELECT a.id FROM credit_accounts a
                            WHERE a.held_nc <> COALESCE((SELECT SUM(j.max_budget_nc) FROM jobs j
                                                         WHERE j.owner_id = a.id AND j.status IN ('queued', 'running')), 0)""")
                    .mapTo(String.class).list()).as("owners whose held credits are not the budgets of their open jobs").isEmpty();
            List<String> wrongHolds = h.createQuery("""
                            SELECT j.id FROM jobs j
                            WHERE COALESCE((SELECT SUM(e.amount_nc) FROM ledger_entries e WHERE e.account_id = j.id), 0)
                                  <> CASE WHEN j.status IN ('queued', 'running') THEN j.max_budget_nc ELSE 0 END""")
                    .mapTo(String.class).list();
            assertThat(wrongHolds).as("jobs whose hold is not their budget while open and 0 once settled").isEmpty();
            assertThat(h.createQuery("SELECT COUNT(*) FROM credit_accounts WHERE available_nc < 0 AND id <> 'issuance'")
                    .mapTo(Long.class).one()).as("accounts below zero").isZero();
            return null;
        });
    }

    /** Sum over all accounts of {@code available + held}, read from the database: always 0. */
    static long totalOverAllAccounts(TestKernel kernel) {
        return kernel.server().database().read(h ->
                h.createQuery("SELECT COALESCE(SUM(available_nc + held_nc), 0) FROM credit_accounts").mapTo(Long.class).one());
    }
}
