package com.chaojiyuyan.kernel.auth;

import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import com.chaojiyuyan.kernel.storage.Rows;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Owners, their sessions, agents and agent keys: plain SQL over the accounts tables. */
public final class AccountStore {

    public record OwnerRecord(String id, String email, String passwordHash, boolean admin, long createdAt) {
    }

    public record AgentRecord(String id, String ownerId, String name, long createdAt) {
    }

    public record KeyRecord(String id, String agentId, String hint, long createdAt, Long lastUsedAt, Long revokedAt) {
    }

    private final Database db;

    public AccountStore(Database db) {
        this.db = db;
    }

    public static String normalizeEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** Creates an owner; 409 {@code email_taken} when the address is in use. */
    public OwnerRecord createOwner(String email, String passwordHash, boolean admin, long now) {
        String id = Ids.newId("own", now);
        String normalized = normalizeEmail(email);
        int inserted = db.transaction(h -> h.createUpdate("""
                        INSERT INTO owners (id, email, password_hash, is_admin, created_at)
                        VALUES (:id, :email, :hash, :admin, :now)
                        ON CONFLICT (email) DO NOTHING""")
                .bind("id", id).bind("email", normalized).bind("hash", passwordHash)
                .bind("admin", admin).bind("now", now)
                .execute());
        if (inserted == 0) {
            throw ApiException.conflict("email_taken", "an owner with email " + normalized + " already exists");
        }
        return new OwnerRecord(id, normalized, passwordHash, admin, now);
    }

    public Optional<OwnerRecord> findOwnerByEmail(String email) {
        return db.read(h -> h.createQuery("SELECT id, email, password_hash, is_admin, created_at FROM owners WHERE email = :email")
                .bind("email", normalizeEmail(email))
                .map((rs, ctx) -> new OwnerRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)))
                .findOne());
    }

    public List<OwnerRecord> listOwners() {
        return db.read(h -> h.createQuery("SELECT id, email, password_hash, is_admin, created_at FROM owners ORDER BY id")
                .map((rs, ctx) -> new OwnerRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)))
                .list());
    }

    public boolean hasAnyOwner() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM owners").mapTo(Long.class).one()) > 0;
    }

    public void createSession(String ownerId, String tokenHash, long now, long expiresAt) {
        db.transaction(h -> h.createUpdate("""
                        INSERT INTO owner_sessions (id, owner_id, token_hash, created_at, expires_at)
                        VALUES (:id, :owner, :hash, :now, :expires)""")
                .bind("id", Ids.newId("ses", now)).bind("owner", ownerId).bind("hash", tokenHash)
                .bind("now", now).bind("expires", expiresAt)
                .execute());
    }

    public void revokeSession(String sessionId, long now) {
        db.transaction(h -> h.createUpdate("UPDATE owner_sessions SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .bind("now", now).bind("id", sessionId).execute());
    }

    public Optional<Principal.Owner> ownerForSession(String tokenHash, long now) {
        return db.read(h -> h.createQuery("""
                        SELECT o.id, o.email, o.is_admin, s.id
                        FROM owner_sessions s JOIN owners o ON o.id = s.owner_id
                        WHERE s.token_hash = :hash AND s.revoked_at IS NULL AND s.expires_at > :now""")
                .bind("hash", tokenHash).bind("now", now)
                .map((rs, ctx) -> new Principal.Owner(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)))
                .findOne());
    }

    /** The agent behind a live key, with the time the key was last recorded as used. */
    public record KeyHolder(Principal.Agent agent, Long lastUsedAt) {
    }

    public Optional<KeyHolder> agentForKey(String keyHash) {
        return db.read(h -> h.createQuery("""
                        SELECT a.id, a.owner_id, k.id, k.last_used_at
                        FROM agent_keys k JOIN agents a ON a.id = k.agent_id
                        WHERE k.key_hash = :hash AND k.revoked_at IS NULL""")
                .bind("hash", keyHash)
                .map((rs, ctx) -> new KeyHolder(
                        new Principal.Agent(rs.getString(1), rs.getString(2), rs.getString(3)),
                        Rows.nullableLong(rs, 4)))
                .findOne());
    }

    public void touchKey(String keyId, long now) {
        db.transaction(h -> h.createUpdate("UPDATE agent_keys SET last_used_at = :now WHERE id = :id")
                .bind("now", now).bind("id", keyId).execute());
    }

    public AgentRecord createAgent(String ownerId, String name, long now) {
        return db.transaction(h -> createAgent(h, ownerId, name, now));
    }

    /** Creates an agent inside the caller's transaction (the device flow mints one with the code's exchange). */
    public static AgentRecord createAgent(Handle h, String ownerId, String name, long now) {
        AgentRecord agent = new AgentRecord(Ids.newId("ag", now), ownerId, name, now);
        h.createUpdate("INSERT INTO agents (id, owner_id, name, created_at) VALUES (:id, :owner, :name, :now)")
                .bind("id", agent.id()).bind("owner", ownerId).bind("name", name).bind("now", now)
                .execute();
        return agent;
    }

    public List<AgentRecord> listAgents(String ownerId) {
        return db.read(h -> h.createQuery("SELECT id, owner_id, name, created_at FROM agents WHERE owner_id = :owner ORDER BY id")
                .bind("owner", ownerId)
                .map((rs, ctx) -> new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .list());
    }

    public Optional<AgentRecord> findAgent(String ownerId, String agentId) {
        return db.read(h -> h.createQuery("SELECT id, owner_id, name, created_at FROM agents WHERE id = :id AND owner_id = :owner")
                .bind("id", agentId).bind("owner", ownerId)
                .map((rs, ctx) -> new AgentRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)))
                .findOne());
    }

    public KeyRecord createKey(String agentId, String keyHash, String hint, long now) {
        return db.transaction(h -> createKey(h, agentId, keyHash, hint, now));
    }

    /** Stores a key's hash inside the caller's transaction. */
    public static KeyRecord createKey(Handle h, String agentId, String keyHash, String hint, long now) {
        KeyRecord key = new KeyRecord(Ids.newId("key", now), agentId, hint, now, null, null);
        h.createUpdate("""
                        INSERT INTO agent_keys (id, agent_id, key_hash, key_hint, created_at)
                        VALUES (:id, :agent, :hash, :hint, :now)""")
                .bind("id", key.id()).bind("agent", agentId).bind("hash", keyHash).bind("hint", hint).bind("now", now)
                .execute();
        return key;
    }

    public List<KeyRecord> listKeys(String agentId) {
        return db.read(h -> h.createQuery("""
                        SELECT id, agent_id, key_hint, created_at, last_used_at, revoked_at
                        FROM agent_keys WHERE agent_id = :agent ORDER BY id""")
                .bind("agent", agentId)
                .map((rs, ctx) -> new KeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        Rows.nullableLong(rs, 5),
                        Rows.nullableLong(rs, 6)))
                .list());
    }

    /** Revokes a key of the agent; false when there is no such live key. */
    public boolean revokeKey(String agentId, String keyId, long now) {
        return db.transaction(h -> h.createUpdate("""
                        UPDATE agent_keys SET revoked_at = :now
                        WHERE id = :id AND agent_id = :agent AND revoked_at IS NULL""")
                .bind("now", now).bind("id", keyId).bind("agent", agentId)
                .execute()) == 1;
    }
}
