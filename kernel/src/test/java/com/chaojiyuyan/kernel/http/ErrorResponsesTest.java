package com.chaojiyuyan.kernel.http;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblemShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.KernelServer;
import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every error the API answers is {@code application/problem+json} with its stable code and a
 * request id, and no request a client can send makes the server answer 5xx.
 */
class ErrorResponsesTest extends ContractTest {
    private static final HttpClient RAW = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Sends raw bytes as the body; {@code chunked} omits Content-Length so only the bytes themselves count. */
    private static HttpApi.Response sendBytes(String method, String path, String token, byte[] body, boolean chunked) {
        return sendBytes(method, path, token, body, chunked, false);
    }

    /**
     * {@code expectContinue} holds the body back until the server asks for it, so a server that refuses
     * on the headers alone answers without a half-sent body racing its close of the connection.
     */
    private static HttpApi.Response sendBytes(String method, String path, String token, byte[] body, boolean chunked,
                                              boolean expectContinue) {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(kernel.api().apiUrl() + path))
                .timeout(Duration.ofSeconds(60))
                .expectContinue(expectContinue)
                .header("Content-Type", "application/json")
                .method(method, publisher);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = RAW.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpApi.Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpApi.Response postRaw(String path, String token, String body) {
        return kernel.api().send("POST", path, token, body, Map.of());
    }

    // ---- one test per error of the contract ----------------------------------------------------

    @Test
    void malformedJsonIsMalformedJson() {
        TestKernel.Agent agent = kernel.newAgent();

        for (String body : List.of("{\"capability_key\":\"test.echo.v1\",\"input\":{\"text\":\"hi\"}",
                "{capability_key: 1}", "{'capability_key':'test.echo.v1'}", "{\"a\":1,}", "{\"a\":NaN}",
                "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":/* comment */1}",
                "{\"capability_key\":\"test.echo.v1\",\"input\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                "{\"capability_key\":\"test.echo.v1\",\"max_budget_nc\":1" + "0".repeat(5_000) + "}")) {
            JsonNode problem = assertProblem(postRaw("/kernel-jobs", agent.key(), body), 400, "malformed_json");
            assertThat(problem.get("detail").asString()).as(body).isNotBlank();
        }
    }

    @Test
    void invalidUtf8IsMalformedJson() {
        TestKernel.Agent agent = kernel.newAgent();
        byte[] body = "{\"capability_key\":\"test.echo.v1\",\"input\":{\"text\":\"??\"}}".getBytes(StandardCharsets.US_ASCII);
        int at = new String(body, StandardCharsets.US_ASCII).indexOf("??");
        body[at] = (byte) 0xC3; // a two-byte sequence's lead byte...
        body[at + 1] = (byte) 0x28; // ...followed by a byte that cannot continue it

        assertProblem(sendBytes("POST", "/kernel-jobs", agent.key(), body, false), 400, "malformed_json");

        assertThat(kernel.api().get("/kernel-jobs", agent.key()).json().get("items").valueStream()).isEmpty();
    }

    @Test
    void aBodyThatIsNotAnObjectIsAnInvalidRequest() {
        TestKernel.Agent agent = kernel.newAgent();

        for (String body : List.of("[]", "[{\"capability_key\":\"test.echo.v1\"}]", "\"a string\"", "42", "true", "null")) {
            assertProblem(postRaw("/kernel-jobs", agent.key(), body), 400, "invalid_request");
        }
    }

    @Test
    void missingAndMistypedMembersAreInvalidRequests() {
        TestKernel.Owner owner = kernel.newOwner();

        JsonNode missing = assertProblem(kernel.api().post("/agents", owner.token(), Map.of()), 400, "invalid_request");
        JsonNode mistyped = assertProblem(kernel.api().post("/agents", owner.token(), Map.of("name", 12)), 400, "invalid_request");

        assertThat(missing.get("detail").asString()).contains("name");
        assertThat(mistyped.get("detail").asString()).contains("name");
    }

    @Test
    void aBodyOverTheLimitIsPayloadTooLarge() {
        TestKernel.Agent agent = kernel.newAgent();
        long limit = kernel.server().config().maxBodyBytes();
        String padding = "x".repeat((int) limit);
        byte[] body = ("{\"capability_key\":\"test.echo.v1\",\"input\":{\"text\":\"" + padding + "\"}}").getBytes(StandardCharsets.UTF_8);

        // Refused on the declared Content-Length, before any of the body is read...
        assertProblem(sendBytes("POST", "/kernel-jobs", agent.key(), body, false, true), 413, "payload_too_large");
        // ...and, without one, once the bytes read pass the limit.
        assertProblem(sendBytes("POST", "/kernel-jobs", agent.key(), body, true, true), 413, "payload_too_large");

        assertThat(kernel.api().get("/kernel-jobs", agent.key()).json().get("items").valueStream()).isEmpty();
    }

    @Test
    void aBodyJustUnderTheLimitIsRead() {
        TestKernel.Agent agent = kernel.newAgent();
        long limit = kernel.server().config().maxBodyBytes();
        String prefix = "{\"capability_key\":\"test.echo.v1\",\"input\":{\"text\":\"";
        String suffix = "\"},\"max_budget_nc\":-1}";
        String body = prefix + "x".repeat((int) limit - prefix.length() - suffix.length()) + suffix;
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize((int) limit);

        // Read and parsed in full: the refusal is about the budget, not the size.
        assertProblem(sendBytes("POST", "/kernel-jobs", agent.key(), body.getBytes(StandardCharsets.UTF_8), true),
                400, "invalid_request");
    }

    @Test
    void aNonJsonContentTypeIsUnsupportedMediaType() {
        TestKernel.Agent agent = kernel.newAgent();
        String body = "{\"capability_key\":\"test.echo.v1\",\"input\":{\"text\":\"hi\"}}";

        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/xml")) {
            assertProblem(kernel.api().send("POST", "/kernel-jobs", agent.key(), body, Map.of("Content-Type", type)),
                    415, "unsupported_media_type");
        }
        HttpApi.Response withCharset = kernel.api().send("POST", "/kernel-jobs", agent.key(), body,
                Map.of("Content-Type", "application/json; charset=utf-8"));
        assertThat(withCharset.status()).as(withCharset.toString()).isEqualTo(201);
    }

    @Test
    void badQueryParametersAreInvalidParameter() {
        TestKernel.Agent worker = kernel.newWorker("test.echo.v1");
        String job = kernel.createJob(worker, "test.echo.v1", "hi").get("id").asString();

        for (String path : List.of("/kernel-jobs?limit=abc", "/kernel-jobs?limit=0", "/kernel-jobs?status=nope",
                "/kernel-jobs?cursor=%25%25", "/kernel-jobs/" + job + "?wait_seconds=61", "/kernel-jobs/" + job + "?wait_seconds=-1",
                "/kernel-jobs/" + job + "/events?after=x", "/kernel-jobs/available?wait_seconds=61",
                "/kernel-jobs/available?limit=0", "/capability-specs?limit=501", "/capability-specs?cursor=%25%25")) {
            JsonNode problem = assertProblem(kernel.api().get(path, worker.key()), 400, "invalid_parameter");
            assertThat(problem.get("detail").asString()).as(path).contains("'");
        }
    }

    @Test
    void aMissingOrInvalidCredentialIsUnauthenticated() {
        String unknownButWellFormedKey = Secrets.newAgentKey();
        String unknownButWellFormedSession = Secrets.newSessionToken();

        List<HttpApi.Response> answers = new ArrayList<>();
        answers.add(kernel.api().get("/me", null));
        for (String header : List.of("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token " + unknownButWellFormedKey,
                "Bearer garbage", "Bearer " + unknownButWellFormedKey, "Bearer " + unknownButWellFormedSession,
                "Bearer " + unknownButWellFormedKey + "x", "bearer nxt_ag_")) {
            answers.add(kernel.api().send("GET", "/me", null, null, header.isEmpty() ? Map.of() : Map.of("Authorization", header)));
        }
        answers.add(kernel.api().post("/kernel-jobs", null, Map.of("capability_key", "test.echo.v1", "input", Map.of("text", "hi"))));

        for (HttpApi.Response r : answers) {
            assertProblem(r, 401, "unauthenticated");
            assertThat(r.header("WWW-Authenticate")).as(r.toString()).startsWith("Bearer");
        }
    }

    @Test
    void anUnknownRouteIsNotFound() {
        TestKernel.Agent agent = kernel.newAgent();

        assertProblem(kernel.api().get("/no-such-thing", agent.key()), 404, "not_found");
        assertProblem(kernel.api().get("/no-such-thing", null), 404, "not_found");
        assertProblem(kernel.api().post("/kernel-jobs/x/y/z", agent.key(), Map.of()), 404, "not_found");
        assertProblem(kernel.api().send("GET", kernel.server().publicUrl() + "/not-the-api", null, null, Map.of()), 404, "not_found");
    }

    @Test
    void aWrongMethodIsMethodNotAllowed() {
        TestKernel.Agent agent = kernel.newAgent();

        assertProblem(kernel.api().delete("/kernel-jobs", agent.key()), 405, "method_not_allowed");
        assertProblem(kernel.api().put("/kernel-jobs", agent.key(), Map.of()), 405, "method_not_allowed");
        assertProblem(kernel.api().send("PATCH", "/capability-specs", agent.key(), "{}", Map.of()), 405, "method_not_allowed");
        assertProblem(kernel.api().get("/auth/login", null), 405, "method_not_allowed");
    }

    @Test
    void anOwnerRouteWithAnAgentKeyNeedsAnOwnerToken() {
        TestKernel.Agent agent = kernel.newAgent();

        assertProblem(kernel.api().get("/agents", agent.key()), 403, "owner_token_required");
        assertProblem(kernel.api().post("/agents", agent.key(), Map.of("name", "child")), 403, "owner_token_required");
        assertProblem(kernel.api().post("/auth/logout", agent.key(), null), 403, "owner_token_required");
    }

    @Test
    void anAgentRouteWithAnOwnerTokenNeedsAnAgentKey() {
        TestKernel.Owner owner = kernel.newOwner();

        assertProblem(kernel.api().post("/kernel-jobs", owner.token(), Map.of("capability_key", "test.echo.v1",
                "input", Map.of("text", "hi"))), 403, "agent_key_required");
        assertProblem(kernel.api().get("/kernel-jobs/available", owner.token()), 403, "agent_key_required");
        assertProblem(kernel.api().post("/kernel-agents/me/capabilities", owner.token(),
                Map.of("capability_keys", List.of("test.echo.v1"))), 403, "agent_key_required");
    }

    @Test
    void anAdminRouteNeedsAnAdmin() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "agent");

        for (String token : List.of(owner.token(), agent.key())) {
            assertProblem(kernel.api().get("/admin/owners", token), 403, "admin_required");
            assertProblem(kernel.api().post("/admin/owners", token, Map.of("email", "x@test.local", "password", "long-enough")),
                    403, "admin_required");
            assertProblem(kernel.api().post("/capability-specs", token, Map.of("capability_key", "not.allowed")), 403, "admin_required");
        }
    }

    @Test
    void problemAnswersCarryTheRequestIdOfTheirRequest() {
        HttpApi.Response a = kernel.api().get("/me", null);
        HttpApi.Response b = kernel.api().get("/me", null);

        assertThat(assertProblemShape(a).get("request_id").asString())
                .isNotEqualTo(assertProblemShape(b).get("request_id").asString());
        assertThat(assertProblemShape(a).get("type").asString()).isEqualTo("about:blank");
        assertThat(assertProblemShape(a).get("title").asString()).isEqualTo("Unauthorized");
    }

    // ---- never a 5xx: every POST/PUT route against malformed bodies ---------------------------

    /** POST routes that take no body: they ignore one, so a malformed body does not make them fail. */
    private static final Set<String> BODYLESS = Set.of(
            "POST /api/v1/auth/logout",
            "POST /api/v1/agents/{agent_id}/keys",
            "POST /api/v1/capability-specs/{capability_key}/deprecate",
            "POST /api/v1/kernel-jobs/{job_id}/cancel",
            "POST /api/v1/kernel-jobs/{job_id}/bid");

    /** The OAuth endpoints of the device flow answer RFC 6749 errors ({"error":...}) instead of problems. */
    private static final Set<String> OAUTH_ROUTES = Set.of(
            "POST /api/v1/oauth/device/authorize",
            "POST /api/v1/oauth/device/token");

    /**
     * Bodies kept to a few kilobytes: a route that answers before reading (a refused credential, a
     * body-less route) leaves them in socket buffers instead of racing the client's write against the close.
     */
    private static Map<String, byte[]> malformedBodies() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("truncated JSON", utf8("{\"capability_key\":\"test.echo.v1\",\"input\":{\"text\":\"hi\""));
        bodies.put("only an opening brace", utf8("{"));
        bodies.put("a JSON array", utf8("[{\"name\":\"x\"}]"));
        bodies.put("a JSON string", utf8("\"just a string\""));
        bodies.put("a JSON number", utf8("42"));
        bodies.put("JSON null", utf8("null"));
        bodies.put("trailing garbage", utf8("{\"name\":\"x\"} and more"));
        bodies.put("wrong member types", utf8("""
                {"capability_key":1,"input":"x","name":[],"email":{},"password":7,"is_admin":"yes","task_run_id":false,
                 "capability_keys":"test.echo.v1","output":null,"error":"bad","retryable":"no","max_budget_nc":"10",
                 "price_nc":"free","lease_seconds":[30],"input_schema":"nope","idempotency_key":{}}"""));
        bodies.put("a huge integer", utf8("{\"max_budget_nc\":123456789012345678901234567890,\"lease_seconds\":1e400,"
                + "\"name\":1e400,\"amount_nc\":-99999999999999999999999}"));
        bodies.put("a number with too many digits", utf8("{\"name\":1" + "0".repeat(1_100) + "}"));
        bodies.put("invalid UTF-8", new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'});
        bodies.put("an overlong UTF-8 encoding", new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
        bodies.put("deeply nested arrays", utf8("{\"input\":" + "[".repeat(1_000) + "]".repeat(1_000) + "}"));
        bodies.put("deeply nested objects", utf8("{\"name\":" + "{\"a\":".repeat(600) + "1" + "}".repeat(600) + "}"));
        return bodies;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A signed-in admin whose session a route (logout) may end; signs in again when it has. */
    private static final class SweepAdmin {
        private final String email = "sweep-admin-" + System.nanoTime() + "@test.local";
        private final String password = "sweep-admin-password";
        private String token;

        SweepAdmin() {
            HttpApi.Response r = kernel.api().post("/admin/owners", kernel.adminToken(),
                    Map.of("email", email, "password", password, "is_admin", true));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            token = kernel.login(email, password);
        }

        String token() {
            if (kernel.api().get("/me", token).status() == 401) {
                token = kernel.login(email, password);
            }
            return token;
        }
    }

    @Test
    void noMalformedBodyMakesAnyPostOrPutRouteFail() {
        SweepAdmin admin = new SweepAdmin();
        TestKernel.Agent agent = kernel.newWorker("test.echo.v1");
        String job = kernel.createJob(agent, "test.echo.v1", "sweep").get("id").asString();
        String agentOfAdmin = kernel.api().post("/agents", admin.token(), Map.of("name", "sweep")).get("agent").get("id").asString();
        Map<String, String> pathValues = Map.of(
                "{job_id}", job,
                "{capability_key}", kernel.newCapability(),
                "{agent_id}", agentOfAdmin);

        List<KernelServer.Route> routes = kernel.server().routes().stream()
                .filter(r -> r.method().equals("POST") || r.method().equals("PUT"))
                .filter(r -> r.path().startsWith(Api.PREFIX + "/"))
                .toList();
        assertThat(routes).extracting(KernelServer.Route::path)
                .contains("/api/v1/kernel-jobs", "/api/v1/capability-specs/{capability_key}", "/api/v1/auth/login");

        SoftAssertions softly = new SoftAssertions();
        for (KernelServer.Route route : routes) {
            String path = route.path().substring(Api.PREFIX.length());
            for (Map.Entry<String, String> value : pathValues.entrySet()) {
                path = path.replace(value.getKey(), value.getValue());
            }
            path = path.replaceAll("\\{[^}]+}", "unknown");
            boolean readsBody = !BODYLESS.contains(route.method() + " " + route.path());
            for (Map.Entry<String, byte[]> body : malformedBodies().entrySet()) {
                for (String token : List.of(admin.token(), agent.key())) {
                    HttpApi.Response r = sendBytes(route.method(), path, token, body.getValue(), false);
                    String what = route.method() + " " + route.path() + " with " + body.getKey() + ": " + r;
                    softly.assertThat(r.status()).as(what).isLessThan(500);
                    if (readsBody) {
                        softly.assertThat(r.status()).as(what).isBetween(400, 499);
                    }
                    if (r.status() >= 400 && OAUTH_ROUTES.contains(route.method() + " " + route.path())) {
                        softly.assertThat(r.header("Content-Type")).as(what).startsWith("application/json");
                        softly.assertThat(r.json().path("error").isString()).as(what).isTrue();
                    } else if (r.status() >= 400) {
                        softly.check(() -> assertProblemShape(r));
                    }
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void noMistypedMemberMakesAKnownRouteFail() {
        TestKernel.Agent agent = kernel.newWorker("test.echo.v1");
        String job = kernel.createJob(agent, "test.echo.v1", "types").get("id").asString();
        String capability = kernel.newCapability();
        String admin = kernel.adminToken();
        Map<String, String> schema = Map.of("type", "object");
        // A well-typed body per route; each member in turn gets values of every other JSON type.
        record Template(String method, String path, String token, Map<String, Object> body) {
        }
        List<Template> templates = List.of(
                new Template("POST", "/auth/login", null, Map.of("email", "x@test.local", "password", "some-password")),
                new Template("POST", "/agents", kernel.newOwner().token(), Map.of("name", "n")),
                new Template("POST", "/admin/owners", admin, Map.of("email", "typed@test.local", "password", "long-enough", "is_admin", false)),
                new Template("POST", "/capability-specs", admin, specTemplate(Map.of("capability_key", "typed.cap.v1"), schema)),
                new Template("PUT", "/capability-specs/" + capability, admin, specTemplate(Map.of(), schema)),
                new Template("POST", "/kernel-jobs", agent.key(), Map.of("capability_key", "test.echo.v1", "input", Map.of("text", "x"),
                        "idempotency_key", "k", "max_budget_nc", 0, "callback_url", "https://example.org/hook")),
                new Template("POST", "/kernel-agents/me/capabilities", agent.key(), Map.of("capability_keys", List.of("test.echo.v1"))),
                new Template("POST", "/kernel-jobs/" + job + "/heartbeat", agent.key(), Map.of("task_run_id", "tr_unknown")),
                new Template("POST", "/kernel-jobs/" + job + "/submit", agent.key(),
                        Map.of("task_run_id", "tr_unknown", "output", Map.of("echo", "x"), "artifacts", List.of())),
                new Template("POST", "/kernel-jobs/" + job + "/fail", agent.key(),
                        Map.of("task_run_id", "tr_unknown", "error", Map.of("code", "c", "message", "m"), "retryable", true)));
        List<Object> values = List.of(123, "text", List.of(1), Map.of("a", 1), true, 1.5);

        SoftAssertions softly = new SoftAssertions();
        for (Template t : templates) {
            for (String member : t.body().keySet()) {
                Object valid = t.body().get(member);
                for (Object wrong : values) {
                    if (sameJsonType(valid, wrong) || isAlsoValid(member, wrong)) {
                        continue;
                    }
                    Map<String, Object> body = new LinkedHashMap<>(t.body());
                    body.put(member, wrong);
                    HttpApi.Response r = kernel.api().send(t.method(), t.path(), t.token(), HttpApi.JSON.writeValueAsString(body), Map.of());
                    String what = t.method() + " " + t.path() + " with " + member + "=" + wrong + ": " + r;
                    softly.assertThat(r.status()).as(what).isBetween(400, 499);
                    if (r.status() >= 400) {
                        softly.check(() -> assertProblemShape(r));
                    }
                }
            }
        }
        softly.assertAll();
    }

    private static Map<String, Object> specTemplate(Map<String, Object> key, Map<String, String> schema) {
        Map<String, Object> spec = new LinkedHashMap<>(key);
        spec.putAll(Map.of("name", "n", "description", "d", "input_schema", schema, "output_schema", schema,
                "price_nc", 0, "lease_seconds", 30, "heartbeat_seconds", 10, "max_attempts", 3, "job_ttl_seconds", 60,
                "max_submit_attempts", 3));
        spec.put("status", "active");
        return spec;
    }

    /** A JSON Schema may be a boolean as well as an object. */
    private static boolean isAlsoValid(String member, Object value) {
        return member.endsWith("_schema") && value instanceof Boolean;
    }

    private static boolean sameJsonType(Object a, Object b) {
        return kind(a).equals(kind(b));
    }

    private static String kind(Object v) {
        return switch (v) {
            case Integer i -> "integer";
            case Double d -> "number";
            case String s -> "string";
            case Boolean bool -> "boolean";
            case List<?> l -> "array";
            case Map<?, ?> m -> "object";
            default -> throw new IllegalArgumentException(String.valueOf(v));
        };
    }
}
