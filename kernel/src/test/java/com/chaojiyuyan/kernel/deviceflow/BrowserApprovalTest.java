package com.chaojiyuyan.kernel.deviceflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.KernelSettings;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * A person in a real browser (Chromium driven by Playwright) opens the link a program printed, signs in
 * on /activate, checks the code and approves; the program, polling with openid-client meanwhile,
 * receives its agent key.
 */
@Timeout(180)
@KernelSettings("CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS=1")
class BrowserApprovalTest extends ContractTest {
    @BeforeAll
    static void nodeAndChromium() {
        NodeProject.require();
        NodeProject.requireChromium();
    }

    @Test
    void approvingInTheBrowserGivesThePollingProgramItsKey() {
        TestKernel.Owner owner = kernel.newOwner();
        try (NodeProject.Script script = NodeProject.start("browser-approve.mjs", kernel.server().publicUrl(), "browser-agent",
                owner.email(), "password-" + owner.email())) {
            JsonNode token = OpenIdClientTest.event(script, "token");
            assertThat(script.waitFor(60)).isZero();

            JsonNode me = kernel.api().get("/me", token.get("access_token").asString()).json();
            assertThat(me.get("kind").asString()).isEqualTo("agent");
            assertThat(me.get("owner_id").asString()).isEqualTo(owner.id());
            JsonNode agents = kernel.api().get("/agents", owner.token()).json().get("items");
            assertThat(agents.valueStream().map(a -> a.get("name").asString())).containsExactly("browser-agent");
        }
    }
}
