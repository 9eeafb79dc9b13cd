package com.chaojiyuyan.kernel.deviceflow;

import com.chaojiyuyan.kernel.auth.AccountStore;
import com.chaojiyuyan.kernel.auth.LoginThrottle;
import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.deviceflow.DeviceAuthorization.Status;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The device authorization grant (RFC 8628): a program asks for a code pair, a signed-in owner approves
 * or denies the user code, and the program's polling of the device code ends with an agent key. Every
 * step is one transaction on the code's locked row.
 */
public final class DeviceFlow {
    /** Added to a code's interval each time its client polls too fast (RFC 8628 3.5). */
    static final int SLOW_DOWN_STEP_SECONDS = 5;
    /**
     * Polls this much early still count as on time: the client's timer and the server's clock are
     * different clocks, and a client that waits exactly one interval must not be told to slow down.
     */
    private static final long POLL_GRACE_MS = 200;
    /** Expired code pairs are kept this long (answering expired_token), then forgotten. */
    private static final long KEEP_EXPIRED_MS = Duration.ofDays(1).toMillis();
    private static final int MAX_NAME_LENGTH = 200;

    private final Database db;
    private final DeviceFlowStore store;
    private final LoginThrottle codeEntry;
    private final Clock clock;
    private final long ttlMillis;
    private final int intervalSeconds;

    public DeviceFlow(Database db, Clock clock, int ttlSeconds, int intervalSeconds) {
        this.db = db;
        this.store = new DeviceFlowStore(db.dialect());
        // A person mistypes a code now and then; ten wrong codes in 15 minutes is guessing.
        this.codeEntry = new LoginThrottle(10, Duration.ofMinutes(15).toMillis(), clock);
        this.clock = clock;
        this.ttlMillis = ttlSeconds * 1000L;
        this.intervalSeconds = intervalSeconds;
    }

    /** A new code pair as the program receives it: the device code in the clear, this once. */
    public record Grant(String deviceCode, String userCode, int expiresInSeconds, int intervalSeconds) {
    }

    /** The key a program receives for an approved code. */
    public record Token(String accessToken, String agentId) {
    }

    Grant authorize(String clientName, String clientId, String scope) {
        String name = clientName != null && !clientName.isBlank() ? clientName.strip()
                : clientId != null && !clientId.isBlank() ? clientId.strip() : null;
        if (name == null) {
            throw OAuthError.invalidRequest("'client_name' is required: it names the agent the owner is asked to approve");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw OAuthError.invalidRequest("'client_name' must be 1 to " + MAX_NAME_LENGTH + " printable characters");
        }
        long now = clock.millis();
        String deviceCode = Secrets.randomBase62(32);
        String hash = Secrets.sha256Hex(deviceCode);
        return db.transaction(h -> {
            store.deleteExpiredBefore(h, now - KEEP_EXPIRED_MS);
            // 20^8 user codes: a collision among live ones is rare; draw again when it happens.
            for (int attempt = 0; attempt < 8; attempt++) {
                String userCode = UserCodes.generate();
                DeviceAuthorization a = new DeviceAuthorization(Ids.newId("dev", now), userCode, name, clientId, scope,
                        Status.PENDING, null, null, intervalSeconds, now, now + ttlMillis, null);
                if (store.insert(h, a, hash)) {
                    return new Grant(deviceCode, UserCodes.display(userCode), (int) (ttlMillis / 1000), intervalSeconds);
                }
            }
            throw new IllegalStateException("no free user code after 8 draws");
        });
    }

    /**
     * One poll of the token endpoint. A refusal is an {@link OAuthError}, thrown only after the poll's
     * bookkeeping (last poll time, grown interval) has committed.
     */
    Token poll(String deviceCode) {
        long now = clock.millis();
        Object outcome = db.transaction(h -> {
            DeviceAuthorization a = store.lockByDeviceCodeHash(h, Secrets.sha256Hex(deviceCode)).orElse(null);
            if (a == null) {
                return OAuthError.invalidGrant("unknown device_code");
            }
            if (a.status() == Status.EXCHANGED) {
                return OAuthError.invalidGrant("this device_code was already exchanged for a key; a code is used once");
            }
            if (a.status() == Status.DENIED) {
                return new OAuthError(410, "access_denied", "the owner denied this request");
            }
            if (a.expiredAt(now)) {
                return new OAuthError(410, "expired_token", "the code expired before it was approved; start again");
            }
            if (a.status() == Status.APPROVED) {
                AccountStore.AgentRecord agent = AccountStore.createAgent(h, a.ownerId(), a.clientName(), now);
                String key = Secrets.newAgentKey();
                AccountStore.createKey(h, agent.id(), Secrets.sha256Hex(key), Secrets.hint(key), now);
                store.markExchanged(h, a.id(), agent.id());
                return new Token(key, agent.id());
            }
            if (a.lastPolledAt() != null && now - a.lastPolledAt() < a.intervalSeconds() * 1000L - POLL_GRACE_MS) {
                int slower = a.intervalSeconds() + SLOW_DOWN_STEP_SECONDS;
                store.markPolled(h, a.id(), now, slower);
                return new OAuthError(400, "slow_down", "polled faster than the interval; poll every " + slower + " seconds");
            }
            store.markPolled(h, a.id(), now, a.intervalSeconds());
            return new OAuthError(400, "authorization_pending", "the owner has not approved this request yet");
        });
        if (outcome instanceof OAuthError e) {
            throw e;
        }
        return (Token) outcome;
    }

    /** What a typed user code refers to. */
    sealed interface Lookup {
        record Found(DeviceAuthorization authorization) implements Lookup {
        }

        /** No such code (or one long forgotten). */
        record Unknown() implements Lookup {
        }

        record Expired(DeviceAuthorization authorization) implements Lookup {
        }

        /** Approved, denied or exchanged already. */
        record Decided(DeviceAuthorization authorization) implements Lookup {
        }
    }

    /**
     * Looks up a code a person typed, as {@code ownerId} from {@code address}. Unknown codes count
     * against both (429 {@code rate_limited} past ten in 15 minutes), so codes cannot be guessed.
     */
    Lookup lookup(String typed, String ownerId, String address) {
        return entered(typed, ownerId, address, userCode -> db.read(h -> judge(store.findByUserCode(h, userCode).orElse(null))));
    }

    /** Approves or denies a typed code as {@code ownerId}; answers what the code was before the decision. */
    Lookup decide(String typed, String ownerId, String address, boolean approve) {
        Status decision = approve ? Status.APPROVED : Status.DENIED;
        return entered(typed, ownerId, address, userCode -> db.transaction(h -> {
            Lookup found = judge(store.lockByUserCode(h, userCode).orElse(null));
            if (found instanceof Lookup.Found f) {
                store.decide(h, f.authorization().id(), decision, ownerId, clock.millis());
            }
            return found;
        }));
    }

    private Lookup entered(String typed, String ownerId, String address, Function<String, Lookup> find) {
        String[] subjects = {"code:owner:" + ownerId, "code:ip:" + address};
        codeEntry.check(subjects);
        String userCode = UserCodes.normalize(typed);
        Lookup lookup = userCode == null ? new Lookup.Unknown() : find.apply(userCode);
        if (lookup instanceof Lookup.Unknown) {
            codeEntry.recordFailure(subjects);
        }
        return lookup;
    }

    private Lookup judge(DeviceAuthorization a) {
        if (a == null) {
            return new Lookup.Unknown();
        }
        if (a.status() != Status.PENDING) {
            return new Lookup.Decided(a);
        }
        if (a.expiredAt(clock.millis())) {
            return new Lookup.Expired(a);
        }
        return new Lookup.Found(a);
    }
}
