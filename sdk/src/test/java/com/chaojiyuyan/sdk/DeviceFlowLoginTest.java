package com.chaojiyuyan.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.chaojiyuyan.sdk.internal.DeviceFlowLogin;
import com.chaojiyuyan.sdk.internal.KernelHttp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device-flow client (RFC 8628) against the spec's endpoints, offline: the instructions it prints,
 * polling at the server's interval, slow_down adding 5 s, 410 access_denied / expired_token, timeouts,
 * and the saved credentials, with every server answer scripted (DeviceFlowLoginKernelTest runs the same
 * login against the real kernel; slow_down is tested here because a client that waits as told never gets it).
 */
class DeviceFlowLoginTest {
    private static final String GRANT = """
            {"device_code":"dc_secret","user_code":"WDJB-MJHT","verification_uri":"http://k.example/activate",
             "verification_uri_complete":"http://k.example/activate?code=WDJB-MJHT","expires_in":900,"interval":5}""";
    private static final String PENDING = "{\"error\":\"authorization_pending\"}";

    @TempDir
    Path home;

    private final List<Duration> sleeps = new ArrayList<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    private DeviceFlowLogin login(FakeKernel fake) {
        KernelHttp http = new KernelHttp("http://k.example/api/v1", null, "test", Duration.ofSeconds(5), fake);
        return new DeviceFlowLogin(http, new PrintStream(printed, true, StandardCharsets.UTF_8), sleeps::add);
    }

    @Test
    void pollsAtTheIntervalSlowsDownWhenToldAndAnswersTheKey() {
        FakeKernel fake = new FakeKernel().answer(200, GRANT).answer(400, PENDING)
                .answer(400, "{\"error\":\"slow_down\"}").answer(400, PENDING)
                .answer(200, "{\"access_token\":\"nxt_ag_new\",\"token_type\":\"bearer\",\"agent_id\":\"ag_1\"}");

        DeviceFlowLogin.Approved approved = login(fake).login("my-agent", null);

        assertThat(approved).isEqualTo(new DeviceFlowLogin.Approved("nxt_ag_new", "ag_1"));
        assertThat(sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("""
                Connect to chaojiyuyan
                ----------------------------------------
                1) Open: http://k.example/activate?code=WDJB-MJHT
                2) Enter code: WDJB-MJHT

                Waiting for approval in your browser...
                """);
        Transport.Request authorize = fake.requests.get(0);
        assertThat(authorize.uri().toString()).isEqualTo("http://k.example/api/v1/oauth/device/authorize");
        assertThat(authorize.headers()).containsEntry("Content-Type", "application/x-www-form-urlencoded")
                .doesNotContainKey("Authorization");
        assertThat(FakeKernel.body(authorize)).isEqualTo("client_name=my-agent");
        Transport.Request token = fake.last();
        assertThat(token.uri().toString()).isEqualTo("http://k.example/api/v1/oauth/device/token");
        assertThat(FakeKernel.body(token)).contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
                .contains("device_code=dc_secret");
    }

    @Test
    void aDeniedOrExpiredCodeIsADeviceFlowError() {
        assertThatThrownBy(() -> login(new FakeKernel().answer(200, GRANT).answer(410, "{\"error\":\"access_denied\"}"))
                .login("x", null)).isInstanceOfSatisfying(DeviceFlowError.class, e -> assertThat(e.error()).isEqualTo("access_denied"));
        assertThatThrownBy(() -> login(new FakeKernel().answer(200, GRANT).answer(410, "{\"error\":\"expired_token\"}"))
                .login("x", null)).isInstanceOfSatisfying(DeviceFlowError.class, e -> assertThat(e.error()).isEqualTo("expired_token"));
    }

    @Test
    void noApprovalWithinTheTimeoutIsADeviceFlowTimeout() {
        FakeKernel fake = new FakeKernel().answer(200, GRANT).answer(400, PENDING).answer(400, PENDING);
        assertThatThrownBy(() -> login(fake).login("x", Duration.ofSeconds(12))).isInstanceOf(DeviceFlowTimeout.class);
        assertThat(sleeps).as("two polls fit in 12 s at 5 s each; the third would not").hasSize(2);
    }

    @Test
    void theClientSavesTheKeyOwnerOnlyAndIsReadyToUse() throws Exception {
        // Through the public builder, with a grant whose interval is 0 so the real sleeper does not wait.
        FakeKernel fake = new FakeKernel().answer(200, GRANT.replace("\"interval\":5", "\"interval\":0"))
                .answer(200, "{\"access_token\":\"nxt_ag_saved\",\"token_type\":\"bearer\",\"agent_id\":\"ag_2\"}")
                .answer(200, "{\"items\":[],\"next_cursor\":null}");
        try (KernelClient client = KernelClient.builder().baseUrl("http://k.example/api/v1").home(home).environment(Map.of())
                .transport(fake).output(new PrintStream(printed, true, StandardCharsets.UTF_8)).loginDeviceFlow("my-agent")) {
            client.capabilities();
        }
        assertThat(fake.last().headers()).containsEntry("Authorization", "Bearer nxt_ag_saved");
        Path file = Credentials.file(home);
        assertThat(Credentials.read(file)).contains(new Credentials("nxt_ag_saved", "http://k.example/api/v1"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
