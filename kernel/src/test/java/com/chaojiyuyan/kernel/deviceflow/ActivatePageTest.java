package com.chaojiyuyan.kernel.deviceflow;

import static com.chaojiyuyan.kernel.deviceflow.DeviceClient.assertOAuthError;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The /activate page: sign in, see the program and its code, approve or deny with a CSRF-bound POST. */
class ActivatePageTest extends ContractTest {

    private FormBrowser browser() {
        return new FormBrowser(kernel.api(), kernel.server().publicUrl());
    }

    private DeviceClient client() {
        return new DeviceClient(kernel.api());
    }

    private static String password(TestKernel.Owner owner) {
        return "password-" + owner.email();
    }

    private static void assertHtml(HttpApi.Response r, int status) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    }

    @Test
    void signInThenApproveGivesTheProgramItsKey() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("page-agent");
        String code = grant.get("user_code").asString();
        FormBrowser browser = browser();

        HttpApi.Response signInPage = browser.get("/activate?code=" + code);
        assertHtml(signInPage, 200);
        assertThat(signInPage.text()).contains("name=\"email\"", "name=\"password\"", "value=\"" + code + "\"");

        HttpApi.Response signedIn = browser.signIn(owner.email(), password(owner), code);
        assertThat(signedIn.header("Location")).isEqualTo("/activate?code=" + code);
        assertThat(signedIn.header("Set-Cookie")).contains("HttpOnly", "SameSite=Lax", "Path=/activate").doesNotContain("Secure");
        assertThat(browser.cookie()).startsWith("nxt_os_");

        HttpApi.Response confirm = browser.get("/activate?code=" + code);
        assertHtml(confirm, 200);
        assertThat(confirm.text()).contains("page-agent", code, "value=\"approve\"", "value=\"deny\"", owner.email());
        // Showing the page decided nothing.
        assertOAuthError(client().token(grant.get("device_code").asString()), 400, "authorization_pending");

        HttpApi.Response approved = browser.post(Map.of("action", "approve", "code", code, "csrf", FormBrowser.csrf(confirm)));
        assertHtml(approved, 200);
        assertThat(approved.text()).contains("Approved", "page-agent");

        kernel.clock().advance(Duration.ofSeconds(grant.get("interval").asInt()));
        HttpApi.Response token = client().token(grant.get("device_code").asString());
        assertThat(token.status()).as("%s", token).isEqualTo(200);
        JsonNode me = kernel.api().get("/me", token.json().get("access_token").asString()).json();
        assertThat(me.get("owner_id").asString()).isEqualTo(owner.id());
    }

    @Test
    void denyFromThePage() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("page-deny");
        String code = grant.get("user_code").asString();
        FormBrowser browser = browser();
        browser.signIn(owner.email(), password(owner), code);
        HttpApi.Response confirm = browser.get("/activate?code=" + code.toLowerCase());
        assertHtml(confirm, 200);
        HttpApi.Response denied = browser.post(Map.of("action", "deny", "code", code, "csrf", FormBrowser.csrf(confirm)));
        assertHtml(denied, 200);
        assertThat(denied.text()).contains("Denied");
        assertOAuthError(client().token(grant.get("device_code").asString()), 410, "access_denied");

        HttpApi.Response again = browser.get("/activate?code=" + code);
        assertHtml(again, 410);
        assertThat(again.text()).contains("already used");
    }

    @Test
    void decisionsNeedTheSessionsCsrfToken() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Owner other = kernel.newOwner();
        JsonNode grant = client().authorize("csrf-target");
        String code = grant.get("user_code").asString();
        FormBrowser browser = browser();
        browser.signIn(owner.email(), password(owner), code);
        FormBrowser otherBrowser = browser();
        otherBrowser.signIn(other.email(), password(other), null);
        String othersToken = FormBrowser.csrf(otherBrowser.get("/activate?code=" + code));

        assertHtml(browser.post(Map.of("action", "approve", "code", code)), 403);
        assertHtml(browser.post(Map.of("action", "approve", "code", code, "csrf", "0".repeat(64))), 403);
        assertHtml(browser.post(Map.of("action", "approve", "code", code, "csrf", othersToken)), 403);
        // Without the cookie, a token alone is nothing either.
        FormBrowser stranger = browser();
        assertHtml(stranger.post(Map.of("action", "approve", "code", code, "csrf", othersToken)), 401);

        assertOAuthError(client().token(grant.get("device_code").asString()), 400, "authorization_pending");
    }

    @Test
    void getNeverDecides() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("get-only");
        String code = grant.get("user_code").asString();
        FormBrowser browser = browser();
        browser.signIn(owner.email(), password(owner), code);
        String csrf = FormBrowser.csrf(browser.get("/activate?code=" + code));
        HttpApi.Response r = browser.get("/activate?code=" + code + "&action=approve&csrf=" + csrf);
        assertHtml(r, 200);
        assertOAuthError(client().token(grant.get("device_code").asString()), 400, "authorization_pending");
    }

    @Test
    void wrongPasswordUnknownAndExpiredCodesGetClearPages() {
        TestKernel.Owner owner = kernel.newOwner();
        FormBrowser browser = browser();
        HttpApi.Response wrong = browser.post(Map.of("action", "sign_in", "email", owner.email(), "password", "not-it"));
        assertHtml(wrong, 401);
        assertThat(wrong.text()).contains("do not match");
        assertThat(browser.cookie()).isNull();

        browser.signIn(owner.email(), password(owner), null);
        HttpApi.Response entry = browser.get("/activate");
        assertHtml(entry, 200);
        assertThat(entry.text()).contains("name=\"code\"");

        HttpApi.Response unknown = browser.get("/activate?code=BBBB-BBBB");
        assertHtml(unknown, 404);
        assertThat(unknown.text()).contains("not valid");

        JsonNode grant = client().authorize("expiring");
        kernel.clock().advance(Duration.ofSeconds(grant.get("expires_in").asInt() + 1));
        HttpApi.Response expired = browser.get("/activate?code=" + grant.get("user_code").asString());
        assertHtml(expired, 410);
        assertThat(expired.text()).contains("expired");

        assertHtml(browser.post(Map.of("action", "launch")), 400);
        HttpApi.Response json = kernel.api().send("POST", kernel.server().publicUrl() + "/activate", null, "{}", Map.of());
        assertHtml(json, 400);
    }

    @Test
    void clientNamesAreEscaped() {
        TestKernel.Owner owner = kernel.newOwner();
        JsonNode grant = client().authorize("<script>alert(1)</script>");
        String code = grant.get("user_code").asString();
        FormBrowser browser = browser();
        browser.signIn(owner.email(), password(owner), code);
        HttpApi.Response confirm = browser.get("/activate?code=" + code);
        assertHtml(confirm, 200);
        assertThat(confirm.text()).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(confirm.header("Content-Security-Policy")).contains("default-src 'none'");
    }

    @Test
    void signingOutEndsTheBrowserSession() {
        TestKernel.Owner owner = kernel.newOwner();
        FormBrowser browser = browser();
        browser.signIn(owner.email(), password(owner), null);
        String session = browser.cookie();
        String csrf = FormBrowser.csrf(browser.get("/activate"));
        HttpApi.Response out = browser.post(Map.of("action", "sign_out", "csrf", csrf));
        assertThat(out.status()).isEqualTo(303);
        browser.useCookie(session);
        assertThat(browser.get("/activate").text()).contains("name=\"password\"");
    }

    @Test
    void cookieIsSecureWhenThePublicUrlIsHttps() {
        try (TestKernel https = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(),
                Map.of("CHAOJIYUYAN_PUBLIC_URL", "https://kernel.example"))) {
            String direct = "http://127.0.0.1:" + https.server().port();
            HttpApi http = new HttpApi(direct + "/api/v1");
            String email = "secure-" + System.nanoTime() + "@test.local";
            String admin = http.post("/auth/login", null, Map.of("email", TestKernel.ADMIN_EMAIL, "password", TestKernel.ADMIN_PASSWORD))
                    .json().get("token").asString();
            assertThat(http.post("/admin/owners", admin, Map.of("email", email, "password", "password-" + email)).status()).isEqualTo(201);
            HttpApi.Response signedIn = new FormBrowser(http, direct).signIn(email, "password-" + email, null);
            assertThat(signedIn.header("Set-Cookie")).contains("Secure", "HttpOnly", "SameSite=Lax");

            JsonNode grant = new DeviceClient(http).authorize("behind-tls");
            assertThat(grant.get("verification_uri").asString()).isEqualTo("https://kernel.example/activate");
            JsonNode metadata = http.get(direct + "/.well-known/oauth-authorization-server", null).json();
            assertThat(metadata.get("issuer").asString()).isEqualTo("https://kernel.example");
        }
    }
}
