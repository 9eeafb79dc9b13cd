package com.chaojiyuyan.kernel.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import tools.jackson.databind.JsonNode;

/**
 * The promises a job broker must keep whatever dies, read straight from the database (so it works for
 * servers in other processes too): every job the callers created exists once and ends; none settles twice;
 * a succeeded job's output comes from exactly one accepted run (and never from a run the test killed or
 * outran); the ledger sums to zero with every account, hold and movement agreeing with its entries; and
 * every settled job's webhook reached each expected target at least once.
 *
 * <pre>{@code
 * Tally t = JobInvariants.on(jdbi).jobs(ids).callers(callerAgentIds).forbiddenRuns(killedRuns)
 *         .webhooks(sink, "/callback", "/endpoint").tally("worker_kill");
 * }</pre>
 */
public final class JobInvariants {
    private final Jdbi jdbi;
    private final List<String> jobIds = new ArrayList<>();
    private final Set<String> callers = new HashSet<>();
    private final Set<String> forbiddenRuns = new HashSet<>();
    private WebhookSink sink;
    private List<String> webhookPaths = List.of();

    private JobInvariants(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public static JobInvariants on(Jdbi jdbi) {
        return new JobInvariants(jdbi);
    }

    /** Reads the database at {@code jdbcUrl} with connections of its own (a server in another process). */
    public static JobInvariants on(String jdbcUrl) {
        return new JobInvariants(Jdbi.create(jdbcUrl));
    }

    /** The jobs the scenario created (as their creates answered). */
    public JobInvariants jobs(Collection<String> ids) {
        jobIds.addAll(ids);
        return this;
    }

    /** The agents that created the scenario's jobs: any other job of theirs is a duplicate. */
    public JobInvariants callers(Collection<String> agentIds) {
        callers.addAll(agentIds);
        return this;
    }

    /** Runs whose output must never be a job's output (a killed worker's, a late submitter's). */
    public JobInvariants forbiddenRuns(Collection<String> runIds) {
        forbiddenRuns.addAll(runIds);
        return this;
    }

    /** Every settled job's webhook must have reached {@code sink} at each of {@code paths}. */
    public JobInvariants webhooks(WebhookSink sink, String... paths) {
        this.sink = sink;
        this.webhookPaths = List.of(paths);
        return this;
    }

    public Tally tally(String fault) {
        return jdbi.withHandle(h -> tally(h, fault));
    }

    private record JobRow(String id, String status, String output, String workerAgentId) {
    }

    private Tally tally(Handle h, String fault) {
        Map<String, JobRow> rows = new HashMap<>();
        for (List<String> chunk : chunks(jobIds)) {
            h.createQuery("SELECT id, status, output, worker_agent_id FROM jobs WHERE id IN (<ids>)")
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> new JobRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                    .forEach(r -> rows.put(r.id(), r));
        }
        int lost = jobIds.size() - rows.size();
        int duplicates = 0;
        if (!callers.isEmpty()) {
            Set<String> expected = new HashSet<>(jobIds);
            duplicates = (int) h.createQuery("SELECT id FROM jobs WHERE agent_id IN (<callers>)")
                    .bindList("callers", List.copyOf(callers)).mapTo(String.class).stream()
                    .filter(id -> !expected.contains(id)).count();
        }
        Map<String, Integer> byStatus = new HashMap<>();
        rows.values().forEach(r -> byStatus.merge(r.status(), 1, Integer::sum));
        int open = byStatus.getOrDefault("queued", 0) + byStatus.getOrDefault("running", 0);

        int doubleSettled = 0;
        int foreignOutput = 0;
        int webhooksMissing = 0;
        for (JobRow job : rows.values()) {
            if (settledMoreThanOnce(h, job.id())) {
                doubleSettled++;
            }
            if (!outputIsItsOwn(h, job)) {
                foreignOutput++;
            }
            boolean terminal = !job.status().equals("queued") && !job.status().equals("running");
            if (terminal && sink != null && !sink.pathsFor(job.id()).containsAll(webhookPaths)) {
                webhooksMissing++;
            }
        }
        long ledgerSum = h.createQuery("SELECT COALESCE(SUM(amount_nc), 0) FROM ledger_entries").mapTo(Long.class).one();
        return new Tally(fault, jobIds.size(), byStatus.getOrDefault("succeeded", 0), byStatus.getOrDefault("failed", 0),
                byStatus.getOrDefault("expired", 0), byStatus.getOrDefault("cancelled", 0), open, lost, duplicates,
                doubleSettled, foreignOutput, ledgerSum, ledgerErrors(h), halfWritten(h).values().stream().mapToInt(Integer::intValue).sum(),
                webhooksMissing);
    }

    /** More than one settled event, or more than one hold, release or charge movement. */
    private static boolean settledMoreThanOnce(Handle h, String jobId) {
        int settledEvents = h.createQuery("SELECT COUNT(*) FROM job_events WHERE job_id = :id AND type = 'settled'")
                .bind("id", jobId).mapTo(Integer.class).one();
        int repeatedMovements = h.createQuery("""
                        SELECT COUNT(*) FROM (
                            SELECT kind FROM ledger_entries WHERE job_id = :id AND kind IN ('hold', 'release', 'charge')
                            GROUP BY kind HAVING COUNT(DISTINCT movement_id) > 1) repeated""")
                .bind("id", jobId).mapTo(Integer.class).one();
        return settledEvents > 1 || repeatedMovements > 0;
    }

    /**
     * A succeeded job has exactly one succeeded run, whose worker the job names, which is not forbidden,
     * and whose id the output carries when the output names a run ({@code task_run_id}); any other job has
     * no output and no succeeded run.
     */
    private boolean outputIsItsOwn(Handle h, JobRow job) {
        List<String[]> succeededRuns = h.createQuery(
                        "SELECT id, worker_agent_id FROM task_runs WHERE job_id = :id AND status = 'succeeded'")
                .bind("id", job.id()).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        if (!job.status().equals("succeeded")) {
            return succeededRuns.isEmpty() && job.output() == null;
        }
        if (succeededRuns.size() != 1 || job.output() == null) {
            return false;
        }
        String runId = succeededRuns.get(0)[0];
        if (forbiddenRuns.contains(runId) || !succeededRuns.get(0)[1].equals(job.workerAgentId())) {
            return false;
        }
        JsonNode output = HttpApi.JSON.readTree(job.output());
        JsonNode named = output.get("task_run_id");
        return named == null || named.asString().equals(runId);
    }

    /** Rows breaking the bookkeeping rules (the checks of the ledger's own tests, counted instead of asserted). */
    private static int ledgerErrors(Handle h) {
        int errors = 0;
        errors += count(h, "SELECT COUNT(*) FROM (SELECT movement_id FROM ledger_entries GROUP BY movement_id HAVING SUM(amount_nc) <> 0) m");
        errors += count(h, """
                SELECT COUNT(*) FROM credit_accounts a
                WHERE a.available_nc <> COALESCE((SELECT SUM(e.amount_nc) FROM ledger_entries e WHERE e.account_id = a.id), 0)""");
        errors += count(h, """
                SELECT COUNT(*) FROM credit_accounts a
                WHERE a.owner_id IS NOT NULL
                  AND a.held_nc <> COALESCE((SELECT SUM(j.max_budget_nc) FROM jobs j
                                             WHERE j.owner_id = a.id AND j.status IN ('queued', 'running')), 0)""");
        errors += count(h, """
                SELECT COUNT(*) FROM jobs j
                WHERE COALESCE((SELECT SUM(e.amount_nc) FROM ledger_entries e WHERE e.account_id = j.id), 0)
                      <> CASE WHEN j.status IN ('queued', 'running') THEN j.max_budget_nc ELSE 0 END""");
        errors += count(h, "SELECT COUNT(*) FROM credit_accounts WHERE available_nc < 0 AND id <> 'issuance'");
        errors += count(h, "SELECT CASE WHEN COALESCE(SUM(available_nc + held_nc), 0) = 0 THEN 0 ELSE 1 END FROM credit_accounts");
        return errors;
    }

    /**
     * Over the whole database, each state that a half-written change would leave, named with how many rows
     * show it (empty when there is none): a job without its creation event or with a wrong number of
     * settlements, runs that disagree with their job, artifacts or webhooks of jobs that did not settle so.
     */
    public static java.util.Map<String, Integer> halfWritten(Jdbi jdbi) {
        return jdbi.withHandle(JobInvariants::halfWritten);
    }

    private static java.util.Map<String, Integer> halfWritten(Handle h) {
        java.util.Map<String, String> checks = new java.util.LinkedHashMap<>();
        checks.put("jobs without their created event", """
                SELECT COUNT(*) FROM jobs j WHERE NOT EXISTS
                    (SELECT 1 FROM job_events e WHERE e.job_id = j.id AND e.type = 'created')""");
        checks.put("ended jobs not settled exactly once", """
                SELECT COUNT(*) FROM jobs j WHERE j.status NOT IN ('queued', 'running')
                  AND (SELECT COUNT(*) FROM job_events e WHERE e.job_id = j.id AND e.type = 'settled') <> 1""");
        checks.put("open jobs with a settlement", """
                SELECT COUNT(*) FROM jobs j WHERE j.status IN ('queued', 'running')
                  AND (EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = j.id AND e.type = 'settled') OR j.finished_at IS NOT NULL)""");
        checks.put("running jobs whose current run is not their one active run", """
                SELECT COUNT(*) FROM jobs j WHERE j.status = 'running'
                  AND ((SELECT COUNT(*) FROM task_runs r WHERE r.job_id = j.id AND r.status = 'active') <> 1
                       OR NOT EXISTS (SELECT 1 FROM task_runs r WHERE r.id = j.current_run_id AND r.status = 'active'))""");
        checks.put("active runs of jobs that are not running", """
                SELECT COUNT(*) FROM task_runs r JOIN jobs j ON j.id = r.job_id WHERE r.status = 'active' AND j.status <> 'running'""");
        checks.put("runs beyond their job's attempts", """
                SELECT COUNT(*) FROM jobs j WHERE (SELECT COUNT(*) FROM task_runs r WHERE r.job_id = j.id) <> j.attempt""");
        checks.put("succeeded jobs without an output or a cost", """
                SELECT COUNT(*) FROM jobs WHERE status = 'succeeded' AND (output IS NULL OR cost_nc IS NULL OR worker_agent_id IS NULL)""");
        checks.put("artifacts of jobs that did not succeed", """
                SELECT COUNT(*) FROM job_artifacts a JOIN jobs j ON j.id = a.job_id WHERE j.status <> 'succeeded'""");
        checks.put("webhook deliveries of open jobs", """
                SELECT COUNT(*) FROM webhook_deliveries d JOIN jobs j ON j.id = d.job_id WHERE j.status IN ('queued', 'running')""");
        checks.put("ledger rows disagreeing with accounts, holds or movements", null);
        java.util.Map<String, Integer> found = new java.util.LinkedHashMap<>();
        checks.forEach((what, sql) -> {
            int n = sql == null ? ledgerErrors(h) : count(h, sql);
            if (n > 0) {
                found.put(what, n);
            }
        });
        return found;
    }

    private static int count(Handle h, String sql) {
        return h.createQuery(sql).mapTo(Integer.class).one();
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 500) {
            chunks.add(ids.subList(i, Math.min(ids.size(), i + 500)));
        }
        return chunks;
    }
}
