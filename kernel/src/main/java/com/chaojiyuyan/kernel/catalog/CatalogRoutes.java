package com.chaojiyuyan.kernel.catalog;

import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.Api.Access;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.http.JsonBody;
import com.chaojiyuyan.kernel.http.Query;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The catalog: readable by every identity, edited by admins. */
public final class CatalogRoutes {
    /** Dotted lowercase, at least two segments: {@code test.echo.v1}, {@code media.image.campaign}. */
    public static final Pattern KEY_PATTERN = Pattern.compile("^[a-z][a-z0-9_-]*(\\.[a-z0-9][a-z0-9_-]*)+$");
    private static final int MAX_KEY_LENGTH = 128;
    private static final Set<String> SPEC_MEMBERS = Set.of("capability_key", "name", "description", "input_schema",
            "output_schema", "price_nc", "lease_seconds", "heartbeat_seconds", "max_attempts", "job_ttl_seconds",
            "max_submit_attempts", "status");

    private final CatalogStore store;
    private final SchemaValidator schemas;
    private final Clock clock;
    private final long maxBodyBytes;

    public CatalogRoutes(CatalogStore store, SchemaValidator schemas, Clock clock, long maxBodyBytes) {
        this.store = store;
        this.schemas = schemas;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(Api api) {
        api.get("/capability-specs", Access.ANY, (ctx, caller) -> list(ctx));
        api.get("/capability-specs/{capability_key}", Access.ANY, (ctx, caller) -> ctx.json(toJson(existing(ctx))));
        api.post("/capability-specs", Access.ADMIN, (ctx, caller) -> create(ctx));
        api.put("/capability-specs/{capability_key}", Access.ADMIN, (ctx, caller) -> put(ctx));
        api.post("/capability-specs/{capability_key}/deprecate", Access.ADMIN, (ctx, caller) -> deprecate(ctx));
    }

    private void list(Context ctx) {
        int limit = Query.intParam(ctx, "limit", 100, 1, 500);
        boolean includeDeprecated = "true".equalsIgnoreCase(Query.string(ctx, "include_deprecated"));
        String after = null;
        String cursor = Query.string(ctx, "cursor");
        if (cursor != null) {
            try {
                after = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw Query.invalid("cursor", "is not a cursor from this listing");
            }
        }
        List<CapabilitySpec> page = store.list(after, limit + 1, includeDeprecated);
        ctx.json(Query.page(page, limit, items -> items.stream().map(CatalogRoutes::toJson).toList(),
                CapabilitySpec::capabilityKey));
    }

    private CapabilitySpec existing(Context ctx) {
        return store.find(ctx.pathParam("capability_key")).orElseThrow(() -> ApiException.notFound("capability spec"));
    }

    private void create(Context ctx) {
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(SPEC_MEMBERS);
        long now = clock.millis();
        CapabilitySpec spec = parse(body, body.requiredString("capability_key"), now, now);
        if (!store.insert(spec)) {
            throw ApiException.conflict("capability_exists", "capability '" + spec.capabilityKey() + "' exists; use PUT to change it");
        }
        ctx.status(201).json(toJson(spec));
    }

    private void put(Context ctx) {
        String key = ctx.pathParam("capability_key");
        JsonBody body = JsonBody.read(ctx, maxBodyBytes).allowOnly(SPEC_MEMBERS);
        String inBody = body.optionalString("capability_key");
        if (inBody != null && !inBody.equals(key)) {
            throw ApiException.invalidRequest("'capability_key' in the body differs from the path");
        }
        long now = clock.millis();
        var current = store.find(key);
        CapabilitySpec spec = parse(body, key, current.map(CapabilitySpec::createdAt).orElse(now), now);
        if (current.isPresent() && store.update(spec)) {
            ctx.json(toJson(spec));
        } else if (store.insert(spec)) {
            ctx.status(201).json(toJson(spec));
        } else {
            // Created concurrently between our read and insert: apply ours on top.
            store.update(spec);
            ctx.json(toJson(spec));
        }
    }

    private void deprecate(Context ctx) {
        CapabilitySpec s = existing(ctx);
        CapabilitySpec deprecated = new CapabilitySpec(s.capabilityKey(), s.name(), s.description(), s.inputSchema(),
                s.outputSchema(), s.priceNc(), s.leaseSeconds(), s.heartbeatSeconds(), s.maxAttempts(), s.jobTtlSeconds(),
                s.maxSubmitAttempts(), CapabilitySpec.DEPRECATED, s.createdAt(), clock.millis());
        store.update(deprecated);
        ctx.json(toJson(deprecated));
    }

    private CapabilitySpec parse(JsonBody body, String key, long createdAt, long now) {
        if (key.length() > MAX_KEY_LENGTH || !KEY_PATTERN.matcher(key).matches()) {
            throw ApiException.invalidRequest("'capability_key' must be dotted lowercase like 'media.image.campaign' (at most "
                    + MAX_KEY_LENGTH + " characters)");
        }
        String name = body.optionalString("name");
        if (name == null || name.isBlank()) {
            name = key;
        }
        String description = body.optionalString("description");
        JsonNode input = schema(body, "input_schema");
        JsonNode output = schema(body, "output_schema");
        long price = value(body.optionalLong("price_nc"), 0L);
        if (price < 0) {
            throw ApiException.invalidRequest("'price_nc' must not be negative");
        }
        int lease = value(body.optionalInt("lease_seconds", 1, 86_400), CapabilitySpec.DEFAULT_LEASE_SECONDS);
        int heartbeat = value(body.optionalInt("heartbeat_seconds", 1, 86_400), Math.min(CapabilitySpec.DEFAULT_HEARTBEAT_SECONDS, lease));
        if (heartbeat > lease) {
            throw ApiException.invalidRequest("'heartbeat_seconds' must not exceed 'lease_seconds'");
        }
        int attempts = value(body.optionalInt("max_attempts", 1, 100), CapabilitySpec.DEFAULT_MAX_ATTEMPTS);
        int ttl = value(body.optionalInt("job_ttl_seconds", 1, 30 * 86_400), CapabilitySpec.DEFAULT_JOB_TTL_SECONDS);
        int submits = value(body.optionalInt("max_submit_attempts", 1, 100), CapabilitySpec.DEFAULT_MAX_SUBMIT_ATTEMPTS);
        String status = value(body.optionalString("status"), CapabilitySpec.ACTIVE);
        if (!status.equals(CapabilitySpec.ACTIVE) && !status.equals(CapabilitySpec.DEPRECATED)) {
            throw ApiException.invalidRequest("'status' must be 'active' or 'deprecated'");
        }
        return new CapabilitySpec(key, name.strip(), description == null ? "" : description, input, output, price,
                lease, heartbeat, attempts, ttl, submits, status, createdAt, now);
    }

    private JsonNode schema(JsonBody body, String member) {
        JsonNode schema = body.root().get(member);
        if (schema == null || schema.isNull()) {
            return Json.parseStored("{\"type\":\"object\"}");
        }
        try {
            schemas.compile(schema);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("invalid_schema", "'" + member + "' " + e.getMessage());
        }
        return schema;
    }

    private static <T> T value(T given, T fallback) {
        return given == null ? fallback : given;
    }

    public static ObjectNode toJson(CapabilitySpec s) {
        ObjectNode out = Json.object();
        out.put("capability_key", s.capabilityKey());
        out.put("name", s.name());
        out.put("description", s.description());
        out.set("input_schema", s.inputSchema());
        out.set("output_schema", s.outputSchema());
        out.put("price_nc", s.priceNc());
        out.put("lease_seconds", s.leaseSeconds());
        out.put("heartbeat_seconds", s.heartbeatSeconds());
        out.put("max_attempts", s.maxAttempts());
        out.put("job_ttl_seconds", s.jobTtlSeconds());
        out.put("max_submit_attempts", s.maxSubmitAttempts());
        out.put("status", s.status());
        out.put("created_at", Json.time(s.createdAt()));
        out.put("updated_at", Json.time(s.updatedAt()));
        return out;
    }
}
