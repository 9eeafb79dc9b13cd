package com.chaojiyuyan.kernel.jobs;

import com.chaojiyuyan.kernel.storage.Dialect;
import com.chaojiyuyan.kernel.storage.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Every statement over jobs, task_runs and job_events. Each state change is guarded by the state it
 * expects ({@code WHERE status = 'queued'}), and callers lock the job row first ({@link #lock}), so
 * two nodes can never both move one job.
 */
public final class JobStore {
    private static final String JOB_COLUMNS = """
            id, owner_id, agent_id, capability_key, status, input, output, error_code, error_message, attempt,
            max_attempts, max_budget_nc, price_nc, cost_nc, idempotency_key, request_hash, callback_url,
            current_run_id, worker_agent_id, queued_at, created_at, updated_at, expires_at, finished_at""";
    private static final String RUN_COLUMNS = """
            id, job_id, worker_agent_id, attempt, status, lease_expires_at, submit_attempts_left, output_hash,
            created_at, ended_at""";

    private final Dialect dialect;

    public JobStore(Dialect dialect) {
        this.dialect = dialect;
    }

    // ---- jobs --------------------------------------------------------------------------------------

    public Optional<Job> find(Handle h, String id) {
        return h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> job(rs)).findOne();
    }

    /** Reads and row-locks a job for the rest of the transaction: the first statement of every state change. */
    public Optional<Job> lock(Handle h, String id) {
        return h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = :id" + dialect.forUpdate())
                .bind("id", id).map((rs, ctx) -> job(rs)).findOne();
    }

    public Optional<Job> findByIdempotencyKey(Handle h, String agentId, String key) {
        return h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE agent_id = :agent AND idempotency_key = :key")
                .bind("agent", agentId).bind("key", key).map((rs, ctx) -> job(rs)).findOne();
    }

    /** Inserts a new job; false when its idempotency key is taken (by a concurrent create, possibly). */
    public boolean insert(Handle h, Job j) {
        return h.createUpdate("INSERT INTO jobs (" + JOB_COLUMNS + ") VALUES (:id, :owner, :agent, :cap, :status,"
                        + " :input, NULL, NULL, NULL, 0, :maxAttempts, :budget, :price, NULL, :key, :hash, :callback,"
                        + " NULL, NULL, :now, :now, :now, :expires, NULL)"
                        + " ON CONFLICT (agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING")
                .bind("id", j.id()).bind("owner", j.ownerId()).bind("agent", j.agentId())
                .bind("cap", j.capabilityKey()).bind("status", JobStatus.QUEUED.wire()).bind("input", j.input())
                .bind("maxAttempts", j.maxAttempts()).bind("budget", j.maxBudgetNc()).bind("price", j.priceNc())
                .bind("key", j.idempotencyKey()).bind("hash", j.requestHash()).bind("callback", j.callbackUrl())
                .bind("now", j.createdAt()).bind("expires", j.expiresAt())
                .execute() == 1;
    }

    /** Whose jobs a listing covers: one agent's (the ones it created) or one owner's (all its agents'). */
    public record Scope(String agentId, String ownerId) {
    }

    /** A page of jobs, newest first, strictly older than {@code beforeId} when given. */
    public List<Job> list(Handle h, Scope scope, JobStatus status, String capabilityKey, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM jobs WHERE ");
        sql.append(scope.agentId() != null ? "agent_id = :who" : "owner_id = :who");
        if (status != null) sql.append(" AND status = :status");
        if (capabilityKey != null) sql.append(" AND capability_key = :cap");
        if (beforeId != null) sql.append(" AND id < :before");
        sql.append(" ORDER BY id DESC LIMIT :limit");
        var q = h.createQuery(sql.toString())
                .bind("who", scope.agentId() != null ? scope.agentId() : scope.ownerId())
                .bind("limit", limit);
        if (status != null) q.bind("status", status.wire());
        if (capabilityKey != null) q.bind("cap", capabilityKey);
        if (beforeId != null) q.bind("before", beforeId);
        return q.map((rs, ctx) -> job(rs)).list();
    }

    /** Queued jobs open for bids in any of {@code capabilities}, oldest first (retries keep their place). */
    public List<Job> available(Handle h, List<String> capabilities, int limit, long now) {
        return h.createQuery("SELECT " + JOB_COLUMNS + " FROM jobs WHERE status = 'queued'"
                        + " AND capability_key IN (<caps>) AND expires_at > :now ORDER BY id LIMIT :limit")
                .bindList("caps", capabilities).bind("now", now).bind("limit", limit)
                .map((rs, ctx) -> job(rs)).list();
    }

    int markRunning(Handle h, String jobId, String runId, long now) {
        return h.createUpdate("""
                        UPDATE jobs SET status = 'running', attempt = attempt + 1, current_run_id = :run, updated_at = :now
                        WHERE id = :id AND status = 'queued'""")
                .bind("id", jobId).bind("run", runId).bind("now", now).execute();
    }

    /** Back to the queue after a run ended without a result. current_run_id keeps naming the old run until a new bid. */
    int markQueued(Handle h, String jobId, long now) {
        return h.createUpdate("""
                        UPDATE jobs SET status = 'queued', queued_at = :now, updated_at = :now
                        WHERE id = :id AND status = 'running'""")
                .bind("id", jobId).bind("now", now).execute();
    }

    int markTerminal(Handle h, String jobId, JobStatus status, String output, String errorCode, String errorMessage,
                     long costNc, String workerAgentId, long now) {
        return h.createUpdate("""
                        UPDATE jobs SET status = :status, output = :output, error_code = :code, error_message = :message,
                            cost_nc = :cost, worker_agent_id = :worker, updated_at = :now, finished_at = :now
                        WHERE id = :id AND status IN ('queued', 'running')""")
                .bind("id", jobId).bind("status", status.wire()).bind("output", output).bind("code", errorCode)
                .bind("message", errorMessage).bind("cost", costNc).bind("worker", workerAgentId).bind("now", now)
                .execute();
    }

    /** Open jobs whose time to live has run out, for the sweeper. */
    public List<String> overdueJobIds(Handle h, long now, int limit) {
        return h.createQuery("SELECT id FROM jobs WHERE status IN ('queued', 'running') AND expires_at <= :now"
                        + " ORDER BY expires_at LIMIT :limit")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    }

    /** Counts by status (a metrics snapshot). */
    public List<Object[]> countByStatus(Handle h) {
        return h.createQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status")
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getLong(2)}).list();
    }

    /** Queued jobs per capability (a metrics snapshot). */
    public List<Object[]> queueDepth(Handle h) {
        return h.createQuery("SELECT capability_key, COUNT(*) FROM jobs WHERE status = 'queued' GROUP BY capability_key")
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getLong(2)}).list();
    }

    /** True when a worker may read this job: it ran it, or the job is queued in a capability it serves. */
    public boolean workerMaySee(Handle h, String agentId, Job job) {
        boolean ran = h.createQuery("SELECT COUNT(*) FROM task_runs WHERE job_id = :job AND worker_agent_id = :agent")
                .bind("job", job.id()).bind("agent", agentId).mapTo(Long.class).one() > 0;
        if (ran || job.status() != JobStatus.QUEUED) {
            return ran;
        }
        return h.createQuery("SELECT COUNT(*) FROM agent_capabilities WHERE agent_id = :agent AND capability_key = :cap")
                .bind("agent", agentId).bind("cap", job.capabilityKey()).mapTo(Long.class).one() > 0;
    }

    // ---- task runs ---------------------------------------------------------------------------------

    void insertRun(Handle h, TaskRun r) {
        h.createUpdate("INSERT INTO task_runs (" + RUN_COLUMNS + ") VALUES (:id, :job, :worker, :attempt, :status,"
                        + " :lease, :submits, NULL, :now, NULL)")
                .bind("id", r.id()).bind("job", r.jobId()).bind("worker", r.workerAgentId()).bind("attempt", r.attempt())
                .bind("status", r.status()).bind("lease", r.leaseExpiresAt()).bind("submits", r.submitAttemptsLeft())
                .bind("now", r.createdAt())
                .execute();
    }

    public Optional<TaskRun> findRun(Handle h, String runId) {
        return h.createQuery("SELECT " + RUN_COLUMNS + " FROM task_runs WHERE id = :id")
                .bind("id", runId).map((rs, ctx) -> run(rs)).findOne();
    }

    public int extendLease(Handle h, String runId, long leaseExpiresAt, long now) {
        return h.createUpdate("""
                        UPDATE task_runs SET lease_expires_at = :lease
                        WHERE id = :id AND status = 'active' AND lease_expires_at > :now""")
                .bind("id", runId).bind("lease", leaseExpiresAt).bind("now", now).execute();
    }

    public int useSubmitAttempt(Handle h, String runId) {
        return h.createUpdate("""
                        UPDATE task_runs SET submit_attempts_left = submit_attempts_left - 1
                        WHERE id = :id AND status = 'active' AND submit_attempts_left > 0""")
                .bind("id", runId).execute();
    }

    int endRun(Handle h, String runId, String status, String outputHash, long now) {
        return h.createUpdate("""
                        UPDATE task_runs SET status = :status, output_hash = :hash, ended_at = :now
                        WHERE id = :id AND status = 'active'""")
                .bind("id", runId).bind("status", status).bind("hash", outputHash).bind("now", now).execute();
    }

    /** Active runs whose lease has passed, for the sweeper: (run id, job id). */
    public List<String[]> expiredLeases(Handle h, long now, int limit) {
        return h.createQuery("SELECT id, job_id FROM task_runs WHERE status = 'active' AND lease_expires_at <= :now"
                        + " ORDER BY lease_expires_at LIMIT :limit")
                .bind("now", now).bind("limit", limit)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list();
    }

    // ---- events ------------------------------------------------------------------------------------

    /** Appends an event with the job's next sequence number; the counter update also serializes appenders. */
    long appendEvent(Handle h, String jobId, String type, String data, long now) {
        if (dialect.updatesInWith()) {
            // The same two steps in one statement: one round trip to the database instead of two.
            return h.createQuery("""
                            WITH next AS (UPDATE jobs SET event_seq = event_seq + 1 WHERE id = :job RETURNING event_seq)
                            INSERT INTO job_events (job_id, seq, type, at, data)
                            SELECT :job, event_seq, :type, :at, :data FROM next
                            RETURNING seq""")
                    .bind("job", jobId).bind("type", type).bind("at", now).bind("data", data)
                    .mapTo(Long.class).one();
        }
        long seq = h.createQuery("UPDATE jobs SET event_seq = event_seq + 1 WHERE id = :id RETURNING event_seq")
                .bind("id", jobId).mapTo(Long.class).one();
        h.createUpdate("INSERT INTO job_events (job_id, seq, type, at, data) VALUES (:job, :seq, :type, :at, :data)")
                .bind("job", jobId).bind("seq", seq).bind("type", type).bind("at", now).bind("data", data)
                .execute();
        return seq;
    }

    public List<JobEvent> events(Handle h, String jobId, long afterSeq, int limit) {
        return h.createQuery("SELECT job_id, seq, type, at, data FROM job_events WHERE job_id = :job AND seq > :after"
                        + " ORDER BY seq LIMIT :limit")
                .bind("job", jobId).bind("after", afterSeq).bind("limit", limit)
                .map((rs, ctx) -> new JobEvent(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5)))
                .list();
    }

    // ---- mapping -----------------------------------------------------------------------------------

    private static Job job(ResultSet rs) throws SQLException {
        return new Job(
                rs.getString("id"), rs.getString("owner_id"), rs.getString("agent_id"), rs.getString("capability_key"),
                JobStatus.fromWire(rs.getString("status")), rs.getString("input"), rs.getString("output"),
                rs.getString("error_code"), rs.getString("error_message"), rs.getInt("attempt"), rs.getInt("max_attempts"),
                rs.getLong("max_budget_nc"), rs.getLong("price_nc"), Rows.nullableLong(rs, "cost_nc"),
                rs.getString("idempotency_key"), rs.getString("request_hash"), rs.getString("callback_url"),
                rs.getString("current_run_id"), rs.getString("worker_agent_id"), rs.getLong("queued_at"),
                rs.getLong("created_at"), rs.getLong("updated_at"), rs.getLong("expires_at"),
                Rows.nullableLong(rs, "finished_at"));
    }

    private static TaskRun run(ResultSet rs) throws SQLException {
        return new TaskRun(rs.getString("id"), rs.getString("job_id"), rs.getString("worker_agent_id"),
                rs.getInt("attempt"), rs.getString("status"), rs.getLong("lease_expires_at"),
                rs.getInt("submit_attempts_left"), rs.getString("output_hash"), rs.getLong("created_at"),
                Rows.nullableLong(rs, "ended_at"));
    }
}
