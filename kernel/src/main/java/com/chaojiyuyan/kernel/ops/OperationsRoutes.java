package com.chaojiyuyan.kernel.ops;

import com.chaojiyuyan.kernel.http.Api;
import com.chaojiyuyan.kernel.http.ApiException;
import com.chaojiyuyan.kernel.http.Json;
import com.chaojiyuyan.kernel.storage.Database;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Liveness, readiness, metrics and the OpenAPI document. */
public final class OperationsRoutes {
    private final Database db;
    private final KernelMetrics metrics;
    private final Supplier<String> publicUrl;

    public OperationsRoutes(Database db, KernelMetrics metrics, Supplier<String> publicUrl) {
        this.db = db;
        this.metrics = metrics;
        this.publicUrl = publicUrl;
    }

    public void register(RoutesConfig routes) {
        routes.get("/healthz", ctx -> ctx.json(status("ok")));
        routes.get("/readyz", ctx -> {
            if (!db.isReachable(java.time.Duration.ofSeconds(2))) {
                throw new ApiException(503, "database_unreachable", "the database did not answer within 2 seconds");
            }
            ctx.json(status("ready"));
        });
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routes.get(Api.PREFIX + "/openapi.json", ctx -> ctx.contentType("application/json").result(openApiDocument(publicUrl.get())));
    }

    private static ObjectNode status(String s) {
        ObjectNode out = Json.object();
        out.put("status", s);
        return out;
    }

    /**
     * The OpenAPI 3.1 document: {@code openapi.json} plus one fragment per feature (listed in
     * {@code openapi/fragments.txt}, each with its own {@code paths}, {@code tags} and {@code components}),
     * merged, with this server's URL filled in. A fragment may not redefine what another defines.
     */
    static String openApiDocument(String publicUrl) {
        ObjectNode doc = (ObjectNode) readResource("/openapi.json");
        String index = new String(bytes("/openapi/fragments.txt"), StandardCharsets.UTF_8);
        for (String line : index.split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                merge(doc, (ObjectNode) readResource("/openapi/" + name), name);
            }
        }
        ArrayNode servers = doc.putArray("servers");
        servers.addObject().put("url", publicUrl + Api.PREFIX);
        return Json.write(doc);
    }

    static void merge(ObjectNode doc, ObjectNode fragment, String name) {
        mergeMembers((ObjectNode) doc.get("paths"), (ObjectNode) fragment.get("paths"), name + " paths");
        if (fragment.get("components") instanceof ObjectNode parts) {
            ObjectNode components = doc.has("components") ? (ObjectNode) doc.get("components") : doc.putObject("components");
            for (var part : parts.properties()) {
                ObjectNode target = components.has(part.getKey()) ? (ObjectNode) components.get(part.getKey())
                        : components.putObject(part.getKey());
                mergeMembers(target, (ObjectNode) part.getValue(), name + " components." + part.getKey());
            }
        }
        if (fragment.get("tags") instanceof ArrayNode tags) {
            ArrayNode target = doc.has("tags") ? (ArrayNode) doc.get("tags") : doc.putArray("tags");
            tags.forEach(target::add);
        }
    }

    private static void mergeMembers(ObjectNode target, ObjectNode source, String where) {
        if (source == null) {
            return;
        }
        for (var member : source.properties()) {
            if (target.has(member.getKey())) {
                throw new IllegalStateException("OpenAPI fragment " + where + " redefines " + member.getKey());
            }
            target.set(member.getKey(), member.getValue());
        }
    }

    private static tools.jackson.databind.JsonNode readResource(String name) {
        return Json.parse(new String(bytes(name), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String name) {
        try (InputStream in = OperationsRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
