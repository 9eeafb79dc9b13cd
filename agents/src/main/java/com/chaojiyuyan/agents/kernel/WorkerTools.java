package com.chaojiyuyan.agents.kernel;

import com.chaojiyuyan.agents.Arguments;
import com.chaojiyuyan.agents.ToolContext;
import com.chaojiyuyan.agents.ToolErrors;
import com.chaojiyuyan.agents.ToolResult;
import com.chaojiyuyan.sdk.CapabilitySpec;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.worker.AvailableJob;
import com.chaojiyuyan.sdk.worker.BidRejected;
import com.chaojiyuyan.sdk.worker.Lease;
import com.chaojiyuyan.sdk.worker.LeaseExpired;
import com.chaojiyuyan.sdk.worker.SubmitValidationFailed;
import com.chaojiyuyan.sdk.worker.TaskRunNotFound;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The worker's tools: serve capabilities, claim one job at a time, submit its result. */
final class WorkerTools {
    private static final int OFFERS_PER_POLL = 5;

    private final KernelConnection kernel;
    private final Map<String, JsonNode> outputSchemas = new ConcurrentHashMap<>();

    WorkerTools(KernelConnection kernel) {
        this.kernel = kernel;
    }

    ToolResult register(Arguments args, ToolContext context) {
        ArrayNode keys = JsonNodeFactory.instance.arrayNode();
        kernel.worker().register(args.strings("capability_keys")).forEach(keys::add);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("capability_keys", keys);
        return ToolResult.success(out);
    }

    /**
     * Long-polls for offers and bids on them in turn until one bid wins or the wait is over. A lost bid
     * (another worker was first) is a normal outcome: the next offer is tried, then the next poll.
     */
    ToolResult claim(Arguments args, ToolContext context) {
        List<String> keys = args.has("capability_key") ? List.of(args.string("capability_key")) : List.of();
        Duration wait = Duration.ofSeconds(args.integer("wait_seconds", KernelAgent.DEFAULT_CLAIM_WAIT_SECONDS));
        Duration maxHold = Duration.ofSeconds(args.integer("max_hold_seconds", KernelAgent.DEFAULT_MAX_HOLD_SECONDS));
        long deadline = System.nanoTime() + wait.toNanos();
        for (boolean first = true; ; first = false) {
            // The kernel waits in whole seconds: less than one left after a poll means the wait is over
            // (polling on without waiting would only spin).
            long remainingSeconds = Math.max(0, deadline - System.nanoTime()) / 1_000_000_000L;
            if (!first && remainingSeconds < 1) {
                break;
            }
            for (AvailableJob offer : kernel.worker().available(keys, Duration.ofSeconds(remainingSeconds), OFFERS_PER_POLL)) {
                Lease lease;
                try {
                    lease = kernel.worker().bid(offer.jobId());
                } catch (BidRejected lost) {
                    continue;
                }
                return ToolResult.success(claimed(lease, maxHold));
            }
            if (context.isCancelled()) {
                return ToolResult.failure(ToolErrors.CANCELLED, "stopped waiting for a job: the call was cancelled");
            }
        }
        ObjectNode none = JsonNodeFactory.instance.objectNode();
        none.put("claimed", false);
        none.put("message", "no job was available within " + wait.toSeconds() + " s; call kernel_claim_job again to keep waiting");
        return ToolResult.success(none);
    }

    private ObjectNode claimed(Lease lease, Duration maxHold) {
        ClaimedJobs.Claim claim = kernel.claims().hold(lease, Duration.ofSeconds(Math.max(1, lease.heartbeatSeconds())), maxHold);
        JsonNode job = lease.raw().path("job");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("claimed", true);
        out.put("message", "claimed job " + lease.jobId() + "; its lease is renewed in the background (while this server runs)"
                + " until kernel_submit_job, at most until " + claim.holdUntil);
        out.put("job_id", lease.jobId());
        out.put("task_run_id", lease.taskRunId());
        out.put("capability_key", job.path("capability_key").asString());
        out.set("input", job.path("input_envelope").path("input"));
        outputSchema(job.path("capability_key").asString()).ifPresent(s -> out.set("output_schema", s));
        out.put("attempt", job.path("input_envelope").path("attempt").asInt(job.path("attempt").asInt()));
        out.put("max_budget_nc", job.path("max_budget_nc").asLong());
        out.put("lease_expires_at", lease.leaseExpiresAt().toString());
        out.put("heartbeat_seconds", lease.heartbeatSeconds());
        out.put("hold_until", claim.holdUntil.toString());
        out.put("submit_attempts_left", lease.submitAttemptsLeft());
        return out;
    }

    /** The capability's output schema, from the catalog (read once per capability); empty when it cannot be read. */
    private Optional<JsonNode> outputSchema(String capabilityKey) {
        JsonNode known = outputSchemas.get(capabilityKey);
        if (known == null) {
            try {
                for (CapabilitySpec spec : kernel.client().capabilities()) {
                    if (spec.outputSchema() != null) {
                        outputSchemas.put(spec.capabilityKey(), spec.outputSchema());
                    }
                }
            } catch (RuntimeException unreadable) {
                return Optional.empty(); // the claim stands; the schema is a convenience
            }
            known = outputSchemas.get(capabilityKey);
        }
        return Optional.ofNullable(known);
    }

    /**
     * Submits for the claim this server holds on the job (or the explicit {@code task_run_id} of a claim
     * made elsewhere). The heartbeat stops once the kernel accepts the submit, or once it says the run is
     * over; after a refused output with submits left, the claim is still held.
     */
    ToolResult submit(Arguments args, ToolContext context) {
        String jobId = args.string("job_id");
        Optional<ClaimedJobs.Claim> claim = kernel.claims().get(jobId);
        Lease lease;
        if (args.has("task_run_id")) {
            lease = new Lease(jobId, args.string("task_run_id"), null, 0, 0, 0, null, null);
        } else if (claim.isEmpty()) {
            return ToolResult.failure("task_run_not_found", "this server holds no claim on job " + jobId
                    + "; claim a job with kernel_claim_job first (or pass the task_run_id of a claim made elsewhere)");
        } else if (claim.get().state() == ClaimedJobs.State.RELEASED) {
            return ToolResult.failure("lease_expired", "the claim on job " + jobId + " was given back to the kernel: "
                    + claim.get().lostBecause() + "; claim a job again with kernel_claim_job");
        } else {
            lease = claim.get().lease;
        }
        ClaimedJobs.Claim sameRun = claim.filter(c -> c.lease.taskRunId().equals(lease.taskRunId())).orElse(null);
        try {
            Job job = kernel.worker().submit(lease, args.node("output"), artifacts(args.node("artifacts")));
            if (sameRun != null) {
                kernel.claims().submitted(sameRun);
            }
            return CallerTools.job(job);
        } catch (SubmitValidationFailed refused) {
            if (sameRun != null && refused.submitAttemptsLeft() == 0) {
                kernel.claims().lost(sameRun, "no submits left");
            }
            throw refused;
        } catch (LeaseExpired | TaskRunNotFound over) {
            if (sameRun != null) {
                kernel.claims().lost(sameRun, over.code());
            }
            throw over;
        }
    }

    /** The kernel's artifact form: a {@code text} artifact is sent as base64 of its UTF-8 bytes. */
    private static List<Map<String, Object>> artifacts(JsonNode given) {
        if (given == null) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode a : given) {
            Map<String, Object> artifact = new LinkedHashMap<>();
            artifact.put("name", a.get("name").asString());
            artifact.put("content_type", a.get("content_type").asString());
            if (a.has("text")) {
                artifact.put("data_base64", Base64.getEncoder().encodeToString(a.get("text").asString().getBytes(StandardCharsets.UTF_8)));
            } else if (a.has("data_base64")) {
                artifact.put("data_base64", a.get("data_base64").asString());
            } else {
                artifact.put("url", a.get("url").asString());
            }
            out.add(artifact);
        }
        return out;
    }
}
