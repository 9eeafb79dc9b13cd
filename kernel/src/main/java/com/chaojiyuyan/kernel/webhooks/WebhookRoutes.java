package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.auth.Principal;
import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import com.chaojiyuyan.kernel.jobs.Jobs;
import com.chaojiyuyan.kernel.storage.Database;
import io.javalin.http.Context;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /webhook-endpoints}, {@code /me/webhook-secret} and {@code /kernel-jobs/{id}/deliveries}. An
 * agent key acts for its owner here, as for credits: endpoints and secrets belong to the owner.
 */
public final class WebhookRoutes {
    private static final int DEFAULT_GRACE_SECONDS = 86_400;
    private static final int MAX_GRACE_SECONDS = 30 * 86_400;
    private static final int MAX_DESCRIPTION = 500;

    private final Webhooks webhooks;
    private final WebhookStore store;
    private final Database db;
    private final Jobs jobs;
    private final long maxBodyBytes;

    WebhookRoutes(Webhooks webhooks, WebhookStore store, Database db, Jobs jobs, long maxBodyBytes) {
        this.webhooks = webhooks;
        this.store = store;
        this.db = db;
        this.jobs = jobs;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Api api) {
        api.post("/webhook-endpoints", Access.ANY, this::create);
        api.get("/webhook-endpoints", Access.ANY, this::list);
        api.delete("/webhook-endpoints/{endpoint_id}", Access.ANY, (ctx, caller) -> {
            webhooks.deleteEndpoint(caller.ownerId(), ctx.pathParam("endpoint_id"));
            ctx.status(204);
        });
        api.post("/webhook-endpoints/{endpoint_id}/rotate", Access.ANY, (ctx, caller) ->
                ctx.json(secret(webhooks.rotateEndpoint(caller.ownerId(), ctx.pathParam("endpoint_id"), grace(ctx)))));
        api.get("/me/webhook-secret", Access.ANY, (ctx, caller) -> ctx.json(secret(webhooks.ownerSecret(caller.ownerId()))));
        api.post("/me/webhook-secret/rotate", Access.ANY, (ctx, caller) ->
                ctx.json(secret(webhooks.rotateOwnerSecret(caller.ownerId(), grace(ctx)))));
        api.get("/kernel-jobs/{job_id}/deliveries", Access.ANY, this::deliveries);
    }

    private void create(Context ctx, Principal caller) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("url", "description"));
        String url = body.requiredString("url");
        String description = body.optionalString("description");
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.invalidRequest("'description' must be at most " + MAX_DESCRIPTION + " characters");
        }
        Webhooks.CreatedEndpoint created = webhooks.createEndpoint(caller.ownerId(), url, description);
        ObjectNode out = endpoint(created.endpoint());
        out.put("secret", created.secret());
        ctx.status(201).json(out);
    }

    private void list(Context ctx, Principal caller) {
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("items");
        webhooks.listEndpoints(caller.ownerId()).forEach(e -> items.add(endpoint(e)));
        ctx.json(out);
    }

    private int grace(Context ctx) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(Set.of("grace_seconds"));
        Integer grace = body.optionalInt("grace_seconds", 0, MAX_GRACE_SECONDS);
        return grace == null ? DEFAULT_GRACE_SECONDS : grace;
    }

    private void deliveries(Context ctx, Principal caller) {
        String jobId = ctx.pathParam("job_id");
        jobs.getOwn(caller, jobId); // scoped like the job: 404 for anyone but its caller and owner
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("items");
        for (WebhookStore.Listed listed : db.read(h -> store.deliveriesOfJob(h, jobId))) {
            WebhookStore.Delivery d = listed.delivery();
            ObjectNode item = items.addObject();
            item.put("id", d.id());
            item.put("job_id", d.jobId());
            item.put("endpoint_id", d.endpointId());
            item.put("url", d.url());
            item.put("event_type", d.eventType());
            item.put("status", d.status());
            item.put("attempt_count", d.attempts());
            item.put("next_attempt_at", WebhookStore.PENDING.equals(d.status()) ? Json.time(d.nextAttemptAt()) : null);
            item.put("last_status_code", d.lastStatusCode());
            item.put("last_error", d.lastError());
            item.put("created_at", Json.time(d.createdAt()));
            item.put("finished_at", Json.time(d.finishedAt()));
            ArrayNode list = item.putArray("attempts");
            for (WebhookStore.Attempt a : listed.attempts()) {
                ObjectNode entry = list.addObject();
                entry.put("attempt", a.attempt());
                entry.put("at", Json.time(a.at()));
                entry.put("status_code", a.statusCode());
                entry.put("error", a.error());
                entry.put("duration_ms", a.durationMs());
            }
        }
        ctx.json(out);
    }

    private static ObjectNode endpoint(WebhookStore.Endpoint e) {
        ObjectNode out = Json.object();
        out.put("id", e.id());
        out.put("url", e.url());
        out.put("description", e.description());
        out.put("status", e.status());
        out.put("disabled_reason", e.disabledReason());
        out.put("previous_secret_expires_at", Json.time(e.previousSecretExpiresAt()));
        out.put("created_at", Json.time(e.createdAt()));
        out.put("updated_at", Json.time(e.updatedAt()));
        return out;
    }

    private static ObjectNode secret(Webhooks.SecretAnswer s) {
        ObjectNode out = Json.object();
        out.put("secret", s.secret());
        out.put("previous_secret_expires_at", Json.time(s.previousSecretExpiresAt()));
        return out;
    }
}
