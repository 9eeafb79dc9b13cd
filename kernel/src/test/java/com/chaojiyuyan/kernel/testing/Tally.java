package com.chaojiyuyan.kernel.testing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link JobInvariants} found after a fault: how the jobs ended, and every broken promise counted.
 * A clean tally has zero in every count after {@code open}, and a ledger summing to zero.
 *
 * @param jobs            jobs the scenario created
 * @param open            jobs still queued or running
 * @param lost            jobs the scenario created that are not in the database
 * @param duplicates      jobs of the scenario's callers that it did not create (a retried create that made a second job)
 * @param doubleSettled   jobs settled more than once (settled events, or hold, release or charge movements)
 * @param foreignOutput   jobs whose output did not come from exactly one accepted run, or came from a run that must not land
 * @param ledgerSum       the sum of every ledger entry (double entry: always 0)
 * @param ledgerErrors    accounts, holds and movements that disagree with the entries
 * @param halfWritten     rows anywhere in the database showing a change written in part (see {@link JobInvariants#halfWritten})
 * @param webhooksMissing settled jobs whose webhook did not reach every expected target
 */
public record Tally(String fault, int jobs, int succeeded, int failed, int expired, int cancelled, int open, int lost,
                    int duplicates, int doubleSettled, int foreignOutput, long ledgerSum, int ledgerErrors,
                    int halfWritten, int webhooksMissing) {

    /** One line, e.g. {@code fault=worker_kill jobs=40 succeeded=40 ... webhooks_missing=0}. */
    public String line() {
        return "fault=" + fault + " jobs=" + jobs + " succeeded=" + succeeded + " failed=" + failed + " expired=" + expired
                + " cancelled=" + cancelled + " open=" + open + " lost=" + lost + " duplicates=" + duplicates
                + " double_settled=" + doubleSettled + " foreign_output=" + foreignOutput + " ledger_sum=" + ledgerSum
                + " ledger_errors=" + ledgerErrors + " half_written=" + halfWritten + " webhooks_missing=" + webhooksMissing;
    }

    /** Prints the line and fails unless every job ended and nothing was lost, doubled, foreign or missing. */
    public Tally printAndAssertClean() {
        System.out.println(line());
        assertThat(open).as("jobs still open: %s", line()).isZero();
        assertThat(lost).as("lost: %s", line()).isZero();
        assertThat(duplicates).as("duplicates: %s", line()).isZero();
        assertThat(doubleSettled).as("double_settled: %s", line()).isZero();
        assertThat(foreignOutput).as("foreign_output: %s", line()).isZero();
        assertThat(ledgerSum).as("ledger_sum: %s", line()).isZero();
        assertThat(ledgerErrors).as("ledger_errors: %s", line()).isZero();
        assertThat(halfWritten).as("half_written: %s", line()).isZero();
        assertThat(webhooksMissing).as("webhooks_missing: %s", line()).isZero();
        return this;
    }
}
