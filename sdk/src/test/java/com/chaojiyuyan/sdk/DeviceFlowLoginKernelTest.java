package com.chaojiyuyan.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.KernelSettings;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code KernelClient.loginDeviceFlow} against the real kernel's device flow: it prints the code, the
 * code's owner approves it (here through the owner API, as the /activate page would), and the login ends
 * with a working client and a credentials file of mode 0600; a denied or expired code ends it with
 * DeviceFlowError. The kernel's poll interval is 1 s, so a login takes a poll or two.
 */
@KernelSettings("CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS=1")
class DeviceFlowLoginKernelTest extends ContractTest {
    private static final Pattern CODE = Pattern.compile("Enter code: ([A-Z]{4}-[A-Z]{4})");

    @TempDir
    Path home;

    private record Login(CompletableFuture<KernelClient> client, ByteArrayOutputStream printed) {
        /** The user code the login printed, once it has printed it. */
        String userCode() {
            await().atMost(Duration.ofSeconds(30)).until(() -> CODE.matcher(printed.toString(StandardCharsets.UTF_8)).find());
            Matcher m = CODE.matcher(printed.toString(StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            return m.group(1);
        }
    }

    private Login startLogin(String clientName) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        KernelClient.Builder builder = KernelClient.builder()
                .baseUrl(kernel.api().apiUrl())
                .environment(Map.of())
                .home(home)
                .output(new PrintStream(printed, true, StandardCharsets.UTF_8));
        return new Login(CompletableFuture.supplyAsync(() -> builder.loginDeviceFlow(clientName),
                r -> Thread.ofVirtual().start(r)), printed);
    }

    @Test
    void anApprovedLoginAnswersAWorkingClientAndSavesItsKey() throws Exception {
        TestKernel.Owner owner = kernel.newOwner();
        Login login = startLogin("sdk-e2e");
        String code = login.userCode();
        assertThat(login.printed().toString(StandardCharsets.UTF_8))
                .contains("1) Open: " + kernel.server().publicUrl() + "/activate?code=" + code)
                .contains("Waiting for approval in your browser...");

        HttpApi.Response approved = kernel.api().post("/oauth/device/approve", owner.token(), Map.of("user_code", code));
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);

        try (KernelClient client = login.client().get(60, TimeUnit.SECONDS)) {
            assertThat(client.capabilities()).extracting(CapabilitySpec::capabilityKey).contains("test.echo.v1");
        }
        Path credentials = home.resolve(".chaojiyuyan/credentials");
        assertThat(Files.getPosixFilePermissions(credentials))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        String saved = Files.readString(credentials);
        assertThat(saved).contains("nxt_ag_").contains(kernel.api().apiUrl());
        // The next run needs no login: fromEnv() finds the saved key.
        try (KernelClient again = KernelClient.builder().environment(Map.of()).home(home).build()) {
            assertThat(again.capabilities()).isNotEmpty();
        }
    }

    @Test
    void aDeniedLoginEndsWithDeviceFlowError() {
        TestKernel.Owner owner = kernel.newOwner();
        Login login = startLogin("sdk-denied");
        String code = login.userCode();

        assertThat(kernel.api().post("/oauth/device/deny", owner.token(), Map.of("user_code", code)).status()).isEqualTo(200);

        assertThatThrownBy(() -> login.client().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(DeviceFlowError.class);
        assertThat(home.resolve(".chaojiyuyan/credentials")).doesNotExist();
    }

    @Test
    void anExpiredCodeEndsWithDeviceFlowError() {
        Login login = startLogin("sdk-expired");
        login.userCode();

        kernel.clock().advance(Duration.ofSeconds(901));

        assertThatThrownBy(() -> login.client().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(DeviceFlowError.class);
    }
}
