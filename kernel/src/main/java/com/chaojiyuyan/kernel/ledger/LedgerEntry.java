package com.chaojiyuyan.kernel.ledger;

/**
 * One row of a movement: what one account gained ({@code amountNc}, negative for a loss) and its
 * available balance afterwards. The rows of one movement ({@code movementId}) sum to zero.
 */
public record LedgerEntry(
        String id,
        String movementId,
        String accountId,
        String jobId,
        String kind,
        long amountNc,
        long balanceAfterNc,
        String memo,
        long createdAt) {

    public static final String HOLD = "hold";
    public static final String RELEASE = "release";
    public static final String CHARGE = "charge";
    public static final String PAYOUT = "payout";
    public static final String FEE = "fee";
    public static final String GRANT = "grant";
}
