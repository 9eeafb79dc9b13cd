package com.chaojiyuyan.kernel.auth;

import com.chaojiyuyan.kernel.http.ApiException;
import java.time.Clock;
import java.util.Optional;

/**
 * Creates the first admin on an empty database: from CHAOJIYUYAN_ADMIN_EMAIL / _PASSWORD when set,
 * otherwise with a generated password that the caller shows once. Nodes starting together on one
 * PostgreSQL cannot create two: the email is unique, and the loser sees the winner's owner.
 */
public final class AdminBootstrap {

    /** What bootstrap did: nothing (owners exist), or created this admin (with the generated password, if any). */
    public record Outcome(boolean created, String email, Optional<String> generatedPassword) {
    }

    private final AccountStore accounts;
    private final Clock clock;

    public AdminBootstrap(AccountStore accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    public Outcome ensureAdmin(String email, String password) {
        if (accounts.hasAnyOwner()) {
            return new Outcome(false, null, Optional.empty());
        }
        String adminEmail = email == null || email.isBlank() ? "admin@localhost" : AccountRoutes.validEmail(email);
        Optional<String> generated = Optional.empty();
        String adminPassword = password;
        if (adminPassword == null || adminPassword.isEmpty()) {
            adminPassword = Secrets.randomBase62(18);
            generated = Optional.of(adminPassword);
        } else {
            AccountRoutes.validPassword(adminPassword);
        }
        try {
            accounts.createOwner(adminEmail, Passwords.hash(adminPassword), true, clock.millis());
            return new Outcome(true, AccountStore.normalizeEmail(adminEmail), generated);
        } catch (ApiException taken) {
            return new Outcome(false, null, Optional.empty());
        }
    }
}
