package com.chaojiyuyan.kernel.jobs;

import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import com.chaojiyuyan.kernel.http.Query;
import com.chaojiyuyan.kernel.signals.JobWatchers;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code /kernel-jobs}: the caller's routes. */
public final class JobRoutes {
    private static final Set<String> CREATE_MEMBERS = Set.of("capability_key", "input", "input_payload",
            "idempotency_key", "max_budget_nc", "callback_url");
    private static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final int MAX_WAIT_SECONDS = 60;
    private static final long SSE_KEEPALIVE_NANOS = 15_000_000_000L;
    private static final long SSE_MAX_NANOS = 3_600_000_000_000L;

    private final Jobs jobs;
    private final JobViews views;
    private final long maxBodyBytes;
    private final UnaryOperator<String> callbackTarget;

    public JobRoutes(Jobs jobs, JobViews views, long maxBodyBytes) {
        this(jobs, views, maxBodyBytes, UnaryOperator.identity());
    }

    /** {@code callbackTarget} may refuse a callback URL's target (the webhook guard: no private addresses). */
    public JobRoutes(Jobs jobs, JobViews views, long maxBodyBytes, UnaryOperator<String> callbackTarget) {
        this.jobs = jobs;
        this.views = views;
        this.maxBodyBytes = maxBodyBytes;
        this.callbackTarget = callbackTarget;
    }

    /** Registers the caller routes. {@code /kernel-jobs/available} must be registered before these. */
    public void register(Api api) {
        api.post("/kernel-jobs", Access.AGENT, (ctx, caller) -> create(ctx, (Principal.Agent) caller));
        api.get("/kernel-jobs", Access.ANY, this::list);
        api.get("/kernel-jobs/{job_id}", Access.ANY, this::get);
        api.get("/kernel-jobs/{job_id}/events", Access.ANY, this::events);
        api.post("/kernel-jobs/{job_id}/cancel", Access.ANY,
                (ctx, caller) -> ctx.json(views.caller(jobs.cancel(caller, ctx.pathParam("job_id")))));
    }

    private void create(Context ctx, Principal.Agent caller) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(CREATE_MEMBERS);
        String capabilityKey = body.requiredString("capability_key");
        JsonNode input = body.root().get("input");
        JsonNode alias = body.root().get("input_payload");
        if (input != null && alias != null && !input.equals(alias)) {
            throw ApiException.invalidRequest("give 'input' or its alias 'input_payload', not two different values");
        }
        if (input == null) {
            input = alias;
        }
        if (input == null || input.isNull()) {
            throw ApiException.invalidRequest("'input' is required (the capability's input, a JSON value)");
        }
        Long budget = body.optionalLong("max_budget_nc");
        if (budget != null && budget < 0) {
            throw ApiException.invalidRequest("'max_budget_nc' must not be negative");
        }
        String key = idempotencyKey(body.optionalString("idempotency_key"), ctx.header("Idempotency-Key"));
        String callback = callbackUrl(body.optionalString("callback_url"));
        if (callback != null) {
            callbackTarget.apply(callback);
        }
        Jobs.Created created = jobs.create(caller, new Jobs.CreateRequest(capabilityKey, input, budget, key, callback));
        ctx.status(created.replayed() ? 200 : 201).json(views.caller(created.job()));
    }

    static String idempotencyKey(String inBody, String header) {
        String fromHeader = header == null ? null : unquote(header.trim());
        if (inBody != null && fromHeader != null && !inBody.equals(fromHeader)) {
            throw ApiException.invalidRequest("the Idempotency-Key header and 'idempotency_key' differ");
        }
        String key = inBody != null ? inBody : fromHeader;
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ApiException.invalidRequest("an idempotency key is 1 to " + MAX_IDEMPOTENCY_KEY + " printable characters");
        }
        return key;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    static String callbackUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (url.length() > 2048 || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
            return url;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid_callback_url", "'callback_url' must be an absolute http or https URL");
        }
    }

    private void get(Context ctx, Principal caller) throws InterruptedException {
        String jobId = ctx.pathParam("job_id");
        int wait = Query.intParam(ctx, "wait_seconds", 0, 0, MAX_WAIT_SECONDS);
        Jobs.Visible visible = jobs.getVisible(caller, jobId);
        if (!visible.asCaller()) {
            ctx.json(views.worker(visible.job()));
            return;
        }
        Job job = wait == 0 ? visible.job() : jobs.await(caller, jobId, wait);
        ctx.json(views.caller(job));
    }

    private void list(Context ctx, Principal caller) {
        int limit = Query.intParam(ctx, "limit", 50, 1, 200);
        String statusParam = Query.string(ctx, "status");
        JobStatus status = null;
        if (statusParam != null) {
            status = JobStatus.parse(statusParam);
            if (status == null) {
                throw Query.invalid("status", "must be one of queued, running, succeeded, failed, cancelled, expired");
            }
        }
        String before = Query.cursor(ctx, "job");
        List<Job> page = jobs.list(caller, status, Query.string(ctx, "capability_key"), before, limit + 1);
        ctx.json(Query.page(page, limit, views::callers, Job::id));
    }

    private void events(Context ctx, Principal caller) throws Exception {
        String jobId = ctx.pathParam("job_id");
        long after = Query.intParam(ctx, "after", 0, 0, Integer.MAX_VALUE);
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("text/event-stream")) {
            String lastEventId = ctx.header("Last-Event-ID");
            if (lastEventId != null && lastEventId.matches("\\d{1,9}")) {
                after = Math.max(after, Long.parseLong(lastEventId));
            }
            stream(ctx, caller, jobId, after);
            return;
        }
        int limit = Query.intParam(ctx, "limit", 500, 1, 1000);
        List<JobEvent> events = jobs.events(caller, jobId, after, limit);
        ObjectNode out = Json.object();
        ArrayNode array = out.putArray("items");
        events.forEach(e -> array.add(JobViews.event(e)));
        out.put("next_after", events.isEmpty() ? after : events.get(events.size() - 1).seq());
        ctx.json(out);
    }

    private static byte[] frame(JobEvent e) {
        return ("id: " + e.seq() + "\nevent: " + e.type() + "\ndata: " + Json.write(JobViews.event(e)) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Server-sent events: the job's events from {@code after} on, live, ending after {@code settled}.
     * Each SSE id is the event's seq, so a client reconnecting with Last-Event-ID resumes exactly.
     */
    private void stream(Context ctx, Principal caller, String jobId, long after) throws Exception {
        jobs.getOwn(caller, jobId); // 404 before any stream bytes
        ctx.disableCompression();
        var res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        OutputStream out = res.getOutputStream();
        JobWatchers watchers = jobs.watchers();
        long started = System.nanoTime();
        long lastWrite = started;
        long cursor = after;
        try {
            while (System.nanoTime() - started < SSE_MAX_NANOS) {
                JobWatchers.Watch watch = watchers.register(jobId);
                try {
                    List<JobEvent> batch = jobs.events(caller, jobId, cursor, 500);
                    for (JobEvent e : batch) {
                        out.write(frame(e));
                        cursor = e.seq();
                        if (JobEvent.SETTLED.equals(e.type())) {
                            out.flush();
                            return;
                        }
                    }
                    if (!batch.isEmpty()) {
                        out.flush();
                        lastWrite = System.nanoTime();
                        continue;
                    }
                    if (jobs.getOwn(caller, jobId).status().isTerminal()) {
                        // Settled before this stream's cursor, or just now: send what is left, then end.
                        for (JobEvent e : jobs.events(caller, jobId, cursor, 1000)) {
                            out.write(frame(e));
                        }
                        out.flush();
                        return;
                    }
                    if (System.nanoTime() - lastWrite >= SSE_KEEPALIVE_NANOS) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        lastWrite = System.nanoTime();
                    }
                    watch.await(SSE_KEEPALIVE_NANOS);
                } finally {
                    watchers.cancel(watch);
                }
            }
        } catch (IOException clientGone) {
            // The client closed the stream; nothing to clean up beyond the watch.
        }
    }
}
