package com.chaojiyuyan.kernel.catalog;

import com.chaojiyuyan.kernel.http.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;
import com.chaojiyuyan.kernel.storage.Database;

/** The capability_specs table. */
public final class CatalogStore {
    private static final String COLUMNS = """
            capability_key, name, description, input_schema, output_schema, price_nc, lease_seconds,
            heartbeat_seconds, max_attempts, job_ttl_seconds, max_submit_attempts, status, created_at, updated_at""";

    private final Database db;

    public CatalogStore(Database db) {
        this.db = db;
    }

    public Optional<CapabilitySpec> find(String key) {
        return db.read(h -> find(h, key));
    }

    /** Reads a spec inside a caller's transaction (job creation reads the spec it prices and validates by). */
    public Optional<CapabilitySpec> find(Handle h, String key) {
        return h.createQuery("SELECT " + COLUMNS + " FROM capability_specs WHERE capability_key = :key")
                .bind("key", key)
                .map((rs, ctx) -> map(rs))
                .findOne();
    }

    /** A page of specs in key order, after {@code afterKey} (exclusive). */
    public List<CapabilitySpec> list(String afterKey, int limit, boolean includeDeprecated) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM capability_specs"
                        + " WHERE capability_key > :after"
                        + (includeDeprecated ? "" : " AND status = 'active'")
                        + " ORDER BY capability_key LIMIT :limit")
                .bind("after", afterKey == null ? "" : afterKey)
                .bind("limit", limit)
                .map((rs, ctx) -> map(rs))
                .list());
    }

    /** Inserts {@code spec}; false when the key exists already. */
    public boolean insert(CapabilitySpec spec) {
        return db.transaction(h -> insert(h, spec));
    }

    boolean insert(Handle h, CapabilitySpec s) {
        return bindSpec(h.createUpdate("INSERT INTO capability_specs (" + COLUMNS + ") VALUES ("
                        + ":key, :name, :description, :input, :output, :price, :lease, :heartbeat, :attempts,"
                        + " :ttl, :submits, :status, :created, :updated) ON CONFLICT (capability_key) DO NOTHING"), s)
                .bind("created", s.createdAt())
                .execute() == 1;
    }

    /** Replaces every editable field of an existing spec; false when it does not exist. */
    public boolean update(CapabilitySpec s) {
        return db.transaction(h -> bindSpec(h.createUpdate("""
                        UPDATE capability_specs SET name = :name, description = :description, input_schema = :input,
                            output_schema = :output, price_nc = :price, lease_seconds = :lease,
                            heartbeat_seconds = :heartbeat, max_attempts = :attempts, job_ttl_seconds = :ttl,
                            max_submit_attempts = :submits, status = :status, updated_at = :updated
                        WHERE capability_key = :key"""), s)
                .execute() == 1);
    }

    /** Binds every field an insert and an update share (all but created_at). */
    private static Update bindSpec(Update statement, CapabilitySpec s) {
        return statement
                .bind("key", s.capabilityKey())
                .bind("name", s.name())
                .bind("description", s.description())
                .bind("input", Json.write(s.inputSchema()))
                .bind("output", Json.write(s.outputSchema()))
                .bind("price", s.priceNc())
                .bind("lease", s.leaseSeconds())
                .bind("heartbeat", s.heartbeatSeconds())
                .bind("attempts", s.maxAttempts())
                .bind("ttl", s.jobTtlSeconds())
                .bind("submits", s.maxSubmitAttempts())
                .bind("status", s.status())
                .bind("updated", s.updatedAt());
    }

    private static CapabilitySpec map(ResultSet rs) throws SQLException {
        return new CapabilitySpec(
                rs.getString("capability_key"),
                rs.getString("name"),
                rs.getString("description"),
                Json.parseStored(rs.getString("input_schema")),
                Json.parseStored(rs.getString("output_schema")),
                rs.getLong("price_nc"),
                rs.getInt("lease_seconds"),
                rs.getInt("heartbeat_seconds"),
                rs.getInt("max_attempts"),
                rs.getInt("job_ttl_seconds"),
                rs.getInt("max_submit_attempts"),
                rs.getString("status"),
                rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }
}
