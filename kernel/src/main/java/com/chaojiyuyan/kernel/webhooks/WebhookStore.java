package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.storage.Dialect;
import com.chaojiyuyan.kernel.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The webhook tables' SQL. Secrets arrive and leave sealed; {@link Webhooks} opens them. */
final class WebhookStore {

    /** An endpoint row; {@code secret} and {@code previousSecret} are sealed. */
    record Endpoint(String id, String ownerId, String url, String description, String status, String disabledReason,
                    String secret, String previousSecret, Long previousSecretExpiresAt, long createdAt, long updatedAt) {
        boolean isActive() {
            return ACTIVE.equals(status);
        }
    }

    /** A secret and the one it replaced, both sealed; the previous one is live until it expires. */
    record SealedSecrets(String secret, String previousSecret, Long previousSecretExpiresAt) {
    }

    record Delivery(String id, String jobId, String ownerId, String endpointId, String url, String eventType,
                    String payload, String status, int attempts, long nextAttemptAt, Integer lastStatusCode,
                    String lastError, long createdAt, long updatedAt, Long finishedAt) {
    }

    record Attempt(String deliveryId, int attempt, long at, Integer statusCode, String error, long durationMs) {
    }

    static final String ACTIVE = "active";
    static final String DISABLED = "disabled";
    static final String DELETED = "deleted";
    static final String PENDING = "pending";
    static final String DELIVERED = "delivered";
    static final String FAILED = "failed";

    private static final String ENDPOINT_COLUMNS = "id, owner_id, url, description, status, disabled_reason, secret,"
            + " previous_secret, previous_secret_expires_at, created_at, updated_at";
    private static final String DELIVERY_COLUMNS = "id, job_id, owner_id, endpoint_id, url, event_type, payload, status,"
            + " attempts, next_attempt_at, last_status_code, last_error, created_at, updated_at, finished_at";

    private final Dialect dialect;

    WebhookStore(Dialect dialect) {
        this.dialect = dialect;
    }

    // ---- endpoints ---------------------------------------------------------------------------------

    void insertEndpoint(Handle h, Endpoint e) {
        h.createUpdate("INSERT INTO webhook_endpoints (" + ENDPOINT_COLUMNS + ") VALUES (:id, :owner, :url, :description,"
                        + " :status, NULL, :secret, NULL, NULL, :now, :now)")
                .bind("id", e.id()).bind("owner", e.ownerId()).bind("url", e.url()).bind("description", e.description())
                .bind("status", e.status()).bind("secret", e.secret()).bind("now", e.createdAt())
                .execute();
    }

    /** The owner's endpoint, unless deleted. */
    Optional<Endpoint> findEndpoint(Handle h, String ownerId, String id) {
        return h.createQuery("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints"
                        + " WHERE id = :id AND owner_id = :owner AND status <> 'deleted'" + dialect.forUpdate())
                .bind("id", id).bind("owner", ownerId).map((rs, ctx) -> endpoint(rs)).findOne();
    }

    Optional<Endpoint> findEndpoint(Handle h, String id) {
        return h.createQuery("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> endpoint(rs)).findOne();
    }

    List<Endpoint> listEndpoints(Handle h, String ownerId) {
        return h.createQuery("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints"
                        + " WHERE owner_id = :owner AND status <> 'deleted' ORDER BY id")
                .bind("owner", ownerId).map((rs, ctx) -> endpoint(rs)).list();
    }

    List<Endpoint> activeEndpoints(Handle h, String ownerId) {
        return h.createQuery("SELECT " + ENDPOINT_COLUMNS + " FROM webhook_endpoints"
                        + " WHERE owner_id = :owner AND status = 'active' ORDER BY id")
                .bind("owner", ownerId).map((rs, ctx) -> endpoint(rs)).list();
    }

    /** Moves an endpoint out of {@code from}; false when it was not in that state (raced, or already done). */
    boolean setEndpointStatus(Handle h, String id, String from, String to, String reason, long now) {
        return h.createUpdate("UPDATE webhook_endpoints SET status = :to, disabled_reason = :reason, updated_at = :now"
                        + " WHERE id = :id AND status = :from")
                .bind("id", id).bind("from", from).bind("to", to).bind("reason", reason).bind("now", now)
                .execute() == 1;
    }

    void rotateEndpoint(Handle h, String id, SealedSecrets next, long now) {
        h.createUpdate("UPDATE webhook_endpoints SET secret = :secret, previous_secret = :previous,"
                        + " previous_secret_expires_at = :expires, updated_at = :now WHERE id = :id")
                .bind("id", id).bind("secret", next.secret()).bind("previous", next.previousSecret())
                .bind("expires", next.previousSecretExpiresAt()).bind("now", now)
                .execute();
    }

    // ---- the owner's callback secret ---------------------------------------------------------------

    /** Creates the owner's callback secret unless one exists (concurrent first reads make one). */
    void insertOwnerSecretIfAbsent(Handle h, String ownerId, String sealed, long now) {
        h.createUpdate("INSERT INTO owner_webhook_secrets (owner_id, secret, previous_secret, previous_secret_expires_at,"
                        + " created_at, updated_at) VALUES (:owner, :secret, NULL, NULL, :now, :now)"
                        + " ON CONFLICT (owner_id) DO NOTHING")
                .bind("owner", ownerId).bind("secret", sealed).bind("now", now)
                .execute();
    }

    Optional<SealedSecrets> ownerSecret(Handle h, String ownerId, boolean lock) {
        return h.createQuery("SELECT secret, previous_secret, previous_secret_expires_at FROM owner_webhook_secrets"
                        + " WHERE owner_id = :owner" + (lock ? dialect.forUpdate() : ""))
                .bind("owner", ownerId)
                .map((rs, ctx) -> new SealedSecrets(rs.getString(1), rs.getString(2), Rows.nullableLong(rs, 3)))
                .findOne();
    }

    void rotateOwnerSecret(Handle h, String ownerId, SealedSecrets next, long now) {
        h.createUpdate("UPDATE owner_webhook_secrets SET secret = :secret, previous_secret = :previous,"
                        + " previous_secret_expires_at = :expires, updated_at = :now WHERE owner_id = :owner")
                .bind("owner", ownerId).bind("secret", next.secret()).bind("previous", next.previousSecret())
                .bind("expires", next.previousSecretExpiresAt()).bind("now", now)
                .execute();
    }

    // ---- the outbox --------------------------------------------------------------------------------

    void insertDelivery(Handle h, Delivery d) {
        h.createUpdate("INSERT INTO webhook_deliveries (" + DELIVERY_COLUMNS + ") VALUES (:id, :job, :owner, :endpoint,"
                        + " :url, :type, :payload, 'pending', 0, :next, NULL, NULL, :now, :now, NULL)")
                .bind("id", d.id()).bind("job", d.jobId()).bind("owner", d.ownerId()).bind("endpoint", d.endpointId())
                .bind("url", d.url()).bind("type", d.eventType()).bind("payload", d.payload())
                .bind("next", d.nextAttemptAt()).bind("now", d.createdAt())
                .execute();
    }

    /** Whether any delivery is due: a plain read, so an idle tick takes no write lock (SQLite has one). */
    boolean anyDue(Handle h, long now) {
        return h.createQuery("SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= :now LIMIT 1")
                .bind("now", now).mapTo(Integer.class).findOne().isPresent();
    }

    /**
     * Claims up to {@code limit} due deliveries for one attempt each: the attempt is counted and the row
     * is pushed to {@code leaseUntil}, so no other node (nor this one) sends it again before this attempt
     * is recorded or its lease has passed. On PostgreSQL, SKIP LOCKED lets nodes claim disjoint rows at
     * once; on SQLite the transaction holds the one write lock. The UPDATE is guarded by the state the
     * SELECT saw either way.
     */
    List<Delivery> claimDue(Handle h, long now, long leaseUntil, int limit) {
        List<String> due = h.createQuery("SELECT id FROM webhook_deliveries WHERE status = 'pending'"
                        + " AND next_attempt_at <= :now ORDER BY next_attempt_at, id LIMIT :limit" + dialect.forUpdateSkipLocked())
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
        List<Delivery> claimed = new ArrayList<>();
        for (String id : due) {
            h.createQuery("UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = :lease, updated_at = :now"
                            + " WHERE id = :id AND status = 'pending' AND next_attempt_at <= :now RETURNING " + DELIVERY_COLUMNS)
                    .bind("id", id).bind("now", now).bind("lease", leaseUntil)
                    .map((rs, ctx) -> delivery(rs)).findOne().ifPresent(claimed::add);
        }
        return claimed;
    }

    /**
     * Records the outcome of attempt {@code attempt}: still pending (retry at {@code nextAttemptAt}),
     * delivered or failed. False when the claim was lost (its lease passed and another claim counted a
     * newer attempt): the newer attempt decides the delivery's state.
     */
    boolean finishAttempt(Handle h, Delivery d, int attempt, String status, long nextAttemptAt, Integer statusCode,
                          String error, long now) {
        return h.createUpdate("UPDATE webhook_deliveries SET status = :status, next_attempt_at = :next,"
                        + " last_status_code = :code, last_error = :error, updated_at = :now, finished_at = :finished"
                        + " WHERE id = :id AND status = 'pending' AND attempts = :attempt")
                .bind("id", d.id()).bind("attempt", attempt).bind("status", status).bind("next", nextAttemptAt)
                .bind("code", statusCode).bind("error", error).bind("now", now)
                .bind("finished", PENDING.equals(status) ? null : now)
                .execute() == 1;
    }

    void insertAttempt(Handle h, Attempt a) {
        h.createUpdate("INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms)"
                        + " VALUES (:delivery, :attempt, :at, :code, :error, :duration)"
                        + " ON CONFLICT (delivery_id, attempt) DO NOTHING")
                .bind("delivery", a.deliveryId()).bind("attempt", a.attempt()).bind("at", a.at())
                .bind("code", a.statusCode()).bind("error", a.error()).bind("duration", a.durationMs())
                .execute();
    }

    /** A delivery with its attempts, oldest first. */
    record Listed(Delivery delivery, List<Attempt> attempts) {
    }

    /**
     * A job's deliveries with their attempts, in one statement so both come from one snapshot: a
     * delivery is never listed in a state its attempts contradict (an attempt recorded, its outcome not).
     */
    List<Listed> deliveriesOfJob(Handle h, String jobId) {
        java.util.Map<String, Listed> out = new java.util.LinkedHashMap<>();
        h.createQuery("SELECT d.id, d.job_id, d.owner_id, d.endpoint_id, d.url, d.event_type, d.payload, d.status,"
                        + " d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.updated_at,"
                        + " d.finished_at, a.attempt AS a_attempt, a.at AS a_at, a.status_code AS a_status_code,"
                        + " a.error AS a_error, a.duration_ms AS a_duration_ms"
                        + " FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON a.delivery_id = d.id"
                        + " WHERE d.job_id = :job ORDER BY d.id, a.attempt")
                .bind("job", jobId)
                .map((rs, ctx) -> {
                    Listed listed = out.computeIfAbsent(rs.getString("id"), id -> {
                        try {
                            return new Listed(delivery(rs), new ArrayList<>());
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    Integer attempt = nullableInt(rs, "a_attempt");
                    if (attempt != null) {
                        listed.attempts().add(new Attempt(listed.delivery().id(), attempt, rs.getLong("a_at"),
                                nullableInt(rs, "a_status_code"), rs.getString("a_error"), rs.getLong("a_duration_ms")));
                    }
                    return listed;
                })
                .list();
        return List.copyOf(out.values());
    }

    // ---- mapping -----------------------------------------------------------------------------------

    private static Endpoint endpoint(ResultSet rs) throws SQLException {
        return new Endpoint(rs.getString("id"), rs.getString("owner_id"), rs.getString("url"), rs.getString("description"),
                rs.getString("status"), rs.getString("disabled_reason"), rs.getString("secret"), rs.getString("previous_secret"),
                Rows.nullableLong(rs, "previous_secret_expires_at"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        return new Delivery(rs.getString("id"), rs.getString("job_id"), rs.getString("owner_id"), rs.getString("endpoint_id"),
                rs.getString("url"), rs.getString("event_type"), rs.getString("payload"), rs.getString("status"),
                rs.getInt("attempts"), rs.getLong("next_attempt_at"), nullableInt(rs, "last_status_code"),
                rs.getString("last_error"), rs.getLong("created_at"), rs.getLong("updated_at"),
                Rows.nullableLong(rs, "finished_at"));
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

}
