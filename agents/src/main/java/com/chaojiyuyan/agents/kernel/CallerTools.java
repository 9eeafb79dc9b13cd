package com.chaojiyuyan.agents.kernel;

import com.chaojiyuyan.agents.Arguments;
import com.chaojiyuyan.agents.ToolContext;
import com.chaojiyuyan.agents.ToolError;
import com.chaojiyuyan.agents.ToolErrors;
import com.chaojiyuyan.agents.ToolResult;
import com.chaojiyuyan.sdk.CallOptions;
import com.chaojiyuyan.sdk.CapabilitySpec;
import com.chaojiyuyan.sdk.Job;
import com.chaojiyuyan.sdk.JobTimeout;
import java.net.URI;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The caller's tools: browse the catalog, create jobs, follow them. */
final class CallerTools {
    /** A wait long-polls the kernel in slices this long, reporting progress between them. */
    private static final Duration SLICE = Duration.ofSeconds(5);

    private final KernelConnection kernel;

    CallerTools(KernelConnection kernel) {
        this.kernel = kernel;
    }

    ToolResult listCapabilities(Arguments args, ToolContext context) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (CapabilitySpec spec : kernel.client().capabilities()) {
            list.add(spec.raw());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("capabilities", list);
        return ToolResult.success(out);
    }

    ToolResult createJob(Arguments args, ToolContext context) {
        CallOptions options = CallOptions.none();
        if (args.has("idempotency_key")) {
            options = options.idempotencyKey(args.string("idempotency_key"));
        }
        if (args.has("max_budget_nc")) {
            options = options.maxBudgetNc(args.integer("max_budget_nc", 0));
        }
        if (args.has("callback_url")) {
            options = options.callbackUrl(args.string("callback_url"));
        }
        return job(kernel.client().call(args.string("capability_key"), args.node("input"), options));
    }

    ToolResult getJob(Arguments args, ToolContext context) {
        return job(kernel.client().getJob(args.string("job_id")));
    }

    /**
     * Waits for the job to finish, within {@link KernelAgent#MAX_WAIT_SECONDS} whatever was asked: each
     * slice is one of the kernel's {@code wait_seconds} long-polls (answered as soon as the status changes),
     * and every slice ends with a progress report. Time running out is the error {@code job_timeout}, with
     * the job's id and status, so a client can call again; it is not a failure of the job.
     */
    ToolResult waitForJob(Arguments args, ToolContext context) {
        String jobId = args.string("job_id");
        long asked = args.integer("timeout_seconds", KernelAgent.DEFAULT_WAIT_SECONDS);
        Duration limit = Duration.ofSeconds(Math.min(asked, KernelAgent.MAX_WAIT_SECONDS));
        long start = System.nanoTime();
        Job job = kernel.client().getJob(jobId);
        double reported = -1;
        while (!job.isTerminal()) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            Duration remaining = limit.minus(waited);
            if (context.isCancelled()) {
                return ToolResult.failure(ToolErrors.CANCELLED, "stopped waiting for job " + jobId + ": the call was cancelled");
            }
            if (remaining.isNegative() || remaining.isZero()) {
                return timedOut(job, waited);
            }
            double progress = waited.toMillis() / 1000.0;
            if (progress > reported) { // progress must grow with every notification
                context.progress(progress, (double) limit.toSeconds(), "job " + jobId + " is " + job.status().wire()
                        + " (waited " + waited.toSeconds() + " of " + limit.toSeconds() + " s)");
                reported = progress;
            }
            try {
                job = kernel.client().waitFor(jobId, remaining.compareTo(SLICE) < 0 ? remaining : SLICE);
            } catch (JobTimeout sliceOver) {
                job = sliceOver.lastSeen();
            }
        }
        return job(job);
    }

    ToolResult listArtifacts(Arguments args, ToolContext context) {
        Job job = kernel.client().getJob(args.string("job_id"));
        ArrayNode artifacts = JsonNodeFactory.instance.arrayNode();
        for (JsonNode artifact : job.raw().path("artifacts")) {
            ObjectNode copy = ((ObjectNode) artifact).deepCopy();
            copy.put("url", absolute(artifact.path("url").asString("")));
            artifacts.add(copy);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("job_id", job.id());
        out.put("status", job.status().wire());
        out.set("artifacts", artifacts);
        return ToolResult.success(out);
    }

    /** The kernel gives absolute URLs (from its public URL); a relative one is resolved against the API's origin. */
    private String absolute(String url) {
        URI uri = URI.create(url);
        return uri.isAbsolute() ? url : URI.create(kernel.baseUrl()).resolve(uri).toString();
    }

    private static ToolResult timedOut(Job job, Duration waited) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("job_id", job.id());
        details.put("status", job.status().wire());
        details.put("waited_seconds", waited.toSeconds());
        return ToolResult.failure(new ToolError(ToolErrors.JOB_TIMEOUT, "job " + job.id() + " is still "
                + job.status().wire() + " after " + waited.toSeconds() + " s; call kernel_wait_for_job again to keep waiting",
                details));
    }

    static ToolResult job(Job job) {
        return ToolResult.success((ObjectNode) job.raw());
    }
}
