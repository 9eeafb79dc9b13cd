package com.chaojiyuyan.bench;

import com.chaojiyuyan.kernel.KernelServer;
import com.chaojiyuyan.kernel.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A kernel started in this JVM on a fresh database, with a small JSON client to drive it over HTTP. */
final class BenchServer implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PG_ADMIN = System.getenv().getOrDefault("CHAOJIYUYAN_BENCH_PG",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    private static final String PASSWORD = "bench-admin-password";

    private final KernelServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String pgDatabase;

    private BenchServer(KernelServer server, String pgDatabase) {
        this.server = server;
        this.pgDatabase = pgDatabase;
    }

    static BenchServer start(String db) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CHAOJIYUYAN_DATA_DIR", Files.createTempDirectory("cjy-bench-").toString());
        env.put("CHAOJIYUYAN_PORT", "0");
        env.put("CHAOJIYUYAN_ADMIN_PASSWORD", PASSWORD);
        env.put("CHAOJIYUYAN_RATE_LIMIT_PER_SECOND", "0");
        String pgDatabase = null;
        if (db.equals("postgres")) {
            pgDatabase = "cjy_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + pgDatabase);
            }
            env.put("CHAOJIYUYAN_DB_URL", PG_ADMIN.replaceFirst("/postgres(\\?|$)", "/" + pgDatabase + "$1"));
        }
        return new BenchServer(KernelServer.start(ServerConfig.fromEnvironment(env)), pgDatabase);
    }

    String describeDatabase() {
        return server.database().describe();
    }

    /** A new agent of the admin; answers its key. */
    String newAgentKey(String name) throws Exception {
        String admin = post("/auth/login", null, Map.of("email", "admin@localhost", "password", PASSWORD)).get("token").asString();
        return post("/agents", admin, Map.of("name", name)).get("api_key").asString();
    }

    JsonNode post(String path, String token, Object body) throws Exception {
        return send("POST", path, token, body);
    }

    JsonNode get(String path, String token) throws Exception {
        return send("GET", path, token, null);
    }

    private JsonNode send(String method, String path, String token, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.apiUrl() + path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    @Override
    public void close() throws Exception {
        server.close();
        if (pgDatabase != null) {
            try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
            }
        }
    }
}
