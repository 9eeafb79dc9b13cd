package com.chaojiyuyan.kernel.ledger;

/**
 * Where every credit is: {@code issuedNc} were ever granted; they are available to owners, held for open
 * jobs, or collected as platform fees. {@code totalNc}, the sum over all accounts (the issuance account
 * counting negative), is always 0.
 */
public record LedgerSummary(long issuedNc, long ownersAvailableNc, long heldNc, long platformNc, long totalNc) {
}
