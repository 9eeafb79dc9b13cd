package com.chaojiyuyan.kernel.auth;

import com.chaojiyuyan.kernel.http.ApiException;
import io.javalin.http.Context;
import java.time.Clock;

/**
 * Turns {@code Authorization: Bearer <token>} into a {@link Principal}. Keys and tokens are looked up
 * by their SHA-256; a malformed token is refused before any lookup.
 */
public final class Authenticator {
    /** last_used_at is a convenience, not an audit log: write it at most this often per key. */
    private static final long TOUCH_INTERVAL_MS = 60_000;

    private final AccountStore accounts;
    private final Clock clock;

    public Authenticator(AccountStore accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    public Principal authenticate(Context ctx) {
        String token = bearerToken(ctx.header("Authorization"));
        long now = clock.millis();
        if (token.startsWith(Secrets.AGENT_KEY_PREFIX)) {
            if (!Secrets.isWellFormed(token, Secrets.AGENT_KEY_PREFIX)) {
                throw unauthenticated("the agent key is malformed (check for a truncated copy)");
            }
            AccountStore.KeyHolder holder = accounts.agentForKey(Secrets.sha256Hex(token))
                    .orElseThrow(() -> unauthenticated("the agent key is unknown or revoked"));
            if (holder.lastUsedAt() == null || now - holder.lastUsedAt() >= TOUCH_INTERVAL_MS) {
                accounts.touchKey(holder.agent().keyId(), now);
            }
            return holder.agent();
        }
        if (token.startsWith(Secrets.SESSION_PREFIX)) {
            if (!Secrets.isWellFormed(token, Secrets.SESSION_PREFIX)) {
                throw unauthenticated("the session token is malformed");
            }
            return accounts.ownerForSession(Secrets.sha256Hex(token), now)
                    .orElseThrow(() -> unauthenticated("the session token is unknown, expired or signed out"));
        }
        throw unauthenticated("expected an agent key (nxt_ag_...) or an owner session token (nxt_os_...)");
    }

    private static String bearerToken(String header) {
        if (header == null || header.isBlank()) {
            throw unauthenticated("missing Authorization: Bearer <agent key or session token>");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
            throw unauthenticated("the Authorization header must be 'Bearer <token>'");
        }
        return parts[1].trim();
    }

    private static ApiException unauthenticated(String detail) {
        return ApiException.unauthenticated(detail);
    }
}
