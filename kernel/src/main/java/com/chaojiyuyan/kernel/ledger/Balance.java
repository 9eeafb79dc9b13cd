package com.chaojiyuyan.kernel.ledger;

/** An owner's credits as {@code GET /me/balance} shows them: {@code balance = available + held}. */
public record Balance(long balanceNc, long heldNc, long availableNc) {

    static Balance of(Account account) {
        return new Balance(account.availableNc() + account.heldNc(), account.heldNc(), account.availableNc());
    }
}
