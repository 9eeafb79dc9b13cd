package com.chaojiyuyan.kernel.deviceflow;

import static com.chaojiyuyan.kernel.deviceflow.DeviceClient.assertOAuthError;
import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Typing user codes is rate-limited per account and per address: ten unknown codes in 15 minutes, and
 * further entries (even right ones) answer 429 until the window moves on. Each test speaks from its
 * own loopback address (127.0.0.x), so the address limits of one test do not touch another.
 */
class CodeEntryRateLimitTest extends ContractTest {
    private static final int LIMIT = 10;

    /** Approves {@code code} through the API as {@code owner}, from {@code address}. */
    private static HttpApi.Response approveFrom(String address, TestKernel.Owner owner, String code) {
        return sendFrom(address, "POST", kernel.server().apiUrl() + "/oauth/device/approve", owner.token(),
                "{\"user_code\":\"" + code + "\"}", "application/json", null);
    }

    private static HttpApi.Response sendFrom(String address, String method, String url, String token, String body,
                                             String contentType, String cookie) {
        try {
            HttpClient client = HttpClient.newBuilder().localAddress(InetAddress.getByName(address))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            if (cookie != null) {
                b.header("Cookie", "cjy_session=" + cookie);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpApi.Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode newGrant() {
        return new DeviceClient(kernel.api()).authorize("rate-limited");
    }

    /** A well-formed code that is not issued here (a random code matches one of these with odds of about 1e-10). */
    private static String wrongCode(int i) {
        String letters = UserCodes.ALPHABET;
        return "ZZZZ-" + letters.charAt(i % letters.length()) + "ZZZ";
    }

    @Test
    void tooManyWrongCodesBlockTheAccount() {
        TestKernel.Owner owner = kernel.newOwner();
        for (int i = 0; i < LIMIT; i++) {
            assertProblem(approveFrom("127.0.0.2", owner, wrongCode(i)), 404, "not_found");
        }
        JsonNode grant = newGrant();
        String code = grant.get("user_code").asString();
        HttpApi.Response blocked = approveFrom("127.0.0.2", owner, code);
        assertProblem(blocked, 429, "rate_limited");
        assertThat(blocked.header("Retry-After")).isNotNull();
        // The account is blocked from any address...
        assertProblem(approveFrom("127.0.0.3", owner, code), 429, "rate_limited");
        assertOAuthError(new DeviceClient(kernel.api()).token(grant.get("device_code").asString()), 400, "authorization_pending");

        // ...until the window has moved on (by then that code expired too: the program asks for a new one).
        kernel.clock().advance(Duration.ofMinutes(15));
        HttpApi.Response later = approveFrom("127.0.0.3", owner, newGrant().get("user_code").asString());
        assertThat(later.status()).as("%s", later).isEqualTo(200);
    }

    @Test
    void tooManyWrongCodesBlockTheAddress() {
        for (int i = 0; i < LIMIT; i += 2) {
            TestKernel.Owner guesser = kernel.newOwner();
            assertProblem(approveFrom("127.0.0.4", guesser, wrongCode(i)), 404, "not_found");
            assertProblem(approveFrom("127.0.0.4", guesser, wrongCode(i + 1)), 404, "not_found");
        }
        TestKernel.Owner fresh = kernel.newOwner();
        String code = newGrant().get("user_code").asString();
        assertProblem(approveFrom("127.0.0.4", fresh, code), 429, "rate_limited");
        // The same account from another address is fine: it did nothing wrong.
        HttpApi.Response elsewhere = approveFrom("127.0.0.5", fresh, code);
        assertThat(elsewhere.status()).as("%s", elsewhere).isEqualTo(200);
    }

    @Test
    void theActivatePageIsLimitedToo() {
        TestKernel.Owner owner = kernel.newOwner();
        String base = kernel.server().publicUrl();
        HttpApi.Response signIn = sendFrom("127.0.0.6", "POST", base + "/activate", null,
                DeviceClient.form(Map.of("action", "sign_in", "email", owner.email(), "password", "password-" + owner.email())),
                "application/x-www-form-urlencoded", null);
        assertThat(signIn.status()).as("%s", signIn).isEqualTo(303);
        String setCookie = signIn.header("Set-Cookie");
        String cookie = setCookie.substring("cjy_session=".length(), setCookie.indexOf(';'));

        for (int i = 0; i < LIMIT; i++) {
            HttpApi.Response wrong = sendFrom("127.0.0.6", "GET", base + "/activate?code=" + wrongCode(i), null, null, null, cookie);
            assertThat(wrong.status()).as("%s", wrong).isEqualTo(404);
        }
        String code = newGrant().get("user_code").asString();
        HttpApi.Response blocked = sendFrom("127.0.0.6", "GET", base + "/activate?code=" + code, null, null, null, cookie);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.header("Content-Type")).startsWith("text/html");
        assertThat(blocked.text()).contains("Too many");
        assertThat(blocked.header("Retry-After")).isNotNull();
    }
}
