package com.chaojiyuyan.kernel.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI document tells the truth about the server's answers: real requests over HTTP, each
 * answer checked against the operation's documented response for its status (the status must be
 * documented, the body must validate against the schema, and every member it carries must be
 * documented), and each operation's access level probed with every kind of credential.
 */
class OpenApiConformanceTest {
    private static final String DOC_IRI = "https://chaojiyuyan.test/openapi.json";
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch");

    private static TestKernel kernel;
    private static JsonNode doc;
    private static SchemaRegistry schemas;

    private final Set<String> checked = new TreeSet<>();

    @BeforeAll
    static void start() {
        kernel = TestKernel.start(Db.SQLITE);
        HttpApi.Response r = kernel.api().get("/openapi.json", null);
        assertThat(r.status()).isEqualTo(200);
        doc = r.json();
        schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
                .schemas(Map.of(DOC_IRI, r.text()))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    @AfterAll
    static void stop() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void everyOperationAnswersAsDocumented() {
        String admin = kernel.adminToken();

        // Operations
        call("get", "/healthz", null, null, 200);
        call("get", "/readyz", null, null, 200);
        call("get", "/metrics", null, null, 200);
        call("get", "/openapi.json", null, null, 200);

        // Accounts
        call("post", "/auth/login", null, Map.of("email", TestKernel.ADMIN_EMAIL, "password", TestKernel.ADMIN_PASSWORD), 200);
        call("post", "/auth/login", null, Map.of("email", TestKernel.ADMIN_EMAIL, "password", "not-the-password"), 401);
        call("post", "/auth/login", null, "{\"email\":", 400);
        String email = "conformance-" + System.nanoTime() + "@test.local";
        call("post", "/admin/owners", admin, Map.of("email", email, "password", "owner-password"), 201);
        call("post", "/admin/owners", admin, Map.of("email", email, "password", "owner-password"), 409);
        call("post", "/admin/owners", admin, Map.of("email", "x" + email, "password", "short"), 400);
        call("get", "/admin/owners", admin, null, 200);
        String owner = call("post", "/auth/login", null, Map.of("email", email, "password", "owner-password"), 200)
                .get("token").asString();
        call("get", "/admin/owners", owner, null, 403);
        JsonNode callerAgent = call("post", "/agents", owner, Map.of("name", "caller"), 201).json();
        String callerKey = callerAgent.get("api_key").asString();
        String callerId = callerAgent.get("agent").get("id").asString();
        send("post", "/agents", "/agents", owner, "name=caller", Map.of("Content-Type", "text/plain"), 415);
        send("post", "/agents", "/agents", owner, "{\"name\":\"" + "x".repeat(1_100_000) + "\"}", Map.of(), 413);
        String workerKey = call("post", "/agents", owner, Map.of("name", "worker"), 201).get("api_key").asString();
        call("post", "/agents", callerKey, Map.of("name", "nope"), 403);
        call("get", "/agents", owner, null, 200);
        String keyId = call("post", "/agents/{agent_id}/keys", path("/agents/{agent_id}/keys", callerId), owner, null, 201)
                .get("key").get("id").asString();
        String revoke = "/agents/" + callerId + "/keys/" + keyId;
        call("delete", "/agents/{agent_id}/keys/{key_id}", revoke, owner, null, 204);
        call("delete", "/agents/{agent_id}/keys/{key_id}", revoke, owner, null, 404);
        call("get", "/me", owner, null, 200);
        call("get", "/me", callerKey, null, 200);
        call("get", "/me", null, null, 401);

        // Catalog
        String cap = "conformance.cap" + Long.toString(System.nanoTime(), 36);
        Map<String, Object> spec = echoSpec(cap);
        call("get", "/capability-specs", callerKey, null, 200);
        call("get", "/capability-specs", "/capability-specs?limit=0", callerKey, null, 400);
        call("get", "/capability-specs/{capability_key}", "/capability-specs/test.echo.v1", callerKey, null, 200);
        call("get", "/capability-specs/{capability_key}", "/capability-specs/no.such.capability", callerKey, null, 404);
        call("post", "/capability-specs", admin, spec, 201);
        call("post", "/capability-specs", admin, spec, 409);
        call("post", "/capability-specs", admin, Map.of("capability_key", cap + ".bad", "input_schema", Map.of("type", 5)), 422);
        call("put", "/capability-specs/{capability_key}", "/capability-specs/" + cap, admin, spec, 200);
        String retired = cap + ".retired";
        call("put", "/capability-specs/{capability_key}", "/capability-specs/" + retired, admin, Map.of(), 201);
        call("post", "/capability-specs/{capability_key}/deprecate", "/capability-specs/" + retired + "/deprecate", admin, null, 200);
        call("get", "/capability-specs", "/capability-specs?include_deprecated=true&limit=1", callerKey, null, 200);

        // Workers register
        call("get", "/kernel-jobs/available", workerKey, null, 403);
        call("get", "/kernel-agents/me/capabilities", workerKey, null, 200);
        call("post", "/kernel-agents/me/capabilities", workerKey, Map.of("capability_keys", List.of("no.such.capability")), 400);
        call("post", "/kernel-agents/me/capabilities", workerKey, Map.of("capability_keys", List.of(cap, retired)), 200);
        String unregister = "/kernel-agents/me/capabilities/" + retired;
        call("delete", "/kernel-agents/me/capabilities/{capability_key}", unregister, workerKey, null, 204);
        call("delete", "/kernel-agents/me/capabilities/{capability_key}", unregister, workerKey, null, 404);
        TestKernel.Agent rival = kernel.newWorker(cap);

        // A job from creation to success
        Map<String, Object> create = Map.of("capability_key", cap, "input", Map.of("text", "hi"), "idempotency_key", "conf-1");
        String jobId = call("post", "/kernel-jobs", callerKey, create, 201).get("id").asString();
        call("post", "/kernel-jobs", callerKey, create, 200);
        call("post", "/kernel-jobs", callerKey, Map.of("capability_key", cap, "input", Map.of("text", "other"),
                "idempotency_key", "conf-1"), 422);
        call("post", "/kernel-jobs", callerKey, Map.of("capability_key", "no.such.capability", "input", Map.of()), 400);
        call("post", "/kernel-jobs", callerKey, Map.of("capability_key", retired, "input", Map.of()), 400);
        call("post", "/kernel-jobs", callerKey, Map.of("capability_key", cap, "input", Map.of("text", 5)), 422);
        call("post", "/kernel-jobs", owner, create, 403);
        String job = "/kernel-jobs/" + jobId;
        JsonNode available = call("get", "/kernel-jobs/available",
                "/kernel-jobs/available?capability_key=" + cap + "&wait_seconds=5", workerKey, null, 200).json();
        assertThat(available.get("jobs").valueStream().map(j -> j.get("job_id").asString())).contains(jobId);
        call("get", "/kernel-jobs/available", "/kernel-jobs/available?capability_key=test.echo.v1", workerKey, null, 403);
        call("get", "/kernel-jobs/{job_id}", job, workerKey, null, 200);
        String run = call("post", "/kernel-jobs/{job_id}/bid", job + "/bid", workerKey, null, 200).get("task_run_id").asString();
        call("post", "/kernel-jobs/{job_id}/bid", job + "/bid", rival.key(), null, 200);
        call("post", "/kernel-jobs/{job_id}/heartbeat", job + "/heartbeat", workerKey, Map.of("task_run_id", run), 200);
        call("post", "/kernel-jobs/{job_id}/heartbeat", job + "/heartbeat", workerKey,
                Map.of("task_run_id", "tr_01JXKZ6Q4M3V8W2R5T7Y9B1C3D"), 404);
        call("post", "/kernel-jobs/{job_id}/submit", job + "/submit", workerKey, Map.of("task_run_id", run, "output", Map.of("echo", 5)), 422);
        call("post", "/kernel-jobs/{job_id}/submit", job + "/submit", workerKey,
                Map.of("task_run_id", run, "output", Map.of("echo", "hi"), "artifacts", List.of("x")), 400);
        call("post", "/kernel-jobs/{job_id}/submit", job + "/submit", workerKey, Map.of("task_run_id", run, "output", Map.of("echo", "hi")), 200);
        call("post", "/kernel-jobs/{job_id}/submit", job + "/submit", workerKey, Map.of("task_run_id", run, "output", Map.of("echo", "hi")), 200);
        call("post", "/kernel-jobs/{job_id}/submit", job + "/submit", workerKey, Map.of("task_run_id", run, "output", Map.of("echo", "no")), 409);
        call("post", "/kernel-jobs/{job_id}/heartbeat", job + "/heartbeat", workerKey, Map.of("task_run_id", run), 410);
        call("post", "/kernel-jobs/{job_id}/bid", job + "/bid", rival.key(), null, 410);
        call("post", "/kernel-jobs/{job_id}/bid", "/kernel-jobs/job_01JXKZ6Q4M3V8W2R5T7Y9B1C3D/bid", rival.key(), null, 404);

        // The caller's views of it
        JsonNode done = call("get", "/kernel-jobs/{job_id}", job, callerKey, null, 200).json();
        assertThat(done.get("status").asString()).isEqualTo("succeeded");
        call("get", "/kernel-jobs/{job_id}", job + "?wait_seconds=1", callerKey, null, 200);
        call("get", "/kernel-jobs/{job_id}", job + "?wait_seconds=61", callerKey, null, 400);
        call("get", "/kernel-jobs/{job_id}", "/kernel-jobs/job_01JXKZ6Q4M3V8W2R5T7Y9B1C3D", callerKey, null, 404);
        call("get", "/kernel-jobs", callerKey, null, 200);
        call("get", "/kernel-jobs", "/kernel-jobs?limit=1&capability_key=" + cap, owner, null, 200);
        call("get", "/kernel-jobs", "/kernel-jobs?status=finished", callerKey, null, 400);
        call("get", "/kernel-jobs/{job_id}/events", job + "/events", callerKey, null, 200);
        send("get", "/kernel-jobs/{job_id}/events", job + "/events", callerKey, null, Map.of("Accept", "text/event-stream"), 200);
        call("get", "/kernel-jobs/{job_id}/events", job + "/events?after=-1", callerKey, null, 400);
        call("get", "/kernel-jobs/{job_id}/events", "/kernel-jobs/job_01JXKZ6Q4M3V8W2R5T7Y9B1C3D/events", callerKey, null, 404);
        call("post", "/kernel-jobs/{job_id}/cancel", job + "/cancel", callerKey, null, 410);

        // A job given up on, then cancelled
        String job2 = "/kernel-jobs/" + call("post", "/kernel-jobs", callerKey,
                Map.of("capability_key", cap, "input", Map.of("text", "again")), 201).get("id").asString();
        String run2 = call("post", "/kernel-jobs/{job_id}/bid", job2 + "/bid", workerKey, null, 200).get("task_run_id").asString();
        call("post", "/kernel-jobs/{job_id}/fail", job2 + "/fail", workerKey,
                Map.of("task_run_id", run2, "error", Map.of("code", "busy", "message", "try later")), 200);
        call("post", "/kernel-jobs/{job_id}/fail", job2 + "/fail", workerKey, Map.of("task_run_id", run2), 410);
        call("post", "/kernel-jobs/{job_id}/cancel", job2 + "/cancel", callerKey, null, 200);
        call("post", "/kernel-jobs/{job_id}/cancel", job2 + "/cancel", callerKey, null, 200);

        // Artifacts
        String job3 = "/kernel-jobs/" + call("post", "/kernel-jobs", callerKey,
                Map.of("capability_key", cap, "input", Map.of("text", "files")), 201).get("id").asString();
        String run3 = call("post", "/kernel-jobs/{job_id}/bid", job3 + "/bid", workerKey, null, 200).get("task_run_id").asString();
        Map<String, Object> inline = Map.of("name", "out.bin", "content_type", "application/octet-stream",
                "data_base64", java.util.Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255}));
        Map<String, Object> byReference = Map.of("name", "frame.png", "content_type", "image/png", "url", "https://files.example.org/frame.png");
        call("post", "/kernel-jobs/{job_id}/submit", job3 + "/submit", workerKey, Map.of("task_run_id", run3, "output", Map.of("echo", "f"),
                "artifacts", List.of(Map.of("name", "bad", "content_type", "text/plain", "data_base64", "%%%"))), 400);
        call("post", "/kernel-jobs/{job_id}/submit", job3 + "/submit", workerKey, Map.of("task_run_id", run3, "output", Map.of("echo", "f"),
                "artifacts", List.of(Map.of("name", "big", "content_type", "text/plain",
                        "data_base64", java.util.Base64.getEncoder().encodeToString(new byte[(10 << 20) + 1])))), 413);
        JsonNode withArtifacts = call("post", "/kernel-jobs/{job_id}/submit", job3 + "/submit", workerKey,
                Map.of("task_run_id", run3, "output", Map.of("echo", "f"), "artifacts", List.of(inline, byReference)), 200).json();
        String artifact = job3 + "/artifacts/" + withArtifacts.get("artifacts").get(0).get("id").asString();
        String referenced = job3 + "/artifacts/" + withArtifacts.get("artifacts").get(1).get("id").asString();
        call("get", "/kernel-jobs/{job_id}", job3, callerKey, null, 200);
        String etag = call("get", "/kernel-jobs/{job_id}/artifacts/{artifact_id}", artifact, callerKey, null, 200).header("ETag");
        send("get", "/kernel-jobs/{job_id}/artifacts/{artifact_id}", artifact, callerKey, null, Map.of("If-None-Match", etag), 304);
        call("get", "/kernel-jobs/{job_id}/artifacts/{artifact_id}", artifact, rival.key(), null, 404);
        call("get", "/kernel-jobs/{job_id}/artifacts/{artifact_id}", referenced, callerKey, null, 404);

        // Webhooks
        JsonNode endpoint = call("post", "/webhook-endpoints", owner,
                Map.of("url", "https://example.invalid/hooks", "description", "conformance"), 201).json();
        call("post", "/webhook-endpoints", callerKey, Map.of("url", "http://127.0.0.1/hook"), 422);
        call("post", "/webhook-endpoints", owner, Map.of("url", "ftp://example.invalid/hook"), 400);
        call("get", "/webhook-endpoints", callerKey, null, 200);
        String endpointPath = "/webhook-endpoints/" + endpoint.get("id").asString();
        call("post", "/webhook-endpoints/{endpoint_id}/rotate", endpointPath + "/rotate", owner, Map.of("grace_seconds", 60), 200);
        call("post", "/webhook-endpoints/{endpoint_id}/rotate", endpointPath + "/rotate", owner, Map.of("grace_seconds", -1), 400);
        call("get", "/me/webhook-secret", callerKey, null, 200);
        call("post", "/me/webhook-secret/rotate", owner, Map.of(), 200);
        call("post", "/me/webhook-secret/rotate", callerKey, "{\"grace_seconds\":", 400);
        String hooked = "/kernel-jobs/" + call("post", "/kernel-jobs", callerKey, Map.of("capability_key", cap,
                "input", Map.of("text", "hooked"), "callback_url", "https://example.invalid/callback"), 201).get("id").asString();
        call("post", "/kernel-jobs/{job_id}/cancel", hooked + "/cancel", callerKey, null, 200);
        call("post", "/kernel-jobs", callerKey, Map.of("capability_key", cap, "input", Map.of("text", "x"),
                "callback_url", "http://169.254.169.254/latest"), 422);
        JsonNode deliveries = call("get", "/kernel-jobs/{job_id}/deliveries", hooked + "/deliveries", callerKey, null, 200).json();
        assertThat(deliveries.get("items")).hasSize(2);
        call("get", "/kernel-jobs/{job_id}/deliveries", "/kernel-jobs/job_01JXKZ6Q4M3V8W2R5T7Y9B1C3D/deliveries", owner, null, 404);
        call("delete", "/webhook-endpoints/{endpoint_id}", endpointPath, callerKey, null, 204);
        call("delete", "/webhook-endpoints/{endpoint_id}", endpointPath, owner, null, 404);
        call("post", "/webhook-endpoints/{endpoint_id}/rotate", endpointPath + "/rotate", owner, null, 404);

        call("post", "/auth/logout", owner, null, 204);
        call("get", "/me", owner, null, 401);

        // Credits
        String ownerId = call("get", "/me", callerKey, null, 200).get("owner_id").asString();
        String priced = kernel.newCapability(Map.of("price_nc", 5));
        Map<String, Object> paid = Map.of("capability_key", priced, "input", Map.of("text", "paid"));
        call("get", "/me/balance", callerKey, null, 200);
        call("post", "/kernel-jobs", callerKey, paid, 402);
        call("post", "/admin/credits", admin, Map.of("owner_id", ownerId, "amount_nc", 20, "memo", "conformance"), 201);
        call("post", "/admin/credits", admin, Map.of("owner_id", ownerId, "amount_nc", 0), 400);
        call("post", "/admin/credits", admin, Map.of("owner_id", "own_01JXKZ6Q4M3V8W2R5T7Y9B1C3D", "amount_nc", 1), 404);
        call("post", "/admin/credits", callerKey, Map.of("owner_id", ownerId, "amount_nc", 1), 403);
        call("post", "/kernel-jobs", callerKey, paid, 201);
        assertThat(call("get", "/me/balance", callerKey, null, 200).get("held_nc").asLong()).isEqualTo(5);
        call("get", "/me/ledger", "/me/ledger?limit=1", callerKey, null, 200);
        call("get", "/me/ledger", "/me/ledger?cursor=bm90LWEtY3Vyc29y", callerKey, null, 400);
        call("get", "/admin/ledger/summary", admin, null, 200);
        call("get", "/admin/ledger/summary", callerKey, null, 403);

        // Device flow
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        String deviceOwner = call("post", "/auth/login", null, Map.of("email", email, "password", "owner-password"), 200)
                .get("token").asString();
        JsonNode grant = send("post", "/oauth/device/authorize", "/oauth/device/authorize", null, "client_name=conformance", form, 200).json();
        send("post", "/oauth/device/authorize", "/oauth/device/authorize", null, "scope=x", form, 400);
        String deviceToken = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code="
                + grant.get("device_code").asString();
        send("post", "/oauth/device/token", "/oauth/device/token", null, deviceToken, form, 400);
        send("post", "/oauth/device/token", "/oauth/device/token", null, "grant_type=password", form, 400);
        call("post", "/oauth/device/approve", deviceOwner, Map.of("user_code", grant.get("user_code").asString()), 200);
        call("post", "/oauth/device/approve", deviceOwner, Map.of("user_code", grant.get("user_code").asString()), 409);
        call("post", "/oauth/device/approve", deviceOwner, Map.of("user_code", "BBBB-BBBB"), 404);
        call("post", "/oauth/device/approve", deviceOwner, Map.of(), 400);
        kernel.clock().advance(java.time.Duration.ofSeconds(grant.get("interval").asInt()));
        send("post", "/oauth/device/token", "/oauth/device/token", null, deviceToken, form, 200);
        JsonNode denied = call("post", "/oauth/device/authorize", null, Map.of("client_name", "conformance-denied"), 200).json();
        call("post", "/oauth/device/deny", deviceOwner, Map.of("user_code", denied.get("user_code").asString()), 200);
        call("post", "/oauth/device/deny", deviceOwner, Map.of("user_code", denied.get("user_code").asString()), 409);
        call("post", "/oauth/device/token", null, Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", denied.get("device_code").asString()), 410);
        call("get", "/.well-known/oauth-authorization-server", null, null, 200);
        JsonNode pending = call("post", "/oauth/device/authorize", null, Map.of("client_name", "conformance-page"), 200).json();
        String pendingCode = pending.get("user_code").asString();
        call("get", "/activate", "/activate?code=" + pendingCode, null, null, 200);
        send("post", "/activate", "/activate", null, "action=sign_in&email=" + email + "&password=wrong-password", form, 401);
        HttpApi.Response signedIn = send("post", "/activate", "/activate", null,
                "action=sign_in&email=" + email + "&password=owner-password&code=" + pendingCode, form, 303);
        String setCookie = signedIn.header("Set-Cookie");
        Map<String, String> session = Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));
        Map<String, String> sessionForm = Map.of("Cookie", session.get("Cookie"), "Content-Type", "application/x-www-form-urlencoded");
        send("get", "/activate", "/activate?code=" + pendingCode, null, null, session, 200);
        send("get", "/activate", "/activate?code=BBBB-BBBB", null, null, session, 404);
        send("post", "/activate", "/activate", null, "action=approve&code=" + pendingCode, sessionForm, 403);
        call("post", "/activate", null, "{}", 400);
        kernel.clock().advance(java.time.Duration.ofSeconds(pending.get("expires_in").asInt() + 1));
        send("get", "/activate", "/activate?code=" + pendingCode, null, null, session, 410);
        call("post", "/oauth/device/approve", deviceOwner, Map.of("user_code", pendingCode), 410);
        call("post", "/oauth/device/token", null, Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "device_code", pending.get("device_code").asString()), 410);

        Set<String> missing = new TreeSet<>(documentedOperations());
        missing.removeAll(checked);
        assertThat(missing).as("documented operations this test never exercised: add a request for each").isEmpty();
    }

    @Test
    void everyOperationRequiresTheAccessItDocuments() {
        TestKernel.Owner plainOwner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newWorker("test.echo.v1");
        String admin = kernel.adminToken();
        List<String> wrong = new ArrayList<>();
        forEachOperation((method, docPath, op) -> {
            String access = op.get("x-access").asString();
            String path = docPath.replaceAll("\\{[^}]+}", "x");
            String body = method.equals("post") || method.equals("put") ? "{}" : null;
            if (access.equals("public")) {
                expectAllowed(wrong, method, docPath, path, null, body);
                return;
            }
            expect(wrong, method, docPath, path, null, body, 401, "unauthenticated");
            switch (access) {
                case "any" -> {
                    expectAllowed(wrong, method, docPath, path, agent.key(), body);
                    expectAllowed(wrong, method, docPath, path, plainOwner.token(), body);
                }
                case "owner" -> {
                    expect(wrong, method, docPath, path, agent.key(), body, 403, "owner_token_required");
                    // Signing out revokes the token that did it: use one of its own.
                    expectAllowed(wrong, method, docPath, path,
                            docPath.equals("/auth/logout") ? kernel.login(plainOwner.email(), "password-" + plainOwner.email())
                                    : plainOwner.token(), body);
                }
                case "admin" -> {
                    expect(wrong, method, docPath, path, agent.key(), body, 403, "admin_required");
                    expect(wrong, method, docPath, path, plainOwner.token(), body, 403, "admin_required");
                    expectAllowed(wrong, method, docPath, path, admin, body);
                }
                case "agent" -> {
                    expect(wrong, method, docPath, path, plainOwner.token(), body, 403, "agent_key_required");
                    expectAllowed(wrong, method, docPath, path, agent.key(), body);
                }
                default -> wrong.add(method + " " + docPath + ": unknown x-access " + access);
            }
        });
        assertThat(wrong).isEmpty();
    }

    // ---- requests ------------------------------------------------------------------------------

    private void expect(List<String> wrong, String method, String docPath, String path, String token, String body,
                        int status, String code) {
        HttpApi.Response r = exchange(method, docPath, path, token, body, Map.of(), null);
        if (r.status() != status || !code.equals(problemCode(r))) {
            wrong.add(method.toUpperCase() + " " + docPath + " with " + describe(token) + ": expected " + status + " " + code
                    + ", got " + r);
        }
    }

    private void expectAllowed(List<String> wrong, String method, String docPath, String path, String token, String body) {
        HttpApi.Response r = exchange(method, docPath, path, token, body, Map.of(), null);
        if (r.status() == 401 || Set.of("owner_token_required", "admin_required", "agent_key_required").contains(problemCode(r))) {
            wrong.add(method.toUpperCase() + " " + docPath + " with " + describe(token) + ": refused with " + r);
        }
    }

    /** The problem code of an error answer; "" for any other answer. */
    private static String problemCode(HttpApi.Response r) {
        String type = r.header("Content-Type");
        return type != null && type.startsWith("application/problem+json") ? r.code() : "";
    }

    private static String describe(String token) {
        return token == null ? "no credential" : token.substring(0, 7) + "...";
    }

    private HttpApi.Response call(String method, String docPath, String token, Object body, int status) {
        return call(method, docPath, docPath, token, body, status);
    }

    private HttpApi.Response call(String method, String docPath, String path, String token, Object body, int status) {
        String json = body == null ? null : body instanceof String s ? s : HttpApi.JSON.writeValueAsString(body);
        return send(method, docPath, path, token, json, Map.of(), status);
    }

    private HttpApi.Response send(String method, String docPath, String path, String token, String body,
                                  Map<String, String> headers, int status) {
        return exchange(method, docPath, path, token, body, headers, status);
    }

    /** Sends a request to the operation {@code method docPath} and checks the answer against the document. */
    private HttpApi.Response exchange(String method, String docPath, String path, String token, String body,
                                      Map<String, String> headers, Integer status) {
        String url = kernel.server().publicUrl() + prefix(docPath) + path;
        HttpApi.Response r = kernel.api().send(method.toUpperCase(), url, token, body, headers);
        if (status != null) {
            assertThat(r.status()).as("%s %s: %s", method.toUpperCase(), path, r).isEqualTo(status);
        }
        conforms(method, docPath, r);
        checked.add(method.toUpperCase() + " " + docPath);
        return r;
    }

    private static Map<String, Object> echoSpec(String key) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capability_key", key);
        spec.put("input_schema", Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string")),
                "required", List.of("text")));
        spec.put("output_schema", Map.of("type", "object", "properties", Map.of("echo", Map.of("type", "string")),
                "required", List.of("echo")));
        return spec;
    }

    private static String path(String template, String value) {
        return template.replaceFirst("\\{[^}]+}", value);
    }

    // ---- the document --------------------------------------------------------------------------

    /** The answer's status is documented for the operation, and its body matches the documented schema. */
    private static void conforms(String method, String docPath, HttpApi.Response r) {
        String where = method.toUpperCase() + " " + docPath + " " + r.status();
        JsonNode op = doc.path("paths").path(docPath).path(method);
        assertThat(op.isObject()).as("%s is documented", where).isTrue();
        JsonNode response = op.path("responses").get(Integer.toString(r.status()));
        assertThat(response).as("%s: status not documented for this operation (%s)", where, r).isNotNull();
        String pointer = "/paths/" + escape(docPath) + "/" + method + "/responses/" + r.status();
        if (response.has("$ref")) {
            pointer = response.get("$ref").asString().substring(1);
            response = doc.at(pointer);
        }
        JsonNode content = response.get("content");
        if (content == null) {
            assertThat(r.text()).as("%s: documented without a body", where).isEmpty();
            return;
        }
        String type = r.header("Content-Type") == null ? "" : r.header("Content-Type").split(";")[0].trim();
        // A media range (image/*, */*) documents every type it covers, as in OpenAPI.
        assertThat(content.has(type) || content.has(type.split("/")[0] + "/*") || content.has("*/*"))
                .as("%s: answered %s, documented %s", where, type, content.propertyNames()).isTrue();
        if (!type.endsWith("json")) {
            return;
        }
        Schema schema = schemas.getSchema(SchemaLocation.of(DOC_IRI + "#" + pointer + "/content/" + escape(type) + "/schema"));
        List<String> errors = schema.validate(r.json()).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
        assertThat(errors).as("%s: the answer does not match its documented schema: %s", where, r.text()).isEmpty();
        List<String> undocumented = new ArrayList<>();
        undocumentedMembers(content.get(type).get("schema"), r.json(), "$", undocumented);
        assertThat(undocumented).as("%s: members the document does not describe: %s", where, r.text()).isEmpty();
    }

    /** Members of {@code value} that no branch of {@code schema} declares, where the schema declares properties at all. */
    private static void undocumentedMembers(JsonNode schema, JsonNode value, String where, List<String> out) {
        List<JsonNode> branches = new ArrayList<>();
        flatten(schema, branches);
        if (value.isObject()) {
            Map<String, JsonNode> declared = new LinkedHashMap<>();
            boolean any = false;
            for (JsonNode b : branches) {
                if (b.has("properties")) {
                    any = true;
                    b.get("properties").properties().forEach(e -> declared.putIfAbsent(e.getKey(), e.getValue()));
                }
            }
            if (!any) {
                return;
            }
            for (var member : value.properties()) {
                JsonNode s = declared.get(member.getKey());
                if (s == null) {
                    out.add(where + "." + member.getKey());
                } else {
                    undocumentedMembers(s, member.getValue(), where + "." + member.getKey(), out);
                }
            }
        } else if (value.isArray()) {
            branches.stream().filter(b -> b.path("items").isObject()).findFirst().ifPresent(b -> {
                int i = 0;
                for (JsonNode item : value.values()) {
                    undocumentedMembers(b.get("items"), item, where + "[" + i++ + "]", out);
                }
            });
        }
    }

    private static void flatten(JsonNode schema, List<JsonNode> out) {
        if (schema == null || !schema.isObject()) {
            return;
        }
        JsonNode s = schema.has("$ref") ? doc.at(schema.get("$ref").asString().substring(1)) : schema;
        out.add(s);
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            s.path(combinator).values().forEach(b -> flatten(b, out));
        }
    }

    private static String escape(String pointerToken) {
        return pointerToken.replace("~", "~0").replace("/", "~1");
    }

    /** "/api/v1" for API paths, "" for paths served from the root (path-level servers). */
    private static String prefix(String docPath) {
        JsonNode servers = doc.path("paths").path(docPath).path("servers");
        String server = servers.isEmpty() ? doc.get("servers").get(0).get("url").asString() : servers.get(0).get("url").asString();
        return URI.create(kernel.server().publicUrl() + "/").resolve(server).getPath().replaceAll("/+$", "");
    }

    private static Set<String> documentedOperations() {
        Set<String> out = new TreeSet<>();
        forEachOperation((method, path, op) -> out.add(method.toUpperCase() + " " + path));
        return out;
    }

    private static void forEachOperation(OpenApiTest.OperationVisitor visitor) {
        for (var p : doc.get("paths").properties()) {
            for (var o : p.getValue().properties()) {
                if (HTTP_METHODS.contains(o.getKey())) {
                    visitor.visit(o.getKey(), p.getKey(), o.getValue());
                }
            }
        }
    }
}
