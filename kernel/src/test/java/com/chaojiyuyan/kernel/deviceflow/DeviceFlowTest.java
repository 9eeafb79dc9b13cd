package com.chaojiyuyan.kernel.deviceflow;

import static com.chaojiyuyan.kernel.deviceflow.DeviceClient.assertOAuthError;
import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.auth.Secrets;
import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The device flow through the API, as a program and a script see it (RFC 8628 and the kernel contract). */
class DeviceFlowTest extends ContractTest {
    private static final String CODE = "[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}";

    private DeviceClient client() {
        return new DeviceClient(kernel.api());
    }

    /** Moves past the polling interval the server gave, so the next poll is on time. */
    private static void waitOneInterval(int seconds) {
        kernel.clock().advance(Duration.ofSeconds(seconds));
    }

    @Test
    void approvedCodeYieldsAWorkingAgentKeyOnce() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("my-agent");
        String deviceCode = grant.get("device_code").asString();

        assertOAuthError(client().token(deviceCode), 400, "authorization_pending");

        HttpApi.Response approved = kernel.api().post("/oauth/device/approve", owner.token(),
                Map.of("user_code", grant.get("user_code").asString()));
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().get("status").asString()).isEqualTo("approved");
        assertThat(approved.json().get("client_name").asString()).isEqualTo("my-agent");

        waitOneInterval(grant.get("interval").asInt());
        HttpApi.Response token = client().token(deviceCode);
        assertThat(token.status()).as("%s", token).isEqualTo(200);
        assertThat(token.header("Cache-Control")).isEqualTo("no-store");
        String key = token.json().get("access_token").asString();
        assertThat(key).startsWith("nxt_ag_");
        assertThat(token.json().get("token_type").asString()).isEqualTo("bearer");
        String agentId = token.json().get("agent_id").asString();

        // The key is an agent key of the approving owner, on an agent named after the client.
        JsonNode me = kernel.api().get("/me", key).json();
        assertThat(me.get("kind").asString()).isEqualTo("agent");
        assertThat(me.get("agent_id").asString()).isEqualTo(agentId);
        assertThat(me.get("owner_id").asString()).isEqualTo(owner.id());
        JsonNode agents = kernel.api().get("/agents", owner.token()).json().get("items");
        assertThat(agents.valueStream().filter(a -> a.get("id").asString().equals(agentId)).findFirst().orElseThrow()
                .get("name").asString()).isEqualTo("my-agent");
        // It works as a worker and a caller.
        HttpApi.Response register = kernel.api().post("/kernel-agents/me/capabilities", key, Map.of("capability_keys", List.of("test.echo.v1")));
        assertThat(register.status()).as("%s", register).isEqualTo(200);

        // A code is exchanged once.
        waitOneInterval(grant.get("interval").asInt());
        assertOAuthError(client().token(deviceCode), 400, "invalid_grant");
        assertThat(kernel.api().get("/agents", owner.token()).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void racingExchangesOfOneApprovedCodeYieldOneKey() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("raced");
        assertThat(kernel.api().post("/oauth/device/approve", owner.token(),
                Map.of("user_code", grant.get("user_code").asString())).status()).isEqualTo(200);
        String deviceCode = grant.get("device_code").asString();

        List<CompletableFuture<HttpApi.Response>> polls = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> client().token(deviceCode)))
                .toList();
        List<HttpApi.Response> answers = polls.stream().map(CompletableFuture::join).toList();

        assertThat(answers).filteredOn(r -> r.status() == 200).hasSize(1);
        answers.stream().filter(r -> r.status() != 200).forEach(r -> assertOAuthError(r, 400, "invalid_grant"));
        assertThat(kernel.api().get("/agents", owner.token()).json().get("items").size()).isEqualTo(1);
    }

    @Test
    void codePairHasTheDocumentedShape() {
        JsonNode grant = client().authorize("shape-check");
        assertThat(grant.get("user_code").asString()).matches(CODE);
        assertThat(grant.get("device_code").asString().length()).as("≥ 32 random bytes in base62").isGreaterThanOrEqualTo(43);
        assertThat(grant.get("verification_uri").asString()).isEqualTo(kernel.server().publicUrl() + "/activate");
        assertThat(grant.get("verification_uri_complete").asString())
                .isEqualTo(kernel.server().publicUrl() + "/activate?code=" + grant.get("user_code").asString());
        assertThat(grant.get("expires_in").asInt()).isEqualTo(900);
        assertThat(grant.get("interval").asInt()).isEqualTo(5);

        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            codes.add(client().authorize("shape-check").get("user_code").asString());
        }
        assertThat(codes).hasSize(20).allMatch(c -> c.matches(CODE));
    }

    @Test
    void authorizeAcceptsJsonAndNeedsAName() {
        HttpApi.Response json = kernel.api().post("/oauth/device/authorize", null, Map.of("client_name", "json-client", "scope", "agent"));
        assertThat(json.status()).as("%s", json).isEqualTo(200);
        assertThat(json.json().get("user_code").asString()).matches(CODE);

        // A standard client sends only its client_id: the agent is named after it.
        HttpApi.Response byId = client().postForm("/oauth/device/authorize", Map.of("client_id", "some-cli"));
        assertThat(byId.status()).as("%s", byId).isEqualTo(200);

        assertOAuthError(client().postForm("/oauth/device/authorize", Map.of("scope", "agent")), 400, "invalid_request");
        assertOAuthError(kernel.api().send("POST", "/oauth/device/authorize", null, "client_name=a&client_name=b",
                Map.of("Content-Type", "application/x-www-form-urlencoded")), 400, "invalid_request");
        assertOAuthError(kernel.api().send("POST", "/oauth/device/authorize", null, "client_name=a",
                Map.of("Content-Type", "text/plain")), 400, "invalid_request");
    }

    @Test
    void userCodesMatchIgnoringCaseAndDash() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("case-check");
        String typed = grant.get("user_code").asString().replace("-", "").toLowerCase(Locale.ROOT);
        HttpApi.Response approved = kernel.api().post("/oauth/device/approve", owner.token(), Map.of("user_code", typed));
        assertThat(approved.status()).as("%s", approved).isEqualTo(200);
        assertThat(approved.json().get("user_code").asString()).isEqualTo(grant.get("user_code").asString());

        JsonNode other = client().authorize("case-check-2");
        String spaced = " " + other.get("user_code").asString().toLowerCase(Locale.ROOT) + " ";
        assertThat(kernel.api().post("/oauth/device/deny", owner.token(), Map.of("user_code", spaced)).status()).isEqualTo(200);

        assertProblem(kernel.api().post("/oauth/device/approve", owner.token(), Map.of("user_code", "BCDF-GHJ")), 404, "not_found");
        assertProblem(kernel.api().post("/oauth/device/approve", owner.token(), Map.of("user_code", "AEIO-UAEI")), 404, "not_found");
    }

    @Test
    void deniedCodeAnswers410AccessDenied() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("deny-me");
        HttpApi.Response denied = kernel.api().post("/oauth/device/deny", owner.token(), Map.of("user_code", grant.get("user_code").asString()));
        assertThat(denied.status()).as("%s", denied).isEqualTo(200);
        assertThat(denied.json().get("status").asString()).isEqualTo("denied");

        assertOAuthError(client().token(grant.get("device_code").asString()), 410, "access_denied");
        assertProblem(kernel.api().post("/oauth/device/approve", owner.token(), Map.of("user_code", grant.get("user_code").asString())),
                409, "code_already_decided");
        assertThat(kernel.api().get("/agents", owner.token()).json().get("items").size()).isZero();
    }

    @Test
    void expiredCodeAnswers410ExpiredToken() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("too-late");
        kernel.clock().advance(Duration.ofSeconds(grant.get("expires_in").asInt() + 1));

        assertOAuthError(client().token(grant.get("device_code").asString()), 410, "expired_token");
        assertProblem(kernel.api().post("/oauth/device/approve", owner.token(), Map.of("user_code", grant.get("user_code").asString())),
                410, "code_expired");
        assertOAuthError(client().token(grant.get("device_code").asString()), 410, "expired_token");
    }

    @Test
    void pollingFasterThanTheIntervalSlowsTheClientDown() {
        JsonNode grant = client().authorize("impatient");
        String deviceCode = grant.get("device_code").asString();
        int interval = grant.get("interval").asInt();

        assertOAuthError(client().token(deviceCode), 400, "authorization_pending");
        assertOAuthError(client().token(deviceCode), 400, "slow_down");
        // The interval is now interval + 5: waiting the old one is still too fast.
        waitOneInterval(interval);
        assertOAuthError(client().token(deviceCode), 400, "slow_down");
        // Now interval + 10; waiting that long is on time.
        waitOneInterval(interval + 10);
        assertOAuthError(client().token(deviceCode), 400, "authorization_pending");
    }

    @Test
    void tokenEndpointAnswersRfc6749Errors() {
        assertOAuthError(client().postForm("/oauth/device/token", Map.of("grant_type", "authorization_code", "code", "x")),
                400, "unsupported_grant_type");
        assertOAuthError(client().postForm("/oauth/device/token", Map.of("device_code", "x")), 400, "invalid_request");
        assertOAuthError(client().postForm("/oauth/device/token", Map.of("grant_type", DeviceClient.GRANT)), 400, "invalid_request");
        assertOAuthError(client().token("not-a-device-code"), 400, "invalid_grant");
        assertOAuthError(kernel.api().send("POST", "/oauth/device/token", null, "{\"grant_type\":",
                Map.of("Content-Type", "application/json")), 400, "invalid_request");
    }

    @Test
    void approvingNeedsAnOwnerSession() {
        JsonNode grant = client().authorize("guarded");
        Map<String, String> body = Map.of("user_code", grant.get("user_code").asString());
        assertProblem(kernel.api().post("/oauth/device/approve", null, body), 401, "unauthenticated");
        TestKernel.Agent agent = kernel.newAgent();
        assertProblem(kernel.api().post("/oauth/device/approve", agent.key(), body), 403, "owner_token_required");
        assertProblem(kernel.api().post("/oauth/device/approve", kernel.newOwner().token(), Map.of()), 400, "invalid_request");
        assertOAuthError(client().token(grant.get("device_code").asString()), 400, "authorization_pending");
    }

    @Test
    void deviceCodesAreStoredOnlyAsHashes() {
        JsonNode grant = client().authorize("at-rest");
        String deviceCode = grant.get("device_code").asString();
        String userCode = grant.get("user_code").asString().replace("-", "");
        Map<String, Object> row = kernel.server().database().read(h -> h.createQuery(
                        "SELECT * FROM device_authorizations WHERE user_code = :code")
                .bind("code", userCode).mapToMap().one());
        assertThat(row.get("device_code_hash")).isEqualTo(Secrets.sha256Hex(deviceCode));
        assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(deviceCode));
    }

    @Test
    void metadataAdvertisesTheEndpointsUnderTheUrlTheClientUsed() {
        String base = kernel.server().publicUrl();
        HttpApi.Response r = kernel.api().get(base + "/.well-known/oauth-authorization-server", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = r.json();
        assertThat(m.get("issuer").asString()).isEqualTo(base);
        assertThat(m.get("device_authorization_endpoint").asString()).isEqualTo(base + "/api/v1/oauth/device/authorize");
        assertThat(m.get("token_endpoint").asString()).isEqualTo(base + "/api/v1/oauth/device/token");
        assertThat(m.get("grant_types_supported").valueStream().map(JsonNode::asString)).containsExactly(DeviceClient.GRANT);

        String viaLocalhost = "http://localhost:" + kernel.server().port();
        HttpApi.Response local = kernel.api().get(viaLocalhost + "/.well-known/oauth-authorization-server", null);
        assertThat(local.status()).isEqualTo(200);
        assertThat(local.json().get("issuer").asString()).isEqualTo(viaLocalhost);
        assertThat(local.json().get("token_endpoint").asString()).isEqualTo(viaLocalhost + "/api/v1/oauth/device/token");
    }
}
