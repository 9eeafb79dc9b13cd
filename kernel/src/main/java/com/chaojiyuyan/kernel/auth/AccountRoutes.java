package com.chaojiyuyan.kernel.auth;

import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Sign-in, agents and their keys, and the admin's owner management. */
public final class AccountRoutes {
    public static final Duration SESSION_LIFETIME = Duration.ofHours(24);
    private static final int MAX_NAME_LENGTH = 200;

    private final AccountStore accounts;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final long maxBodyBytes;

    public AccountRoutes(AccountStore accounts, LoginThrottle throttle, Clock clock, long maxBodyBytes) {
        this.accounts = accounts;
        this.throttle = throttle;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Api api) {
        api.post("/auth/login", Access.PUBLIC, (ctx, caller) -> login(ctx));
        api.post("/auth/logout", Access.OWNER, (ctx, caller) -> logout(ctx, (Principal.Owner) caller));
        api.get("/me", Access.ANY, (ctx, caller) -> ctx.json(describe(caller)));
        api.post("/agents", Access.OWNER, this::createAgent);
        api.get("/agents", Access.OWNER, this::listAgents);
        api.post("/agents/{agent_id}/keys", Access.OWNER, this::createKey);
        api.delete("/agents/{agent_id}/keys/{key_id}", Access.OWNER, this::revokeKey);
        api.post("/admin/owners", Access.ADMIN, (ctx, caller) -> createOwner(ctx));
        api.get("/admin/owners", Access.ADMIN, (ctx, caller) -> listOwners(ctx));
    }

    private void login(Context ctx) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("email", "password"));
        String email = AccountStore.normalizeEmail(body.requiredString("email"));
        String password = body.requiredString("password");
        String byAccount = "login:email:" + email;
        String byAddress = "login:ip:" + ctx.ip();
        throttle.check(byAccount, byAddress);
        var owner = accounts.findOwnerByEmail(email);
        // Verify against a dummy hash for unknown emails, so response time does not reveal which exist.
        boolean ok = Passwords.verify(password, owner.map(AccountStore.OwnerRecord::passwordHash).orElse(Passwords.DUMMY_HASH))
                && owner.isPresent();
        if (!ok) {
            throttle.recordFailure(byAccount, byAddress);
            throw ApiException.unauthenticated("wrong email or password");
        }
        throttle.recordSuccess(byAccount);
        long now = clock.millis();
        long expiresAt = now + SESSION_LIFETIME.toMillis();
        String token = Secrets.newSessionToken();
        accounts.createSession(owner.get().id(), Secrets.sha256Hex(token), now, expiresAt);
        ObjectNode out = Json.object();
        out.put("token", token);
        out.put("expires_at", Json.time(expiresAt));
        out.set("owner", ownerJson(owner.get()));
        ctx.json(out);
    }

    private void logout(Context ctx, Principal.Owner owner) {
        accounts.revokeSession(owner.sessionId(), clock.millis());
        ctx.status(204);
    }

    private ObjectNode describe(Principal caller) {
        ObjectNode out = Json.object();
        switch (caller) {
            case Principal.Owner o -> {
                out.put("kind", "owner");
                out.put("owner_id", o.ownerId());
                out.put("email", o.email());
                out.put("is_admin", o.admin());
            }
            case Principal.Agent a -> {
                out.put("kind", "agent");
                out.put("agent_id", a.agentId());
                out.put("owner_id", a.ownerId());
                out.put("key_id", a.keyId());
            }
        }
        return out;
    }

    private void createAgent(Context ctx, Principal caller) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("name"));
        String name = validName(body.requiredString("name"));
        long now = clock.millis();
        AccountStore.AgentRecord agent = accounts.createAgent(caller.ownerId(), name, now);
        ctx.status(201).json(newKeyAnswer(agent, now));
    }

    /** Creates an agent's key and answers it together with the agent: the only time the key is shown. */
    ObjectNode newKeyAnswer(AccountStore.AgentRecord agent, long now) {
        String key = Secrets.newAgentKey();
        AccountStore.KeyRecord record = accounts.createKey(agent.id(), Secrets.sha256Hex(key), Secrets.hint(key), now);
        ObjectNode out = Json.object();
        out.set("agent", agentJson(agent));
        out.put("api_key", key);
        out.set("key", keyJson(record));
        return out;
    }

    private void listAgents(Context ctx, Principal caller) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (AccountStore.AgentRecord agent : accounts.listAgents(caller.ownerId())) {
            ObjectNode a = agentJson(agent);
            ArrayNode keys = a.putArray("keys");
            accounts.listKeys(agent.id()).forEach(k -> keys.add(keyJson(k)));
            items.add(a);
        }
        ObjectNode out = Json.object();
        out.set("items", items);
        ctx.json(out);
    }

    private void createKey(Context ctx, Principal caller) {
        AccountStore.AgentRecord agent = accounts.findAgent(caller.ownerId(), ctx.pathParam("agent_id"))
                .orElseThrow(() -> ApiException.notFound("agent"));
        ctx.status(201).json(newKeyAnswer(agent, clock.millis()));
    }

    private void revokeKey(Context ctx, Principal caller) {
        AccountStore.AgentRecord agent = accounts.findAgent(caller.ownerId(), ctx.pathParam("agent_id"))
                .orElseThrow(() -> ApiException.notFound("agent"));
        if (!accounts.revokeKey(agent.id(), ctx.pathParam("key_id"), clock.millis())) {
            throw ApiException.notFound("key");
        }
        ctx.status(204);
    }

    private void createOwner(Context ctx) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("email", "password", "is_admin"));
        String email = validEmail(body.requiredString("email"));
        String password = validPassword(body.requiredString("password"));
        boolean admin = Boolean.TRUE.equals(body.optionalBoolean("is_admin"));
        AccountStore.OwnerRecord owner = accounts.createOwner(email, Passwords.hash(password), admin, clock.millis());
        ctx.status(201).json(ownerJson(owner));
    }

    private void listOwners(Context ctx) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        accounts.listOwners().forEach(o -> items.add(ownerJson(o)));
        ObjectNode out = Json.object();
        out.set("items", items);
        ctx.json(out);
    }

    public static String validEmail(String email) {
        String e = email.trim();
        int at = e.indexOf('@');
        if (e.length() > 254 || at <= 0 || at == e.length() - 1 || e.chars().anyMatch(Character::isWhitespace)) {
            throw ApiException.invalidRequest("'email' is not an email address");
        }
        return e;
    }

    public static String validPassword(String password) {
        if (password.length() < 8 || password.length() > 1024) {
            throw ApiException.badRequest("weak_password", "a password needs at least 8 characters");
        }
        return password;
    }

    private static String validName(String name) {
        String n = name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME_LENGTH) {
            throw ApiException.invalidRequest("'name' must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        return n;
    }

    static ObjectNode ownerJson(AccountStore.OwnerRecord o) {
        ObjectNode out = Json.object();
        out.put("id", o.id());
        out.put("email", o.email());
        out.put("is_admin", o.admin());
        out.put("created_at", Json.time(o.createdAt()));
        return out;
    }

    static ObjectNode agentJson(AccountStore.AgentRecord a) {
        ObjectNode out = Json.object();
        out.put("id", a.id());
        out.put("name", a.name());
        out.put("owner_id", a.ownerId());
        out.put("created_at", Json.time(a.createdAt()));
        return out;
    }

    static ObjectNode keyJson(AccountStore.KeyRecord k) {
        ObjectNode out = Json.object();
        out.put("id", k.id());
        out.put("hint", k.hint());
        out.put("created_at", Json.time(k.createdAt()));
        out.put("last_used_at", Json.time(k.lastUsedAt()));
        out.put("revoked_at", Json.time(k.revokedAt()));
        return out;
    }
}
