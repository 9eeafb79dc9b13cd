package com.chaojiyuyan.kernel.auth;

import static com.chaojiyuyan.kernel.testing.ProblemJson.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.chaojiyuyan.kernel.testing.ContractTest;
import com.chaojiyuyan.kernel.testing.HttpApi;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Owners sign in and out, create agents and keys, revoke keys; secrets are shown once and stored hashed. */
class AccountsTest extends ContractTest {

    private static String passwordOf(TestKernel.Owner owner) {
        return "password-" + owner.email(); // how TestKernel.newOwner() chooses it
    }

    private static HttpApi.Response login(String email, String password) {
        return kernel.api().post("/auth/login", null, Map.of("email", email, "password", password));
    }

    // ---- sign-in ---------------------------------------------------------------------------------

    @Test
    void loginAnswersASessionTokenAndTheOwner() {
        TestKernel.Owner owner = kernel.newOwner();

        HttpApi.Response r = login(owner.email().toUpperCase(java.util.Locale.ROOT), passwordOf(owner));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String token = r.get("token").asString();
        assertThat(token).startsWith("nxt_os_");
        assertThat(Duration.between(kernel.clock().instant(), Instant.parse(r.get("expires_at").asString())))
                .isBetween(Duration.ofHours(23), Duration.ofHours(24));
        assertThat(r.get("owner").get("id").asString()).isEqualTo(owner.id());
        assertThat(r.get("owner").get("email").asString()).isEqualTo(owner.email());
        assertThat(r.get("owner").get("is_admin").asBoolean()).isFalse();
        assertThat(kernel.api().get("/me", token).get("owner_id").asString()).isEqualTo(owner.id());
    }

    @Test
    void aWrongPasswordAndAnUnknownEmailAreTheSameRefusal() {
        TestKernel.Owner owner = kernel.newOwner();

        JsonNode wrongPassword = assertProblem(login(owner.email(), "not-the-password"), 401, "unauthenticated");
        JsonNode unknownEmail = assertProblem(login("nobody-" + System.nanoTime() + "@test.local", "not-the-password"),
                401, "unauthenticated");

        assertThat(wrongPassword.get("detail")).isEqualTo(unknownEmail.get("detail"));
        assertThat(wrongPassword.get("title")).isEqualTo(unknownEmail.get("title"));
        assertThat(List.copyOf(wrongPassword.propertyNames())).isEqualTo(List.copyOf(unknownEmail.propertyNames()));
    }

    @Test
    void logoutEndsThatSessionOnly() {
        TestKernel.Owner owner = kernel.newOwner();
        String other = kernel.login(owner.email(), passwordOf(owner));

        HttpApi.Response out = kernel.api().post("/auth/logout", owner.token(), null);

        assertThat(out.status()).as(out.toString()).isEqualTo(204);
        assertProblem(kernel.api().get("/me", owner.token()), 401, "unauthenticated");
        assertProblem(kernel.api().post("/auth/logout", owner.token(), null), 401, "unauthenticated");
        assertThat(kernel.api().get("/me", other).status()).isEqualTo(200);
    }

    // ---- the login throttle ----------------------------------------------------------------------

    private static final Map<String, HttpClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Signs in from another loopback address (127.0.0.0/8 all reaches this host on Linux), as another client would. */
    private static HttpApi.Response loginFrom(String address, String email, String password) {
        HttpClient client = CLIENTS.computeIfAbsent(address, a -> {
            try {
                return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(InetAddress.getByName(a)).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        HttpRequest request = HttpRequest.newBuilder(URI.create(kernel.api().apiUrl() + "/auth/login"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HttpApi.JSON.writeValueAsString(Map.of("email", email, "password", password))))
                .build();
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new HttpApi.Response(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assumeLoopbackAddresses(String... addresses) {
        for (String address : addresses) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(address, 0));
            } catch (IOException e) {
                Assumptions.abort("this host cannot send from " + address + " (loopback aliases are a Linux default): " + e);
            }
        }
    }

    private static void assertRateLimited(HttpApi.Response r) {
        JsonNode problem = assertProblem(r, 429, "rate_limited");
        long retryAfter = Long.parseLong(Objects.requireNonNull(r.header("Retry-After"), "Retry-After"));
        assertThat(retryAfter).isBetween(1L, 15 * 60L);
        assertThat(problem.get("retry_after_seconds").asLong()).isEqualTo(retryAfter);
    }

    @Test
    void repeatedFailuresForOneEmailLockThatEmailOnly() {
        assumeLoopbackAddresses("127.0.0.2", "127.0.0.3");
        TestKernel.Owner target = kernel.newOwner();
        TestKernel.Owner bystander = kernel.newOwner();
        for (int i = 0; i < 10; i++) {
            assertProblem(loginFrom("127.0.0.2", target.email(), "guess-" + i), 401, "unauthenticated");
        }

        // From a fresh address, even the right password is refused for the guessed-at account...
        assertRateLimited(loginFrom("127.0.0.3", target.email(), passwordOf(target)));
        // ...while another account signs in from that address.
        assertThat(loginFrom("127.0.0.3", bystander.email(), passwordOf(bystander)).status()).isEqualTo(200);

        kernel.clock().advance(Duration.ofMinutes(15).plusSeconds(1));
        assertThat(loginFrom("127.0.0.3", target.email(), passwordOf(target)).status())
                .as("the window has passed").isEqualTo(200);
    }

    @Test
    void repeatedFailuresFromOneAddressLockThatAddressOnly() {
        assumeLoopbackAddresses("127.0.0.4", "127.0.0.5");
        TestKernel.Owner owner = kernel.newOwner();
        for (int i = 0; i < 10; i++) {
            assertProblem(loginFrom("127.0.0.4", "nobody-" + i + "-" + System.nanoTime() + "@test.local", "guess"),
                    401, "unauthenticated");
        }

        assertRateLimited(loginFrom("127.0.0.4", owner.email(), passwordOf(owner)));
        assertThat(loginFrom("127.0.0.5", owner.email(), passwordOf(owner)).status()).isEqualTo(200);
    }

    @Test
    void fewerFailuresThanTheLimitDoNotLock() {
        assumeLoopbackAddresses("127.0.0.6");
        TestKernel.Owner owner = kernel.newOwner();
        for (int i = 0; i < 9; i++) {
            assertProblem(loginFrom("127.0.0.6", owner.email(), "guess-" + i), 401, "unauthenticated");
        }

        assertThat(loginFrom("127.0.0.6", owner.email(), passwordOf(owner)).status()).isEqualTo(200);
    }

    // ---- agents and keys -------------------------------------------------------------------------

    @Test
    void anAgentsKeyIsShownOnceAndListedOnlyAsAHint() {
        TestKernel.Owner owner = kernel.newOwner();

        HttpApi.Response created = kernel.api().post("/agents", owner.token(), Map.of("name", "  summariser  "));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String key = created.get("api_key").asString();
        assertThat(key).startsWith("nxt_ag_").hasSize("nxt_ag_".length() + 43 + 6);
        String agentId = created.get("agent").get("id").asString();
        assertThat(created.get("agent").get("name").asString()).isEqualTo("summariser");

        HttpApi.Response listed = kernel.api().get("/agents", owner.token());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.text()).doesNotContain(key).doesNotContain(key.substring(7, 30));
        JsonNode agent = listed.get("items").valueStream().filter(a -> a.get("id").asString().equals(agentId)).findFirst().orElseThrow();
        JsonNode listedKey = agent.get("keys").get(0);
        assertThat(listedKey.get("id").asString()).isEqualTo(created.get("key").get("id").asString());
        assertThat(listedKey.get("hint").asString()).isEqualTo(key.substring(0, 11) + "..." + key.substring(key.length() - 4));
        assertThat(listedKey.has("api_key")).isFalse();
    }

    @Test
    void agentsAreListedOnlyToTheirOwner() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Owner other = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "mine");

        assertThat(kernel.api().get("/agents", owner.token()).get("items").valueStream().map(a -> a.get("id").asString()))
                .containsExactly(agent.id());
        assertThat(kernel.api().get("/agents", other.token()).get("items").valueStream()).isEmpty();
        assertProblem(kernel.api().post("/agents/" + agent.id() + "/keys", other.token(), null), 404, "not_found");
    }

    @Test
    void aRevokedKeyFailsFromTheNextRequestWhileAnotherKeyOfTheAgentWorks() {
        TestKernel.Owner owner = kernel.newOwner();
        HttpApi.Response created = kernel.api().post("/agents", owner.token(), Map.of("name", "two keys"));
        String agentId = created.get("agent").get("id").asString();
        String firstKey = created.get("api_key").asString();
        String firstKeyId = created.get("key").get("id").asString();
        HttpApi.Response second = kernel.api().post("/agents/" + agentId + "/keys", owner.token(), null);
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        String secondKey = second.get("api_key").asString();
        assertThat(secondKey).isNotEqualTo(firstKey);
        assertThat(kernel.api().get("/me", firstKey).status()).isEqualTo(200);

        HttpApi.Response revoked = kernel.api().delete("/agents/" + agentId + "/keys/" + firstKeyId, owner.token());

        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        assertProblem(kernel.api().get("/me", firstKey), 401, "unauthenticated");
        assertProblem(kernel.api().post("/kernel-jobs", firstKey, Map.of("capability_key", "test.echo.v1",
                "input", Map.of("text", "hi"))), 401, "unauthenticated");
        HttpApi.Response me = kernel.api().get("/me", secondKey);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.get("agent_id").asString()).isEqualTo(agentId);
        assertThat(me.get("key_id").asString()).isEqualTo(second.get("key").get("id").asString());
        JsonNode keys = kernel.api().get("/agents", owner.token()).get("items").get(0).get("keys");
        assertThat(keys.valueStream().filter(k -> k.get("id").asString().equals(firstKeyId)).findFirst().orElseThrow()
                .get("revoked_at").isNull()).isFalse();
        assertProblem(kernel.api().delete("/agents/" + agentId + "/keys/" + firstKeyId, owner.token()), 404, "not_found");
    }

    @Test
    void onlyTheOwnerMayRevokeItsAgentsKeys() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Owner other = kernel.newOwner();
        HttpApi.Response created = kernel.api().post("/agents", owner.token(), Map.of("name", "guarded"));
        String agentId = created.get("agent").get("id").asString();
        String keyId = created.get("key").get("id").asString();
        TestKernel.Agent othersAgent = kernel.newAgent(other, "other");

        assertProblem(kernel.api().delete("/agents/" + agentId + "/keys/" + keyId, other.token()), 404, "not_found");
        assertProblem(kernel.api().delete("/agents/" + othersAgent.id() + "/keys/" + keyId, other.token()), 404, "not_found");
        assertProblem(kernel.api().delete("/agents/" + agentId + "/keys/" + keyId, created.get("api_key").asString()),
                403, "owner_token_required");

        assertThat(kernel.api().get("/me", created.get("api_key").asString()).status()).isEqualTo(200);
    }

    @Test
    void aKeysLastUseIsRecorded() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "used");
        assertThat(kernel.api().get("/agents", owner.token()).get("items").get(0).get("keys").get(0).get("last_used_at").isNull())
                .as("never used yet").isTrue();

        assertThat(kernel.api().get("/me", agent.key()).status()).isEqualTo(200);

        String lastUsed = kernel.api().get("/agents", owner.token()).get("items").get(0).get("keys").get(0).get("last_used_at").asString();
        assertThat(Instant.parse(lastUsed)).isBeforeOrEqualTo(kernel.clock().instant());
    }

    @Test
    void malformedKeysAreRefused() {
        TestKernel.Agent agent = kernel.newAgent();
        String key = agent.key();
        char last = key.charAt(key.length() - 1);
        char firstOfBody = key.charAt(7);
        List<String> malformed = new ArrayList<>(List.of(
                key.substring(0, key.length() - 1),
                key + "0",
                key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A'),
                key.substring(0, 7) + (firstOfBody == 'A' ? 'B' : 'A') + key.substring(8),
                key.substring(0, key.length() - 2) + "!!",
                "nxt_os_" + key.substring(7),
                key.toUpperCase(java.util.Locale.ROOT).equals(key) ? key.toLowerCase(java.util.Locale.ROOT) : key.toUpperCase(java.util.Locale.ROOT)));

        for (String bad : malformed) {
            assertProblem(kernel.api().get("/me", bad), 401, "unauthenticated");
        }
        assertThat(kernel.api().get("/me", key).status()).isEqualTo(200);
    }

    @Test
    void aKeyOrTokenInAnotherCaseIsAnotherCredential() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "cased");

        for (String secret : List.of(agent.key(), owner.token())) {
            String body = secret.substring(7);
            String swapped = secret.substring(0, 7) + body.chars()
                    .map(c -> Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append);
            // Back to back, so both usually travel on one kept-alive connection.
            assertThat(kernel.api().get("/me", secret).status()).isEqualTo(200);
            assertProblem(kernel.api().get("/me", swapped), 401, "unauthenticated");
            assertProblem(kernel.api().get("/me", secret.toUpperCase(java.util.Locale.ROOT)), 401, "unauthenticated");
        }
    }

    @Test
    void keysTokensAndPasswordsAreStoredOnlyAsHashes() {
        TestKernel.Owner owner = kernel.newOwner();
        HttpApi.Response created = kernel.api().post("/agents", owner.token(), Map.of("name", "hashed"));
        String key = created.get("api_key").asString();
        String secondKey = kernel.api().post("/agents/" + created.get("agent").get("id").asString() + "/keys", owner.token(), null)
                .get("api_key").asString();
        assertThat(kernel.api().get("/me", key).status()).isEqualTo(200);
        List<String> secrets = List.of(key, secondKey, owner.token(), passwordOf(owner));

        List<String> everyStoredText = kernel.server().database().read(h -> {
            List<String> tables = kernel.server().database().dialect().isPostgres()
                    ? h.createQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                            + " AND table_type = 'BASE TABLE'").mapTo(String.class).list()
                    : h.createQuery("SELECT name FROM sqlite_master WHERE type = 'table'").mapTo(String.class).list();
            List<String> texts = new ArrayList<>();
            for (String table : tables) {
                for (Map<String, Object> row : h.createQuery("SELECT * FROM " + table).mapToMap().list()) {
                    row.values().stream().filter(Objects::nonNull).map(String::valueOf).forEach(texts::add);
                }
            }
            return texts;
        });

        assertThat(everyStoredText).isNotEmpty();
        for (String secret : secrets) {
            assertThat(everyStoredText).as("a stored value holding a secret").noneMatch(v -> v.contains(secret));
        }
        assertThat(everyStoredText).contains(sha256(key), sha256(secondKey), sha256(owner.token()));
        String passwordHash = kernel.server().database().read(h -> h.createQuery("SELECT password_hash FROM owners WHERE id = :id")
                .bind("id", owner.id()).mapTo(String.class).one());
        assertThat(passwordHash).startsWith("$argon2id$");
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- who am I ----------------------------------------------------------------------------------

    @Test
    void meDescribesAnOwnerAnAdminAndAnAgent() {
        TestKernel.Owner owner = kernel.newOwner();
        HttpApi.Response created = kernel.api().post("/agents", owner.token(), Map.of("name", "me"));

        JsonNode asOwner = kernel.api().get("/me", owner.token()).json();
        JsonNode asAdmin = kernel.api().get("/me", kernel.adminToken()).json();
        JsonNode asAgent = kernel.api().get("/me", created.get("api_key").asString()).json();

        assertThat(asOwner.get("kind").asString()).isEqualTo("owner");
        assertThat(asOwner.get("owner_id").asString()).isEqualTo(owner.id());
        assertThat(asOwner.get("email").asString()).isEqualTo(owner.email());
        assertThat(asOwner.get("is_admin").asBoolean()).isFalse();
        assertThat(asAdmin.get("is_admin").asBoolean()).isTrue();
        assertThat(asAdmin.get("email").asString()).isEqualTo(TestKernel.ADMIN_EMAIL);
        assertThat(asAgent.get("kind").asString()).isEqualTo("agent");
        assertThat(asAgent.get("agent_id").asString()).isEqualTo(created.get("agent").get("id").asString());
        assertThat(asAgent.get("owner_id").asString()).isEqualTo(owner.id());
        assertThat(asAgent.get("key_id").asString()).isEqualTo(created.get("key").get("id").asString());
    }

    // ---- the admin's owner management ----------------------------------------------------------------

    @Test
    void creatingOwnersNeedsAnAdmin() {
        TestKernel.Owner owner = kernel.newOwner();
        TestKernel.Agent agent = kernel.newAgent(owner, "agent");
        Map<String, Object> body = Map.of("email", "refused-" + System.nanoTime() + "@test.local", "password", "long-enough-password");

        assertProblem(kernel.api().post("/admin/owners", owner.token(), body), 403, "admin_required");
        assertProblem(kernel.api().post("/admin/owners", agent.key(), body), 403, "admin_required");
        assertProblem(kernel.api().get("/admin/owners", owner.token()), 403, "admin_required");

        assertProblem(login((String) body.get("email"), (String) body.get("password")), 401, "unauthenticated");
    }

    @Test
    void anAdminCreatesOwnersWhoCanSignIn() {
        String email = "Fresh-" + System.nanoTime() + "@Test.Local";

        HttpApi.Response created = kernel.api().post("/admin/owners", kernel.adminToken(),
                Map.of("email", email, "password", "long-enough-password", "is_admin", true));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.get("id").asString()).isNotBlank();
        assertThat(created.get("email").asString()).isEqualTo(email.toLowerCase(java.util.Locale.ROOT));
        assertThat(created.get("is_admin").asBoolean()).isTrue();
        assertThat(created.json().has("password")).isFalse();
        assertThat(created.json().has("password_hash")).isFalse();
        assertThat(kernel.api().get("/admin/owners", kernel.adminToken()).get("items").valueStream()
                .map(o -> o.get("id").asString())).contains(created.get("id").asString());
        String token = kernel.login(email, "long-enough-password");
        assertThat(kernel.api().post("/admin/owners", token, Map.of("email", "by-new-admin-" + System.nanoTime() + "@test.local",
                "password", "long-enough-password")).status()).as("the new owner is an admin").isEqualTo(201);
    }

    @Test
    void aTakenEmailIsRefusedWhateverItsCase() {
        TestKernel.Owner owner = kernel.newOwner();

        assertProblem(kernel.api().post("/admin/owners", kernel.adminToken(),
                Map.of("email", owner.email(), "password", "another-password")), 409, "email_taken");
        assertProblem(kernel.api().post("/admin/owners", kernel.adminToken(),
                Map.of("email", owner.email().toUpperCase(java.util.Locale.ROOT), "password", "another-password")), 409, "email_taken");

        assertThat(kernel.login(owner.email(), passwordOf(owner))).as("the original password still works").startsWith("nxt_os_");
    }

    @Test
    void weakPasswordsAndBadEmailsAreRefused() {
        String email = "weak-" + System.nanoTime() + "@test.local";

        assertProblem(kernel.api().post("/admin/owners", kernel.adminToken(), Map.of("email", email, "password", "7chars!")),
                400, "weak_password");
        assertProblem(kernel.api().post("/admin/owners", kernel.adminToken(), Map.of("email", email, "password", "")),
                400, "weak_password");
        for (String bad : List.of("no-at-sign", "@test.local", "trailing@", "two words@test.local")) {
            assertProblem(kernel.api().post("/admin/owners", kernel.adminToken(), Map.of("email", bad, "password", "long-enough")),
                    400, "invalid_request");
        }

        assertThat(kernel.api().post("/admin/owners", kernel.adminToken(), Map.of("email", email, "password", "8 chars!")).status())
                .as("eight characters are enough").isEqualTo(201);
    }
}
