package com.chaojiyuyan.kernel.workers;

import com.chaojiyuyan.kernel.artifacts.SubmittedArtifact;
import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import com.chaojiyuyan.kernel.http.Query;
import com.chaojiyuyan.kernel.jobs.Job;
import com.chaojiyuyan.kernel.jobs.JobViews;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The worker protocol: register, long-poll, bid, heartbeat, submit, fail. All need an agent key. */
public final class WorkerRoutes {
    private static final int MAX_WAIT_SECONDS = 60;

    private final WorkerRegistry registry;
    private final AvailableJobs available;
    private final Leases leases;
    private final JobViews views;
    private final Clock clock;
    private final long maxBodyBytes;
    private final long maxSubmitBytes;
    private final long maxArtifactBytes;

    /**
     * {@code maxSubmitBytes} is the body limit of a submit alone, which may carry artifacts inline (in
     * base64); {@code maxArtifactBytes} limits each artifact's decoded bytes.
     */
    public WorkerRoutes(WorkerRegistry registry, AvailableJobs available, Leases leases, JobViews views, Clock clock,
                        long maxBodyBytes, long maxSubmitBytes, long maxArtifactBytes) {
        this.registry = registry;
        this.available = available;
        this.leases = leases;
        this.views = views;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.maxSubmitBytes = maxSubmitBytes;
        this.maxArtifactBytes = maxArtifactBytes;
    }

    /** Registers the worker routes; {@code /kernel-jobs/available} goes before the caller's {@code /kernel-jobs/{job_id}}. */
    public void register(Api api) {
        api.post("/kernel-agents/me/capabilities", Access.AGENT, (ctx, c) -> registerCapabilities(ctx, agent(c)));
        api.get("/kernel-agents/me/capabilities", Access.AGENT,
                (ctx, c) -> ctx.json(capabilities(registry.capabilities(agent(c).agentId()))));
        api.delete("/kernel-agents/me/capabilities/{capability_key}", Access.AGENT, (ctx, c) -> {
            if (!registry.remove(agent(c).agentId(), ctx.pathParam("capability_key"))) {
                throw ApiException.notFound("capability registration");
            }
            ctx.status(204);
        });
        api.get("/kernel-jobs/available", Access.AGENT, (ctx, c) -> available(ctx, agent(c)));
        api.post("/kernel-jobs/{job_id}/bid", Access.AGENT, (ctx, c) -> bid(ctx, agent(c)));
        api.post("/kernel-jobs/{job_id}/heartbeat", Access.AGENT, (ctx, c) -> heartbeat(ctx, agent(c)));
        api.post("/kernel-jobs/{job_id}/submit", Access.AGENT, (ctx, c) -> submit(ctx, agent(c)));
        api.post("/kernel-jobs/{job_id}/fail", Access.AGENT, (ctx, c) -> fail(ctx, agent(c)));
    }

    private static Principal.Agent agent(Principal caller) {
        return (Principal.Agent) caller;
    }

    private void registerCapabilities(Context ctx, Principal.Agent worker) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("capability_keys"));
        List<String> keys = body.requiredStringList("capability_keys");
        ctx.json(capabilities(registry.register(worker.agentId(), keys, clock.millis())));
    }

    private static ObjectNode capabilities(List<String> keys) {
        ObjectNode out = Json.object();
        ArrayNode array = out.putArray("capability_keys");
        keys.forEach(array::add);
        return out;
    }

    private void available(Context ctx, Principal.Agent worker) throws InterruptedException {
        List<String> requested = Query.strings(ctx, "capability_key");
        int limit = Query.intParam(ctx, "limit", 10, 1, 100);
        int wait = Query.intParam(ctx, "wait_seconds", 0, 0, MAX_WAIT_SECONDS);
        List<Job> jobs = available.poll(worker.agentId(), requested, limit, wait);
        ObjectNode out = Json.object();
        ArrayNode array = out.putArray("jobs");
        jobs.forEach(j -> array.add(views.available(j)));
        ctx.json(out);
    }

    private void bid(Context ctx, Principal.Agent worker) {
        // The bid carries no body; one sent anyway is read (so its size is limited) and ignored.
        JsonBody.readBytes(ctx, maxBodyBytes);
        Leases.Won won = leases.bid(worker, ctx.pathParam("job_id"));
        ObjectNode out = Json.object();
        if (won == null) {
            out.put("accepted", false);
            out.put("reason", "already_taken");
        } else {
            out.put("accepted", true);
            out.put("task_run_id", won.run().id());
            out.put("lease_expires_at", Json.time(won.run().leaseExpiresAt()));
            out.put("lease_seconds", won.leaseSeconds());
            out.put("heartbeat_seconds", won.heartbeatSeconds());
            out.put("submit_attempts_left", won.run().submitAttemptsLeft());
            out.set("job", views.worker(won.job()));
        }
        ctx.json(out);
    }

    private void heartbeat(Context ctx, Principal.Agent worker) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("task_run_id"));
        long expires = leases.heartbeat(worker, ctx.pathParam("job_id"), body.requiredString("task_run_id"));
        ObjectNode out = Json.object();
        out.put("lease_expires_at", Json.time(expires));
        ctx.json(out);
    }

    private void submit(Context ctx, Principal.Agent worker) {
        JsonBody body = JsonBody.read(ctx, maxSubmitBytes).allowOnly(Set.of("task_run_id", "output", "artifacts"));
        String runId = body.requiredString("task_run_id");
        JsonNode output = body.root().get("output");
        if (output == null) {
            throw ApiException.invalidRequest("'output' is required (the capability's output, a JSON value)");
        }
        // Checked in full before anything is written: a refused artifact leaves no trace and costs no submit.
        List<SubmittedArtifact> artifacts = SubmittedArtifact.parseAll(body.root().get("artifacts"), maxArtifactBytes);
        ctx.json(views.worker(leases.submit(worker, ctx.pathParam("job_id"), runId, output, artifacts)));
    }

    private void fail(Context ctx, Principal.Agent worker) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("task_run_id", "error", "retryable"));
        String runId = body.requiredString("task_run_id");
        String code = "worker_error";
        String message = "the worker reported a failure";
        JsonNode error = body.optionalObject("error");
        if (error != null) {
            JsonBody e = JsonBody.of(error).allowOnly(Set.of("code", "message"));
            code = e.optionalString("code") == null ? code : e.optionalString("code");
            message = e.optionalString("message") == null ? message : e.optionalString("message");
        }
        if (code.length() > 100 || message.length() > 10_000) {
            throw ApiException.invalidRequest("'error.code' is at most 100 characters and 'error.message' 10000");
        }
        boolean retryable = !Boolean.FALSE.equals(body.optionalBoolean("retryable"));
        ctx.json(views.worker(leases.fail(worker, ctx.pathParam("job_id"), runId, code, message, retryable)));
    }
}
