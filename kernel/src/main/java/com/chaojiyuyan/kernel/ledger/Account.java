package com.chaojiyuyan.kernel.ledger;

/**
 * A row of {@code credit_accounts}: an owner's credits, or a system account ({@code platform},
 * {@code issuance}). {@code availableNc} is what the account may spend; {@code heldNc} is how much of an
 * owner's credits sit in the holds of its open jobs (always 0 for system accounts).
 */
record Account(String id, long availableNc, long heldNc) {

    /** An owner that has never had credits has no row yet: it reads as empty. */
    static Account empty(String id) {
        return new Account(id, 0, 0);
    }
}
