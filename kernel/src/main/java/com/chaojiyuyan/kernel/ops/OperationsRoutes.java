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

    /** The OpenAPI 3.1 document shipped as a resource, with this server's URL filled in. */
    static String openApiDocument(String publicUrl) {
        try (InputStream in = OperationsRoutes.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            ObjectNode doc = (ObjectNode) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            ArrayNode servers = doc.putArray("servers");
            servers.addObject().put("url", publicUrl + Api.PREFIX);
            return Json.write(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
