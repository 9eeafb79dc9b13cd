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
    static final String PG_ADMIN = System.getenv().getOrDefault("CHAOJIYUYAN_BENCH_PG",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    static final String PASSWORD = "bench-admin-password";

    private final KernelServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String pgDatabase;

    private BenchServer(KernelServer server, String pgDatabase) {
        this.server = server;
        this.pgDatabase = pgDatabase;
    }

    static BenchServer start(String db) throws Exception {
        return start(db, Map.of());
    }

    /** A kernel on a fresh {@code db} ("sqlite" or "postgres"), with {@code settings} added to its environment. */
    static BenchServer start(String db, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("CHAOJIYUYAN_DATA_DIR", Files.createTempDirectory("cjy-bench-").toString());
        env.put("CHAOJIYUYAN_PORT", "0");
        env.put("CHAOJIYUYAN_ADMIN_PASSWORD", PASSWORD);
        env.put("CHAOJIYUYAN_RATE_LIMIT_PER_SECOND", "0");
        String pgDatabase = null;
        if (db.equals("postgres")) {
            pgDatabase = createPgDatabase("cjy_bench_");
            env.put("CHAOJIYUYAN_DB_URL", pgUrl(pgDatabase));
        } else if (!db.equals("sqlite")) {
            throw new IllegalArgumentException("unknown database '" + db + "' (sqlite or postgres)");
        }
        env.putAll(settings);
        try {
            return new BenchServer(KernelServer.start(ServerConfig.fromEnvironment(env)), pgDatabase);
        } catch (RuntimeException e) {
            dropPgDatabase(pgDatabase);
            throw e;
        }
    }

    /** A new, empty PostgreSQL database named {@code prefix} and a random suffix. */
    static String createPgDatabase(String prefix) throws Exception {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    static void dropPgDatabase(String name) throws Exception {
        if (name == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** The JDBC URL of database {@code name} on the bench's PostgreSQL. */
    static String pgUrl(String name) {
        return PG_ADMIN.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }

    KernelServer kernel() {
        return server;
    }

    String apiUrl() {
        return server.apiUrl();
    }

    /** The PostgreSQL database this server runs on, or null on SQLite. */
    String pgDatabase() {
        return pgDatabase;
    }

    String describeDatabase() {
        return server.database().describe();
    }

    /** A new agent of the admin; answers its key. */
    String newAgentKey(String name) throws Exception {
        String admin = post("/auth/login", null, Map.of("email", "admin@localhost", "password", PASSWORD)).get("token").asString();
        return post("/agents", admin, Map.of("name", name)).get("api_key").asString();
    }

    /**
     * Waits until no long-poll is parked on the server (its own gauge), so that closing it does not cut
     * polls whose clients have already gone; gives up after {@code limit}.
     */
    void awaitNoWaiters(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(server.publicUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            boolean none = metrics.lines().filter(l -> l.startsWith("chaojiyuyan_waiting_long_polls"))
                    .allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) == 0);
            if (none) {
                return;
            }
            Thread.sleep(50);
        }
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
        dropPgDatabase(pgDatabase);
    }
}
