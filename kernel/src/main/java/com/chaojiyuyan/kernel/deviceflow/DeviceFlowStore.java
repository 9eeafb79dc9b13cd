package com.chaojiyuyan.kernel.deviceflow;

import com.chaojiyuyan.kernel.deviceflow.DeviceAuthorization.Status;
import com.chaojiyuyan.kernel.storage.Dialect;
import com.chaojiyuyan.kernel.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The device_authorizations table, in plain SQL. Every change runs inside the caller's transaction on
 * a row it locked first, and is guarded by the status it expects, so two decisions or two exchanges of
 * one code cannot both take effect.
 */
final class DeviceFlowStore {
    private static final String COLUMNS = """
            id, user_code, client_name, client_id, scope, status, owner_id, agent_id, interval_seconds,
            created_at, expires_at, last_polled_at""";

    private final Dialect dialect;

    DeviceFlowStore(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Inserts a new pending code pair; false when the user code is taken (the caller draws another). */
    boolean insert(Handle h, DeviceAuthorization a, String deviceCodeHash) {
        return h.createUpdate("""
                        INSERT INTO device_authorizations (id, device_code_hash, user_code, client_name, client_id, scope,
                            status, interval_seconds, created_at, expires_at)
                        VALUES (:id, :hash, :user_code, :client_name, :client_id, :scope, 'pending', :interval, :now, :expires)
                        ON CONFLICT DO NOTHING""")
                .bind("id", a.id()).bind("hash", deviceCodeHash).bind("user_code", a.userCode())
                .bind("client_name", a.clientName()).bind("client_id", a.clientId()).bind("scope", a.scope())
                .bind("interval", a.intervalSeconds()).bind("now", a.createdAt()).bind("expires", a.expiresAt())
                .execute() == 1;
    }

    /** Forgets code pairs that expired before {@code cutoff}; their user codes become free again. */
    void deleteExpiredBefore(Handle h, long cutoff) {
        h.createUpdate("DELETE FROM device_authorizations WHERE expires_at < :cutoff").bind("cutoff", cutoff).execute();
    }

    Optional<DeviceAuthorization> lockByDeviceCodeHash(Handle h, String deviceCodeHash) {
        return h.createQuery("SELECT " + COLUMNS + " FROM device_authorizations WHERE device_code_hash = :hash" + dialect.forUpdate())
                .bind("hash", deviceCodeHash)
                .map(DeviceFlowStore::row)
                .findOne();
    }

    Optional<DeviceAuthorization> lockByUserCode(Handle h, String userCode) {
        return h.createQuery("SELECT " + COLUMNS + " FROM device_authorizations WHERE user_code = :code" + dialect.forUpdate())
                .bind("code", userCode)
                .map(DeviceFlowStore::row)
                .findOne();
    }

    Optional<DeviceAuthorization> findByUserCode(Handle h, String userCode) {
        return h.createQuery("SELECT " + COLUMNS + " FROM device_authorizations WHERE user_code = :code")
                .bind("code", userCode)
                .map(DeviceFlowStore::row)
                .findOne();
    }

    /** Records a poll of a pending code, with the interval the client must keep from now on. */
    void markPolled(Handle h, String id, long now, int intervalSeconds) {
        guarded(h.createUpdate("""
                        UPDATE device_authorizations SET last_polled_at = :now, interval_seconds = :interval
                        WHERE id = :id AND status = 'pending'""")
                .bind("now", now).bind("interval", intervalSeconds).bind("id", id)
                .execute());
    }

    /** pending → approved | denied, by {@code ownerId}. */
    void decide(Handle h, String id, Status decision, String ownerId, long now) {
        guarded(h.createUpdate("""
                        UPDATE device_authorizations SET status = :status, owner_id = :owner, decided_at = :now
                        WHERE id = :id AND status = 'pending'""")
                .bind("status", decision.sql()).bind("owner", ownerId).bind("now", now).bind("id", id)
                .execute());
    }

    /** approved → exchanged: the one time the code yields a key. */
    void markExchanged(Handle h, String id, String agentId) {
        guarded(h.createUpdate("""
                        UPDATE device_authorizations SET status = 'exchanged', agent_id = :agent
                        WHERE id = :id AND status = 'approved'""")
                .bind("agent", agentId).bind("id", id)
                .execute());
    }

    /** The row was locked and judged in this transaction: a guard that matches nothing is a bug. */
    private static void guarded(int updated) {
        if (updated != 1) {
            throw new IllegalStateException("device authorization changed under its lock");
        }
    }

    private static DeviceAuthorization row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new DeviceAuthorization(
                rs.getString("id"),
                rs.getString("user_code"),
                rs.getString("client_name"),
                rs.getString("client_id"),
                rs.getString("scope"),
                Status.of(rs.getString("status")),
                rs.getString("owner_id"),
                rs.getString("agent_id"),
                rs.getInt("interval_seconds"),
                rs.getLong("created_at"),
                rs.getLong("expires_at"),
                Rows.nullableLong(rs, "last_polled_at"));
    }
}
