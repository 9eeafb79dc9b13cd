package com.chaojiyuyan.kernel.deviceflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.KernelSettings;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * An OAuth client written by others, panva's openid-client 6, logs in with nothing but the server's
 * URL: discovery, device authorization, polling, token. It runs in node against a real kernel (polling
 * interval 1 s, which openid-client waits before its first poll).
 */
@Timeout(180)
@KernelSettings("CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS=1")
class OpenIdClientTest extends ContractTest {
    @BeforeAll
    static void node() {
        NodeProject.require();
    }

    @Test
    void discoversPollsAndReceivesAWorkingKeyOnceApproved() {
        TestKernel.Owner owner = kernel.newOwner();
        try (NodeProject.Script script = NodeProject.start("device-login.mjs", kernel.server().publicUrl(), "oidc-agent")) {
            JsonNode code = event(script, "code");
            assertThat(code.get("verification_uri").asString()).isEqualTo(kernel.server().publicUrl() + "/activate");
            assertThat(code.get("interval").asInt()).isEqualTo(1);
            // Approve only once the client has been told authorization_pending: it must keep polling.
            awaitFirstPoll(code.get("user_code").asString());

            HttpApi.Response approved = kernel.api().post("/oauth/device/approve", owner.token(),
                    Map.of("user_code", code.get("user_code").asString()));
            assertThat(approved.status()).as("%s", approved).isEqualTo(200);

            JsonNode token = event(script, "token");
            assertThat(token.get("token_type").asString()).isEqualToIgnoringCase("bearer");
            String key = token.get("access_token").asString();
            assertThat(key).startsWith("nxt_ag_");
            assertThat(script.waitFor(30)).isZero();

            JsonNode me = kernel.api().get("/me", key).json();
            assertThat(me.get("kind").asString()).isEqualTo("agent");
            assertThat(me.get("agent_id").asString()).isEqualTo(token.get("agent_id").asString());
            assertThat(me.get("owner_id").asString()).isEqualTo(owner.id());
        }
    }

    @Test
    void aDeniedRequestEndsThePollingWithAccessDenied() {
        TestKernel.Owner owner = kernel.newOwner();
        try (NodeProject.Script script = NodeProject.start("device-login.mjs", kernel.server().publicUrl(), "denied-agent")) {
            JsonNode code = event(script, "code");
            HttpApi.Response denied = kernel.api().post("/oauth/device/deny", owner.token(),
                    Map.of("user_code", code.get("user_code").asString()));
            assertThat(denied.status()).as("%s", denied).isEqualTo(200);

            JsonNode error = event(script, "error");
            assertThat(error.get("error").asString()).as("%s", error).isEqualTo("access_denied");
            assertThat(script.waitFor(30)).isEqualTo(1);
        }
    }

    private static void awaitFirstPoll(String userCode) {
        String stored = userCode.replace("-", "");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> kernel.server().database().read(h -> h.createQuery(
                        "SELECT last_polled_at FROM device_authorizations WHERE user_code = :code")
                .bind("code", stored).mapTo(Long.class).findOne()).isPresent());
    }

    /** The script's next event, which must be of {@code type}. */
    static JsonNode event(NodeProject.Script script, String type) {
        String line = script.nextLine();
        JsonNode event = HttpApi.JSON.readTree(line);
        assertThat(event.get("event").asString()).as("event %s; stderr: %s", line, script.stderr()).isEqualTo(type);
        return event;
    }
}
