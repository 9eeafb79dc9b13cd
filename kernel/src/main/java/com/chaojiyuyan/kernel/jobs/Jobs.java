package com.chaojiyuyan.kernel.jobs;

import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.catalog.CapabilitySpec;
import com.chaojiyuyan.kernel.catalog.CatalogStore;
import com.chaojiyuyan.kernel.catalog.SchemaValidator;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.signals.JobWatchers;
import com.chaojiyuyan.kernel.storage.Database;
import com.chaojiyuyan.kernel.storage.Ids;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The caller's side of kernel jobs: create (idempotently), read, list, cancel, wait, events. */
public final class Jobs {

    /** What a caller asked for in {@code POST /kernel-jobs}. */
    public record CreateRequest(String capabilityKey, JsonNode input, Long maxBudgetNc, String idempotencyKey,
                                String callbackUrl) {
    }

    /** A created job, or ({@code replayed}) the job an earlier identical request created. */
    public record Created(Job job, boolean replayed) {
    }

    private final Database db;
    private final JobStore store;
    private final JobTransitions transitions;
    private final CatalogStore catalog;
    private final SchemaValidator schemas;
    private final JobWatchers watchers;
    private final Clock clock;

    public Jobs(Database db, JobStore store, JobTransitions transitions, CatalogStore catalog, SchemaValidator schemas,
                JobWatchers watchers, Clock clock) {
        this.db = db;
        this.store = store;
        this.transitions = transitions;
        this.catalog = catalog;
        this.schemas = schemas;
        this.watchers = watchers;
        this.clock = clock;
    }

    public Created create(Principal.Agent caller, CreateRequest request) {
        if (request.idempotencyKey() != null) {
            // A replay answers the job it created, whatever the catalog says today (deprecated, re-priced,
            // new schema): the client retrying a lost answer must learn of its job. An absent budget
            // defaulted to the price the job was created at, which the job keeps.
            Optional<Job> earlier = db.read(h -> store.findByIdempotencyKey(h, caller.agentId(), request.idempotencyKey()));
            if (earlier.isPresent()) {
                long budget = request.maxBudgetNc() == null ? earlier.get().priceNc() : request.maxBudgetNc();
                return replay(earlier.get(), requestHash(request, budget));
            }
        }
        CapabilitySpec spec = catalog.find(request.capabilityKey())
                .orElseThrow(() -> ApiException.badRequest("unknown_capability",
                        "capability '" + request.capabilityKey() + "' is not in the catalog"));
        if (!spec.isActive()) {
            throw ApiException.badRequest("capability_deprecated",
                    "capability '" + spec.capabilityKey() + "' is deprecated and takes no new jobs");
        }
        List<String> errors = schemas.validate(spec.inputSchema(), request.input());
        if (!errors.isEmpty()) {
            throw ApiException.unprocessable("validation_failed",
                    "input does not match the input_schema of '" + spec.capabilityKey() + "'").with("errors", errors);
        }
        long budget = request.maxBudgetNc() == null ? spec.priceNc() : request.maxBudgetNc();
        if (budget < spec.priceNc()) {
            throw ApiException.unprocessable("budget_below_price", "max_budget_nc " + budget
                    + " is below the price of '" + spec.capabilityKey() + "' (" + spec.priceNc() + " nc)");
        }
        String requestHash = requestHash(request, budget);
        String input = Json.write(request.input());
        long now = clock.millis();
        Job fresh = new Job(Ids.newId("job", now), caller.ownerId(), caller.agentId(), spec.capabilityKey(),
                JobStatus.QUEUED, input, null, null, null, 0, spec.maxAttempts(), budget, spec.priceNc(), null,
                request.idempotencyKey(), requestHash, request.callbackUrl(), null, null, now, now, now,
                now + spec.jobTtlSeconds() * 1000L, null);
        return db.transaction(h -> {
            if (fresh.idempotencyKey() != null) {
                Optional<Job> earlier = store.findByIdempotencyKey(h, caller.agentId(), fresh.idempotencyKey());
                if (earlier.isPresent()) {
                    return replay(earlier.get(), requestHash);
                }
            }
            if (!store.insert(h, fresh)) {
                // A concurrent create with the same key committed first; PostgreSQL waited for it, so it is visible now.
                return replay(store.findByIdempotencyKey(h, caller.agentId(), fresh.idempotencyKey()).orElseThrow(), requestHash);
            }
            transitions.created(h, fresh);
            return new Created(fresh, false);
        });
    }

    private static Created replay(Job earlier, String requestHash) {
        if (!earlier.requestHash().equals(requestHash)) {
            throw ApiException.unprocessable("idempotency_key_reused",
                    "idempotency key '" + earlier.idempotencyKey() + "' was used for a different request (job " + earlier.id() + ")");
        }
        return new Created(earlier, true);
    }

    private static String requestHash(CreateRequest r, long budget) {
        ObjectNode canonical = Json.object();
        canonical.put("capability_key", r.capabilityKey());
        canonical.set("input", r.input());
        canonical.put("max_budget_nc", budget);
        canonical.put("callback_url", r.callbackUrl());
        return Secrets.sha256Hex(Json.canonical(canonical));
    }

    /** The job if {@code caller} may see it as its caller (its owner, or the agent that created it). */
    public Job getOwn(Principal caller, String jobId) {
        return db.read(h -> ownJob(h, caller, jobId));
    }

    private Job ownJob(Handle h, Principal caller, String jobId) {
        if (!Ids.looksLike("job", jobId)) {
            throw ApiException.notFound("job");
        }
        return store.find(h, jobId).filter(j -> isCallerOf(caller, j)).orElseThrow(() -> ApiException.notFound("job"));
    }

    /** A job as {@code caller} may see it: as its caller, or as a worker that ran it or may bid on it. */
    public record Visible(Job job, boolean asCaller) {
    }

    public Visible getVisible(Principal caller, String jobId) {
        return db.read(h -> {
            if (!Ids.looksLike("job", jobId)) {
                throw ApiException.notFound("job");
            }
            Job job = store.find(h, jobId).orElseThrow(() -> ApiException.notFound("job"));
            if (isCallerOf(caller, job)) {
                return new Visible(job, true);
            }
            if (caller instanceof Principal.Agent agent && store.workerMaySee(h, agent.agentId(), job)) {
                return new Visible(job, false);
            }
            throw ApiException.notFound("job");
        });
    }

    static boolean isCallerOf(Principal caller, Job job) {
        return switch (caller) {
            case Principal.Owner o -> o.ownerId().equals(job.ownerId());
            case Principal.Agent a -> a.agentId().equals(job.agentId());
        };
    }

    /**
     * Reads a job, holding the request up to {@code waitSeconds} until its status differs from the one
     * it had at the first read. Answers at once when the job is terminal.
     */
    public Job await(Principal caller, String jobId, int waitSeconds) throws InterruptedException {
        Job initial = getOwn(caller, jobId);
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        Job current = initial;
        while (!current.status().isTerminal() && current.status() == initial.status()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            JobWatchers.Watch watch = watchers.register(jobId);
            try {
                // Re-read after registering, so a change committed in between is not missed.
                current = getOwn(caller, jobId);
                if (current.status() != initial.status()) {
                    break;
                }
                watch.await(remaining);
            } finally {
                watchers.cancel(watch);
            }
            current = getOwn(caller, jobId);
        }
        return current;
    }

    public List<Job> list(Principal caller, JobStatus status, String capabilityKey, String beforeId, int limit) {
        JobStore.Scope scope = switch (caller) {
            case Principal.Owner o -> new JobStore.Scope(null, o.ownerId());
            case Principal.Agent a -> new JobStore.Scope(a.agentId(), null);
        };
        return db.read(h -> store.list(h, scope, status, capabilityKey, beforeId, limit));
    }

    /** Cancels a queued or running job; cancelling a cancelled job again answers it unchanged. */
    public Job cancel(Principal caller, String jobId) {
        long now = clock.millis();
        return db.transaction(h -> {
            if (!Ids.looksLike("job", jobId)) {
                throw ApiException.notFound("job");
            }
            Job job = store.lock(h, jobId).filter(j -> isCallerOf(caller, j)).orElseThrow(() -> ApiException.notFound("job"));
            if (job.status() == JobStatus.CANCELLED) {
                return job;
            }
            if (job.status().isTerminal()) {
                throw ApiException.gone("job_terminal", "job " + jobId + " is already " + job.status().wire());
            }
            String who = caller instanceof Principal.Owner ? "its owner" : "its caller";
            return transitions.finish(h, job, JobStatus.CANCELLED, null, "cancelled", "cancelled by " + who, now);
        });
    }

    public List<JobEvent> events(Principal caller, String jobId, long afterSeq, int limit) {
        return db.read(h -> {
            ownJob(h, caller, jobId);
            return store.events(h, jobId, afterSeq, limit);
        });
    }

    public JobWatchers watchers() {
        return watchers;
    }
}
